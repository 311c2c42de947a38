"""Read-only, proven (issue #8).

Under ``--read-only`` and under a profile that ``config.toml`` marks read-only, every key of
the TUI (in every view, with a row selected), every command-palette command and every CLI
subcommand is driven against moto through the fault proxy. The proxy's log must then show
zero mutating EC2/EBS/STS calls (a DryRun counts as mutating), and the audit log no mutating
call that went through.

Three layers are exercised in turn:

1. the UI: keys and palette commands as a user would use them (mutating ones are hidden, and
   pressing their keys anyway does nothing);
2. the app with its UI guard bypassed: the action methods called directly, and the whole form
   flow with ``app.settings`` claiming to be writable while the AWS client stays read-only
   (the form must show the AWS layer's "read-only" refusal);
3. the AWS layer itself: the requests the UI planned sent to ``validate``, ``preflight`` and
   ``execute``; every non-read operation of every service model through ``AwsContext.call``;
   and a few raw botocore calls (the ``before-call`` guard).

Control tests run a snapshot through the same machinery *without* read-only and see the
mutating calls in the proxy log, so the proof cannot pass vacuously.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import CommandList
from textual.widgets import Input, Select
from textual.worker import Worker, WorkerState
from textual.worker_manager import WorkerManager

from snaptui.aws.context import SERVICES
from snaptui.aws.errors import ReadOnlyError, is_read_only_operation
from snaptui.ui import commandline
from snaptui.ui.app import SnaptuiApp
from snaptui.ui.commands import ACTIONS, ResourceProvider
from snaptui.ui.inventory import Kind
from snaptui.ui.screens.action_form import ActionForm
from snaptui.ui.screens.browser import BrowserScreen
from snaptui.ui.views import ViewKind
from snaptui.ui.widgets.resource_table import ResourceTable
from tests.cli_process import run_snaptui
from tests.reliability.fault_proxy import FaultProxy, Seen
from tests.ui.helpers import plain

pytestmark = pytest.mark.timeout(170)

REGION = "us-east-1"
MODES = ("flag", "profile")
"""``--read-only`` (every profile), and a profile marked ``read_only = true`` in config.toml."""

AWS_CONFIG = {
    # --read-only: two writable profiles, so switching profile must stay read-only.
    "flag": "[profile dev]\nregion = us-east-1\n[profile prod]\nregion = us-east-1\n",
    # The read-only profile only: switching to a writable one would leave read-only by design.
    "profile": "[profile prod]\nregion = us-east-1\n",
}
AWS_CREDENTIALS = {
    "flag": "[dev]\naws_access_key_id = AKIADEVFAKE000000000\naws_secret_access_key = dev-secret\n"
    "[prod]\naws_access_key_id = AKIAPRODFAKE00000000\naws_secret_access_key = prod-secret\n",
    "profile": "[prod]\naws_access_key_id = AKIAPRODFAKE00000000\naws_secret_access_key = prod\n",
}
SNAPTUI_CONFIG = {"flag": "", "profile": "[profiles.prod]\nread_only = true\n"}

READ_ONLY_WORDS = ("read-only", "read only")


def says_read_only(text: str) -> bool:
    return any(word in text.lower() for word in READ_ONLY_WORDS)


def leaks(proxy: FaultProxy) -> list[Seen]:
    return proxy.mutating()


def leak_report(proxy: FaultProxy) -> str:
    return "mutating calls reached the proxy:\n" + "\n".join(
        f"  {s.service} {s.operation} dry_run={s.dry_run} {dict(s.params)}" for s in leaks(proxy)
    )


# ---------------------------------------------------------------------------------------------
# Files and environment of a mode.


@dataclass(frozen=True)
class Env:
    mode: str
    state_home: Path
    read_only: bool = True

    @property
    def audit_path(self) -> Path:
        return self.state_home / "snaptui" / "audit.jsonl"

    def session_args(self, proxy_url: str) -> argparse.Namespace:
        """The flags ``snaptui`` would get: ``--read-only``, or ``--profile prod``."""
        return argparse.Namespace(
            profile="prod" if self.mode == "profile" else None,
            region=REGION,
            endpoint_url=proxy_url,
            read_only=self.mode == "flag" and self.read_only,
            demo=False,
            command=None,
        )

    def cli_flags(self, proxy_url: str) -> list[str]:
        flags = ["--endpoint-url", proxy_url, "--region", REGION]
        if self.mode == "profile":
            return [*flags, "--profile", "prod"]
        return [*flags, "--read-only"] if self.read_only else flags

    def audit_records(self) -> list[dict[str, Any]]:
        if not self.audit_path.exists():
            return []
        text = self.audit_path.read_text()
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def mutations_audited_ok(self) -> list[dict[str, Any]]:
        return [
            r
            for r in self.audit_records()
            if r.get("kind") == "call"
            and r.get("outcome") == "ok"
            and not is_read_only_operation(str(r.get("operation")))
        ]


def make_env(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, read_only: bool = True
) -> Env:
    """AWS config and credentials, config.toml and a private XDG state dir (the audit log)."""
    aws_config = tmp_path / "aws-config"
    aws_config.write_text(AWS_CONFIG[mode])
    credentials = tmp_path / "aws-credentials"
    credentials.write_text(AWS_CREDENTIALS[mode])
    snaptui_config = tmp_path / "config.toml"
    snaptui_config.write_text(SNAPTUI_CONFIG[mode] if read_only else "")
    state_home = tmp_path / "state"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws_config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("SNAPTUI_CONFIG", str(snaptui_config))
    monkeypatch.setenv("XDG_STATE_HOME", str(state_home))
    monkeypatch.chdir(tmp_path)  # the palette's "Screenshot" saves into the working directory
    return Env(mode, state_home, read_only)


# ---------------------------------------------------------------------------------------------
# The TUI.


def build_app(env: Env, proxy_url: str, tmp_path: Path) -> SnaptuiApp:
    """The app exactly as ``snaptui [--read-only|--profile prod]`` builds it (cli._run_tui)."""
    from snaptui.cli import open_session

    with open_session(env.session_args(proxy_url)) as session:
        return SnaptuiApp(
            session.settings,
            demo=session.demo,
            profile_label=session.profile_label,
            endpoint_label=session.endpoint_label,
            startup_problem=session.config_problem,
            refresh_interval=session.config.refresh_interval,
            read_only_profiles=session.config.read_only_profiles,
            config=session.config,
            state_file=tmp_path / "state.toml",
        )


def binding_keys(bindings: Any) -> set[str]:
    keys: set[str] = set()
    for binding in bindings:
        if isinstance(binding, Binding):
            keys.update(k.strip() for k in binding.key.split(","))
        elif isinstance(binding, tuple):
            keys.update(k.strip() for k in binding[0].split(","))
    return keys


QUIT_ACTIONS = {"quit", "app.quit"}
EXTRA_KEYS = {
    *"sSrRiIlLdDaAcCxXeEnNuUkKbBgGhHtTvVwWzZ56789",
    *("ctrl+d", "ctrl+s", "ctrl+r", "ctrl+x", "ctrl+n", "ctrl+b", "ctrl+l", "ctrl+k"),
    *("delete", "backspace", "insert", "f1", "f2", "f5", "tab", "shift+tab"),
    *("up", "down", "left", "right", "home", "end", "pageup", "pagedown"),
}
"""Keys a user might try for a hidden action (s, S, r, i, l, d...), more letters and digits,
and editing keys: bound or not, none may change anything."""


def quit_keys(app: SnaptuiApp) -> set[str]:
    keys = set()
    for cls in (type(app), *type(app).__mro__):
        for binding in getattr(cls, "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.action in QUIT_ACTIONS:
                keys |= binding_keys([binding])
    for key, active in app.active_bindings.items():
        if active.binding.action in QUIT_ACTIONS:
            keys.add(key)
    return keys


def browser_keys() -> set[str]:
    """The browser's own keys, the hidden mutating ones included: what they do depends on the
    view, so they are pressed in every view."""
    return binding_keys(BrowserScreen.BINDINGS)


def other_keys(app: SnaptuiApp) -> set[str]:
    """The app's, the screen's and the table's bindings, what is active right now, the palette
    key and EXTRA_KEYS, minus the keys that quit: none depends on the view (pressed once)."""
    keys = set(app.active_bindings) | {app.COMMAND_PALETTE_BINDING} | EXTRA_KEYS
    for cls in (*type(app).__mro__, *BrowserScreen.__mro__, *ResourceTable.__mro__):
        keys |= binding_keys(getattr(cls, "BINDINGS", ()))
    return keys - browser_keys() - quit_keys(app)


@dataclass
class Recorder:
    """What the user was told, and every worker the app started (and how it ended)."""

    notes: list[str] = field(default_factory=list)
    workers: list[Worker[Any]] = field(default_factory=list)

    def failed_workers(self) -> list[str]:
        return [f"{w.name}: {w.error!r}" for w in self.workers if w.state == WorkerState.ERROR]


def record(app: SnaptuiApp, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    original_notify = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        recorder.notes.append(f"{kwargs.get('title') or ''} {message}".strip())
        original_notify(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    original_new_worker = WorkerManager._new_worker

    def new_worker(self: WorkerManager, *args: Any, **kwargs: Any) -> Worker[Any]:
        worker = original_new_worker(self, *args, **kwargs)
        recorder.workers.append(worker)
        return worker

    monkeypatch.setattr(WorkerManager, "_new_worker", new_worker)
    return recorder


@dataclass
class View:
    name: str
    stack: list[Any]
    """The browser's view stack, with the cursor on the chosen row."""


@dataclass
class Driven:
    keys: dict[str, int] = field(default_factory=dict)
    """View name -> keys pressed in it."""
    palette: set[str] = field(default_factory=set)
    resources_jumped: int = 0
    direct_actions: int = 0
    forms_refused: int = 0
    layer_refusals: int = 0
    operations_refused: int = 0
    command_lines: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    clock: float = field(default_factory=time.monotonic)

    def mark(self, phase: str) -> None:
        """Time spent since the previous mark, under ``phase``."""
        now = time.monotonic()
        self.seconds[phase] = round(now - self.clock, 1)
        self.clock = now


async def loaded(app: SnaptuiApp, pilot: Any, within: float = 20) -> None:
    await until(pilot, lambda: app.inventory.loaded >= set(Kind) and not app.loading, within)


async def select(pilot: Any, app: SnaptuiApp, row_id: str) -> None:
    table = app.browser.table
    await until(pilot, lambda: row_id in table._order)
    table.move_cursor(row=table._order.index(row_id))
    await pilot.pause()
    assert table.selected_id == row_id


def choose_rows(app: SnaptuiApp) -> dict[str, str]:
    """An instance with volumes, its volume with the most generations, the newest completed
    generation of that volume (it has an older one, so compare applies) and an image."""
    inventory = app.inventory
    attached = [v for v in inventory.volumes.values() if v.instance_ids]
    volume_obj = max(attached, key=lambda v: len(inventory.generations_of(v.id)))
    volume, instance = volume_obj.id, volume_obj.instance_ids[0]
    generations = inventory.generations_of(volume)
    snapshot = next(g.id for g in generations if g.snapshot.state == "completed")
    image = sorted(inventory.images)[0]
    return {"instance": instance, "volume": volume, "snapshot": snapshot, "image": image}


async def build_views(pilot: Any, app: SnaptuiApp, rows: dict[str, str]) -> list[View]:
    """Each of the six views with a row selected, reached as a user reaches it."""
    browser = app.browser
    views: list[View] = []

    async def top(kind: ViewKind, row: str) -> None:
        browser.show_view(kind)
        browser.table.focus()
        await select(pilot, app, row)

    await top(ViewKind.INSTANCES, rows["instance"])
    views.append(View("instances", list(browser.stack)))
    await press(pilot, "enter")
    await until(pilot, lambda: browser.state.kind == ViewKind.INSTANCE_VOLUMES)
    await select(pilot, app, rows["volume"])
    views.append(View("instance-volumes", list(browser.stack)))
    await top(ViewKind.VOLUMES, rows["volume"])
    views.append(View("volumes", list(browser.stack)))
    await press(pilot, "enter")
    await until(pilot, lambda: browser.state.kind == ViewKind.GENERATIONS)
    await select(pilot, app, rows["snapshot"])
    views.append(View("generations", list(browser.stack)))
    await top(ViewKind.SNAPSHOTS, rows["snapshot"])
    views.append(View("snapshots", list(browser.stack)))
    await top(ViewKind.IMAGES, rows["image"])
    views.append(View("images", list(browser.stack)))
    return views


async def until(pilot: Any, predicate: Callable[[], bool], within: float = 15.0) -> None:
    """Let the app run until *predicate* holds (like tests.ui.helpers.wait_for, polling every
    few milliseconds rather than 50: this file waits thousands of times)."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s: {predicate}")
        await pilot.pause(0)
        if not predicate():
            await asyncio.sleep(0.005)


async def press(pilot: Any, *keys: str) -> None:
    """Press keys and let every widget of the screen handle what they caused."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause(0)


async def settle(pilot: Any, app: SnaptuiApp, closed: list[str] | None = None) -> None:
    """Close whatever a key opened (modal screens, prompts, the help panel, a maximized table)
    with the keys a user would use; fail if something cannot be closed."""
    browser = app.browser
    await pilot.pause(0)
    for _ in range(12):
        if app.screen is browser:
            break
        if closed is not None:
            closed.append(type(app.screen).__name__)
        await press(pilot, "escape")
    assert app.screen is browser, f"cannot leave {app.screen!r} with escape"
    for prompt_id in ("#filter", "#command"):
        prompt = browser.query_one(prompt_id)
        if prompt.display:
            if closed is not None:
                closed.append(prompt_id)
            prompt.focus()
            await until(pilot, lambda p=prompt: app.focused is p)
            await press(pilot, "escape")
            await until(pilot, lambda p=prompt: not p.display)
    if browser.maximized is not None:
        browser.minimize()
    if browser.query("HelpPanel"):
        app.action_hide_help_panel()
    app.poll.paused = False
    if app.focused is not browser.table:
        browser.table.focus()
        await until(pilot, lambda: app.focused is browser.table)
    assert app.is_running and app.return_code is None


async def restore(pilot: Any, app: SnaptuiApp, view: View) -> None:
    """Back to the view, its row selected and the table focused (a no-op when it is)."""
    browser = app.browser
    if browser.stack != view.stack:
        browser.stack = list(view.stack)
        browser.redraw(cursor_id=view.stack[-1].cursor_id)
        browser.refresh_bindings()
        await pilot.pause(0)
    if app.focused is not browser.table:
        browser.table.focus()
        await until(pilot, lambda: app.focused is browser.table)


OPENED_IN_EVERY_VIEW = {"HelpScreen", "#filter", "#command"}
OPENED_IN_THE_FIRST_VIEW = {"ActionLogScreen", "CommandPalette"}
"""What pressing every key must have opened (and settle closed) in each view: proof that the
keys really reached the app, not a test that presses into the void."""


async def drive_keys(pilot: Any, app: SnaptuiApp, views: list[View], driven: Driven) -> None:
    """Every key in every view (the mutating ones too: hidden, they must do nothing)."""
    mutating_keys = binding_keys(
        b
        for b in BrowserScreen.BINDINGS
        if isinstance(b, Binding) and b.action in BrowserScreen.MUTATING
    )
    for number, view in enumerate(views):
        await restore(pilot, app, view)
        keys = browser_keys()
        assert mutating_keys <= keys
        if number == 0:
            keys |= other_keys(app)
        shown = {b.binding.action for b in app.active_bindings.values()}
        assert not shown & BrowserScreen.MUTATING, f"{view.name}: mutating keys are shown"
        closed: list[str] = []
        for key in sorted(keys):
            await restore(pilot, app, view)
            await press(pilot, key)
            await settle(pilot, app, closed)
            assert app.settings.read_only, f"{view.name}: {key} left read-only mode"
        expected = OPENED_IN_EVERY_VIEW | (OPENED_IN_THE_FIRST_VIEW if number == 0 else set())
        if view.stack[-1].kind in BrowserScreen.APPLIES["compare"]:
            expected.add("CompareScreen")
        assert expected <= set(closed), f"{view.name}: never opened {expected - set(closed)}"
        driven.keys[view.name] = len(keys)


async def call(callback: Callable[[], Any]) -> None:
    result = callback()
    if inspect.isawaitable(result):
        await result


SWITCHING = ("Region: ", "Profile: ")


async def drive_palette(
    pilot: Any, app: SnaptuiApp, views: list[View], driven: Driven
) -> dict[str, SystemCommand]:
    """Every palette command: each once, and the browser's action commands in every view that
    offers them; each resource the resource provider finds; and a few commands through the
    palette itself. Returns the region and profile switches, run last (they start over)."""
    action_titles = {title for _, title, _ in ACTIONS}
    mutating_titles = {title for key, title, _ in ACTIONS if key in BrowserScreen.MUTATING}
    switching: dict[str, SystemCommand] = {}
    for view in views:
        await restore(pilot, app, view)
        commands = list(app.get_system_commands(app.screen))
        titles = {c.title for c in commands}
        assert not mutating_titles & titles, f"{view.name}: mutating commands offered"
        for command in commands:
            if command.title.startswith(SWITCHING):
                switching[command.title] = command
                continue
            if command.title == "Quit":
                continue  # the very last step
            if command.title in driven.palette and command.title not in action_titles:
                continue
            await restore(pilot, app, view)
            await call(command.callback)
            if command.title == "Screenshot":
                await pilot.pause(0.15)  # it runs on a 0.1 s timer
            await settle(pilot, app)
            driven.palette.add(command.title)
    driven.mark("palette: commands")

    provider = ResourceProvider(app.screen)
    for query in ("i-", "vol-", "snap-", "ami-"):
        async for hit in provider.search(query):
            await call(hit.command)
            driven.resources_jumped += 1
    await settle(pilot, app)
    driven.palette.add("<resource search>")
    driven.mark("palette: resources")

    # Through the palette itself, as a user does: ctrl+p, type, enter.
    image = next(v for v in views if v.name == "images").stack[-1].cursor_id
    browser = app.browser
    through_ui: list[tuple[str, Callable[[], bool]]] = [
        (
            image,
            lambda: browser.state.kind == ViewKind.IMAGES and browser.table.selected_id == image,
        ),
        ("AWS calls", lambda: type(app.screen).__name__ == "ActionLogScreen"),
    ]
    for text, done in through_ui:
        await restore(pilot, app, views[0])
        await press(pilot, app.COMMAND_PALETTE_BINDING)
        await until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        # One search for the whole text: typing it would search once per character.
        app.screen.query_one(Input).value = text
        commands = app.screen.query_one(CommandList)
        await until(pilot, lambda c=commands: c.option_count > 0)
        if commands.highlighted is None:
            await press(pilot, "down")
        await press(pilot, "enter")
        await until(pilot, lambda: type(app.screen).__name__ != "CommandPalette")
        await until(pilot, done)
        await settle(pilot, app)
    driven.mark("palette: typed")

    return switching


async def drive_switches(
    pilot: Any,
    app: SnaptuiApp,
    palette: dict[str, SystemCommand],
    driven: Driven,
    switches: Switches,
) -> None:
    """Switch region and profile every way there is: ``:region``, ``:profile NAME`` for each
    known profile, and every Region/Profile palette command; each must stay read-only. Each
    profile and the first region are listed in full; other switches only switch (their
    listings are the same calls again, and 20 regions would take 10 s more)."""
    prompt = app.browser.query_one("#command")

    def typed(line: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await press(pilot, "colon")
            await until(pilot, lambda: app.focused is prompt)
            prompt.value = line
            await press(pilot, "enter")

        return run

    steps: list[tuple[str, Callable[[], Any]]] = [
        (f":{line}", typed(line))
        for line in ["region us-west-2", *(f"profile {p}" for p in app.known_profiles())]
    ]
    steps += [(title, command.callback) for title, command in sorted(palette.items())]
    load = app.load
    listed: set[str] = set()
    try:
        for title, step in steps:
            kind = "region" if "egion" in title.split()[0] else title.split()[-1]
            list_it = kind not in listed and title[0] != ":"
            app.load = load if list_it else (lambda *kinds: None)  # type: ignore[method-assign]
            async with switches.one(pilot):
                await call(step)
            target = title.split()[-1]
            assert target in (app.settings.region, app.settings.profile), title
            if list_it:
                await loaded(app, pilot)
                listed.add(kind)
            await settle(pilot, app)
            assert app.settings.read_only and app.session_info.read_only, f"{title}: writable"
            if title[0] == ":":
                driven.command_lines += 1
            else:
                driven.palette.add(title)
    finally:
        app.load = load  # type: ignore[method-assign]
    async with switches.one(pilot):
        app.run_region(REGION)
    await loaded(app, pilot)
    assert app.settings.read_only


class Switches:
    """Counts the app's completed profile and region switches, to wait for one to finish."""

    def __init__(self, app: SnaptuiApp) -> None:
        self.done = 0
        original = app.switch_settings

        async def counted(*args: Any, **kwargs: Any) -> None:
            await original(*args, **kwargs)
            self.done += 1

        app.switch_settings = counted  # type: ignore[method-assign]

    @contextlib.asynccontextmanager
    async def one(self, pilot: Any) -> AsyncIterator[None]:
        """Wait, after the body, until one more switch than before has completed."""
        before = self.done
        yield
        await until(pilot, lambda: self.done > before)


COMMAND_LINE_EXTRAS = ("snapshot create", "delete", "restore", "launch", "copy", "rm")
"""Words a user might try on the ``:`` line for a mutating action: refused as unknown."""


async def drive_command_line(
    pilot: Any, app: SnaptuiApp, views: list[View], driven: Driven
) -> None:
    """Every ``:`` command that neither quits (the end) nor switches (drive_switches), by name
    and by its shortest alias (``:s`` is the snapshots view, not a snapshot); and words that
    sound like actions."""
    prompt = app.browser.query_one("#command")
    lines = sorted(
        {
            word
            for name, aliases in commandline._ALIASES.items()
            if name not in ("quit", "region", "profile")
            for word in (name, min(aliases, key=len))
        }
    )
    for line in [*lines, *COMMAND_LINE_EXTRAS]:
        await restore(pilot, app, views[0])
        await press(pilot, "colon")
        await until(pilot, lambda: app.focused is prompt)
        prompt.value = line  # typing it would ask the completer (AWS config files) per key
        await press(pilot, "enter")
        await until(pilot, lambda: not prompt.display)
        await settle(pilot, app)
        assert app.settings.read_only, f":{line} left read-only mode"
        driven.command_lines += 1


async def drive_direct_actions(
    pilot: Any, app: SnaptuiApp, views: list[View], recorder: Recorder, driven: Driven
) -> None:
    """Each action method called directly in each view it applies to: the app says
    read-only and carries on."""
    browser = app.browser
    for view in views:
        for action in sorted(BrowserScreen.MUTATING):
            kind = view.stack[-1].kind
            if kind not in BrowserScreen.APPLIES.get(action, frozenset()):
                continue
            await restore(pilot, app, view)
            before = len(recorder.notes)
            getattr(browser, f"action_{action}")()
            await until(pilot, lambda b=before: any(says_read_only(n) for n in recorder.notes[b:]))
            await settle(pilot, app)
            driven.direct_actions += 1
    assert driven.direct_actions >= len(BrowserScreen.MUTATING)


async def fill_required(pilot: Any, form: ActionForm) -> None:
    """Give every required field without a default a plausible value."""
    # on_mount focuses the first field: by then the fields hold their defaults, and a value
    # set now is not reset by the widget's own mount.
    await until(pilot, lambda: form.focused is not None)

    def filled() -> bool:
        values = form.values()
        empty = [f for f in form.spec.fields if f.required and values[f.name] in ("", None)]
        for spec in empty:
            widget = form.query_one(f"#field-{spec.name}")
            if isinstance(widget, Select):
                widget.value = next(value for value, _ in spec.options if value)
            elif isinstance(widget, Input):
                widget.value = "read-only-proof"
        return not empty  # checked again on the next poll when something was set

    await until(pilot, filled)


async def drive_bypassed_forms(
    pilot: Any, app: SnaptuiApp, views: list[View], driven: Driven
) -> list[Any]:
    """With the UI's own check fooled (``app.settings`` says writable, the AWS client is still
    read-only), each mutating key opens its form in each view it applies to; reviewing it must
    show the AWS layer's read-only refusal in the form. Returns the requests the forms planned."""
    planned: list[Any] = []
    original_validate = app.actions.validate

    async def validate(service: Any, request: Any) -> None:
        planned.append(request)
        await original_validate(service, request)

    app.actions.validate = validate  # type: ignore[method-assign]
    read_only_settings = app.settings
    app.settings = replace(app.settings, read_only=False)
    keys = {
        b.action: b.key.split(",")[0]
        for b in BrowserScreen.BINDINGS
        if isinstance(b, Binding) and b.action in BrowserScreen.MUTATING
    }
    done: set[tuple[str, str]] = set()
    try:
        for view in views:
            for action, key in sorted(keys.items()):
                kind = view.stack[-1].kind
                if kind not in BrowserScreen.APPLIES.get(action, frozenset()):
                    continue
                await restore(pilot, app, view)
                # The same form for the same row (the snapshot in the snapshots view and among
                # its volume's generations) is reviewed once.
                form_of = (action, str(app.browser.table.selected_id))
                if form_of in done:
                    continue
                done.add(form_of)
                await press(pilot, key)
                await until(
                    pilot,
                    lambda: (
                        isinstance(app.screen, ActionForm)
                        and bool(app.screen.query("#form-review"))
                    ),
                )
                form = app.screen
                assert isinstance(form, ActionForm)
                await fill_required(pilot, form)
                form.query_one("#form-review").press()
                problems = form.query_one("#form-problems")
                try:
                    await until(pilot, lambda p=problems: says_read_only(plain(p)))
                except AssertionError:
                    raise AssertionError(
                        f"{view.name}/{action}: the form says {plain(problems)!r}"
                    ) from None
                await settle(pilot, app)
                driven.forms_refused += 1
    finally:
        app.settings = read_only_settings
        app.actions.validate = original_validate  # type: ignore[method-assign]
        app.browser.refresh_bindings()
    return planned


async def drive_aws_layer(
    app: SnaptuiApp, planned: list[Any], rows: dict[str, str], driven: Driven
) -> None:
    """The AWS layer on its own: every planned request, every non-read operation of every
    service through AwsContext.call, and raw botocore calls (the before-call guard)."""
    for request in planned:
        for step in (app.actions.validate, app.actions.preflight, app.actions.execute):
            with pytest.raises(ReadOnlyError):
                await app.client.run(step, request)
            driven.layer_refusals += 1

    async def every_operation(service: Any) -> tuple[int, list[str]]:
        refused, wrong = 0, []
        for name in SERVICES:
            model = service.ctx.client(name).meta.service_model
            for operation in model.operation_names:
                if is_read_only_operation(operation):
                    continue
                for params in ({}, {"DryRun": True}):
                    try:
                        await service.ctx.call(name, operation, **params)
                    except ReadOnlyError:
                        refused += 1
                    except Exception as exc:  # noqa: BLE001 - anything else is a leak
                        wrong.append(f"{name}:{operation}{params}: {exc!r}")
                    else:
                        wrong.append(f"{name}:{operation}{params}: returned")
        return refused, wrong

    refused, wrong = await app.client.run(every_operation)
    assert not wrong, "not refused as read-only:\n" + "\n".join(wrong)
    driven.operations_refused = refused

    async def raw(service: Any) -> int:
        ec2 = service.ctx.client("ec2")
        ebs = service.ctx.client("ebs")
        attempts = [
            lambda: ec2.create_snapshot(VolumeId=rows["volume"], DryRun=True),
            lambda: ec2.create_snapshot(VolumeId=rows["volume"]),
            lambda: ec2.delete_snapshot(SnapshotId=rows["snapshot"], DryRun=True),
            lambda: ec2.create_tags(Resources=[rows["volume"]], Tags=[{"Key": "k", "Value": "v"}]),
            lambda: ec2.deregister_image(ImageId=rows["image"]),
            lambda: ebs.start_snapshot(VolumeSize=1),
        ]
        for attempt in attempts:
            with pytest.raises(ReadOnlyError):
                await attempt()
        return len(attempts)

    driven.layer_refusals += await app.client.run(raw)


async def drive_modal_screens(pilot: Any, app: SnaptuiApp, views: list[View]) -> int:
    """The keys of the screens the browser opens in read-only mode (help, AWS calls,
    compare): every one of their bindings, each from a freshly opened screen."""
    snapshots = next(v for v in views if v.name == "snapshots")
    openers = {"question_mark": snapshots, "at": snapshots, "c": snapshots}
    pressed = 0
    for opener, view in openers.items():
        await restore(pilot, app, view)
        await press(pilot, opener)
        await until(pilot, lambda: app.screen is not app.browser)
        screen_type = type(app.screen)
        await settle(pilot, app)
        for key in sorted(binding_keys(screen_type.BINDINGS)):  # q closes these screens
            await restore(pilot, app, view)
            await press(pilot, opener)
            await until(pilot, lambda t=screen_type: isinstance(app.screen, t))
            await press(pilot, key)
            await until(pilot, lambda: app.screen is app.browser)
            await settle(pilot, app)
            pressed += 1
    return pressed


async def _settled_enough(*_: Any, **__: Any) -> None:
    await asyncio.sleep(0)


async def run_tui_proof(
    app: SnaptuiApp, monkeypatch: pytest.MonkeyPatch
) -> tuple[Driven, Recorder]:
    recorder = record(app, monkeypatch)
    switches = Switches(app)
    driven = Driven()
    # Pilot.press waits for the whole process to look idle after each key (moto and the proxy
    # run in this process: often 100 ms, up to 1 s). ``press`` above waits instead for the
    # screen's widgets to have handled what the key caused, which is what matters here: the
    # keys take a third of the time.
    monkeypatch.setattr("textual.app.wait_for_idle", _settled_enough)
    driven.mark("start")
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        assert app.settings.read_only and app.session_info.read_only
        rows = choose_rows(app)
        views = await build_views(pilot, app, rows)
        assert {v.name for v in views} == {str(k) for k in ViewKind}
        driven.mark("load")
        await drive_keys(pilot, app, views, driven)
        driven.mark("keys")
        driven.keys["<modal screens>"] = await drive_modal_screens(pilot, app, views)
        driven.mark("modal keys")
        await drive_direct_actions(pilot, app, views, recorder, driven)
        driven.mark("direct actions")
        planned = await drive_bypassed_forms(pilot, app, views, driven)
        assert len(planned) == driven.forms_refused
        driven.mark("bypassed forms")
        await drive_aws_layer(app, planned, rows, driven)
        driven.mark("aws layer")
        await drive_command_line(pilot, app, views, driven)
        driven.mark("command line")
        switching = await drive_palette(pilot, app, views, driven)
        await drive_switches(pilot, app, switching, driven, switches)
        driven.mark("switches")
        assert app.settings.read_only
        # The end: ctrl+c (it only tells how to quit), then Quit from the palette.
        await press(pilot, "ctrl+c")
        await settle(pilot, app)
        quit_command = next(c for c in app.get_system_commands(app.screen) if c.title == "Quit")
        await call(quit_command.callback)
        driven.palette.add("Quit")
    assert app.return_code in (0, None)
    return driven, recorder


@pytest.mark.parametrize("mode", MODES)
async def test_tui_sends_nothing_mutating(
    mode: str, seeded_proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = make_env(mode, tmp_path, monkeypatch)
    app = build_app(env, seeded_proxy.url, tmp_path)
    assert app.settings.read_only
    assert app.settings.profile == ("prod" if mode == "profile" else None)
    started = time.monotonic()
    driven, recorder = await run_tui_proof(app, monkeypatch)
    elapsed = time.monotonic() - started
    print(
        f"\n[{mode}] TUI: keys per view {driven.keys}; palette commands {len(driven.palette)} "
        f"+ {driven.resources_jumped} resource hits; direct actions {driven.direct_actions}; "
        f"bypassed forms {driven.forms_refused}; command lines {driven.command_lines}; "
        f"AWS-layer refusals {driven.layer_refusals}; "
        f"operations refused {driven.operations_refused}; {seeded_proxy.count} requests "
        f"in {elapsed:.1f}s {driven.seconds}"
    )
    assert leaks(seeded_proxy) == [], leak_report(seeded_proxy)
    assert env.mutations_audited_ok() == []
    assert recorder.failed_workers() == []
    assert seeded_proxy.count > 0 and "DescribeSnapshots" in seeded_proxy.operations()


# ---------------------------------------------------------------------------------------------
# The CLI.


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    mutating: bool
    flags_after: bool = False
    """The session flags (``--read-only``, ``--profile prod``...) after the command."""
    profile_from_env: bool = False
    """``AWS_PROFILE=prod`` in the environment instead of ``--profile prod``."""

    @property
    def command(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Ran:
    case: Case
    code: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return (
            f"snaptui {' '.join(self.case.args)} -> {self.code} ({self.case})\n"
            f"stdout: {self.stdout[-800:]}\nstderr: {self.stderr[-1500:]}"
        )


NOT_AWS_COMMANDS = {"demo": "serves a local moto of its own; it never talks to AWS"}


@pytest.fixture
def fleet(moto: str, seeded_proxy: FaultProxy) -> dict[str, str]:
    """Real ids, read with boto3 straight from moto (not through the proxy)."""
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=moto)
    reservations = ec2.describe_instances()["Reservations"]
    instances = [i for r in reservations for i in r["Instances"]]
    snapshots = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    by_volume: dict[str, list[dict[str, Any]]] = {}
    for snapshot in snapshots:
        by_volume.setdefault(snapshot["VolumeId"], []).append(snapshot)
    volume = max(by_volume, key=lambda v: len(by_volume[v]))
    generations = sorted(by_volume[volume], key=lambda s: s["StartTime"], reverse=True)
    completed = [s["SnapshotId"] for s in generations if s["State"] == "completed"]
    instance = next(
        i["InstanceId"]
        for i in instances
        if any(m.get("Ebs", {}).get("VolumeId") == volume for m in i["BlockDeviceMappings"])
    )
    image = ec2.describe_images(Owners=["self"])["Images"][0]["ImageId"]
    return {
        "volume": volume,
        "instance": instance,
        "snapshot": completed[0],
        "older": completed[1],
        "image": image,
    }


def cli_cases(ids: dict[str, str]) -> list[Case]:
    vol, inst, snap, older, ami = (
        ids["volume"],
        ids["instance"],
        ids["snapshot"],
        ids["older"],
        ids["image"],
    )
    mutating = [
        ("snapshot", vol, "--reason", "proof", "--wait", "--json"),
        ("snapshot", inst, "--exclude-boot"),
        ("restore", snap, "--attach", inst, "--json"),
        ("image", inst, "--name", "proof-ami", "--reboot", "--yes", "--wait"),
        ("image", snap, "--name", "proof-reg", "--architecture", "x86_64",
         "--virtualization", "hvm", "--ena", "--root-device", "/dev/xvda"),
        ("launch", ami, "--type", "t3.small", "--wait", "--json"),
        ("copy", snap, "--to-region", "us-west-2"),
        ("delete", snap, "--yes"),
        ("prune", vol, "--keep", "1", "--yes", "--json"),
    ]  # fmt: skip
    reading = [
        ("ls", "snapshots", "--volume", vol, "--json"),
        ("compare", older, snap, "--json"),
        ("wait", snap),
        ("doctor", "--json"),
        ("prune", vol, "--keep", "1", "--dry-run"),
        ("config", "show"),
        ("completion", "bash"),
    ]
    return [
        *(Case(a, True) for a in mutating),
        Case(("delete", older, "--yes"), True, flags_after=True),
        Case(("snapshot", vol), True, profile_from_env=True),
        *(Case(a, False) for a in reading),
    ]


def subcommands() -> set[str]:
    from snaptui.cli import build_parser

    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def run_cli(env: Env, proxy_url: str, cases: list[Case]) -> list[Ran]:
    environ = {**os.environ, "NO_COLOR": "1", "AWS_ENDPOINT_URL": proxy_url}

    def one(case: Case) -> Ran:
        flags, case_environ = env.cli_flags(proxy_url), environ
        if case.profile_from_env:
            flags = [f for f in flags if f not in ("--profile", "prod")]
            case_environ = {**environ, "AWS_PROFILE": "prod"}
        argv = [*case.args, *flags] if case.flags_after else [*flags, *case.args]
        done = run_snaptui(*argv, env=case_environ, timeout=90)
        return Ran(case, done.returncode, done.stdout, done.stderr)

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, cases))


@pytest.mark.parametrize("mode", MODES)
def test_cli_refuses_every_mutating_command(
    mode: str,
    fleet: dict[str, str],
    seeded_proxy: FaultProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = make_env(mode, tmp_path, monkeypatch)
    cases = cli_cases(fleet)
    covered = {c.command for c in cases} | set(NOT_AWS_COMMANDS)
    assert covered == subcommands(), "a subcommand is missing from the read-only proof"
    started = time.monotonic()
    results = run_cli(env, seeded_proxy.url, cases)
    elapsed = time.monotonic() - started
    problems: list[str] = []
    for ran in results:
        if "Traceback" in ran.stderr or "Traceback" in ran.stdout:
            problems.append("traceback: " + ran.describe())
        elif ran.case.mutating:
            lines = [line for line in ran.stderr.splitlines() if line.strip()]
            one_line = len(lines) == 1 and lines[0].startswith("snaptui: ")
            if ran.code != 5 or not one_line or not says_read_only(lines[0]):
                problems.append("not refused as read-only (exit 5, one line): " + ran.describe())
        elif ran.code != 0:
            problems.append("a read-only command failed: " + ran.describe())
    print(
        f"\n[{mode}] CLI: {len(cases)} runs of {len(covered) - len(NOT_AWS_COMMANDS)} "
        f"subcommands ({sum(c.mutating for c in cases)} mutating) in {elapsed:.1f}s; "
        f"{seeded_proxy.count} requests"
    )
    assert not problems, "\n\n".join(problems)
    assert leaks(seeded_proxy) == [], leak_report(seeded_proxy)
    assert env.mutations_audited_ok() == []
    assert "DescribeSnapshots" in seeded_proxy.operations()


# ---------------------------------------------------------------------------------------------
# Controls: the same machinery without read-only does reach the proxy with mutating calls.


def test_control_cli_without_read_only_mutates(
    fleet: dict[str, str], seeded_proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = make_env("flag", tmp_path, monkeypatch, read_only=False)
    (ran,) = run_cli(env, seeded_proxy.url, [Case(("snapshot", fleet["volume"]), True)])
    assert ran.code == 0, ran.describe()
    operations = {s.operation for s in leaks(seeded_proxy)}
    assert "CreateSnapshot" in operations, seeded_proxy.operations()
    assert any(s.dry_run for s in leaks(seeded_proxy))  # the permission preflight
    assert env.mutations_audited_ok(), "the audit check would not see a mutation"


async def test_control_tui_without_read_only_mutates(
    seeded_proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from snaptui.ui.screens.confirm import ConfirmScreen

    env = make_env("flag", tmp_path, monkeypatch, read_only=False)
    app = build_app(env, seeded_proxy.url, tmp_path)
    assert not app.settings.read_only
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, pilot)
        rows = choose_rows(app)
        views = await build_views(pilot, app, rows)
        volumes = next(v for v in views if v.name == "volumes")
        await restore(pilot, app, volumes)
        await pilot.press("s")
        await until(
            pilot,
            lambda: isinstance(app.screen, ActionForm) and bool(app.screen.query("#form-review")),
        )
        form = app.screen
        await fill_required(pilot, form)
        form.query_one("#form-review").press()
        await until(
            pilot,
            lambda: isinstance(app.screen, ConfirmScreen) and bool(app.screen.query("#confirm-go")),
            within=20,
        )
        await pilot.pause()
        app.screen.query_one("#confirm-go").press()
        await until(pilot, lambda: bool(seeded_proxy.calls("CreateSnapshot")), within=20)
        await until(pilot, lambda: bool(env.mutations_audited_ok()))
    operations = {s.operation for s in leaks(seeded_proxy)}
    assert "CreateSnapshot" in operations
    assert any(s.dry_run for s in leaks(seeded_proxy))
