"""The snaptui application: owns the AWS client, the inventory, loading and progress polling.

Screens read the inventory and redraw on messages; they never talk to AWS themselves.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding

from snaptui.aws.actions import Actions
from snaptui.aws.audit import AuditLog
from snaptui.aws.client import AwsClient
from snaptui.aws.compare import BlockDiff, CompareCache, changes_since_previous
from snaptui.aws.context import CallRecord
from snaptui.aws.errors import AwsError, ThrottledError
from snaptui.aws.models import Identity
from snaptui.aws.settings import AwsSettings
from snaptui.config import Config
from snaptui.ui.action_flow import ActionFlowMixin
from snaptui.ui.auth import AuthGlue
from snaptui.ui.commands import ResourceProvider, system_commands
from snaptui.ui.inventory import Inventory, Kind
from snaptui.ui.messages import InventoryChanged, SessionChanged, SnapshotsUpdated
from snaptui.ui.polling import PollSchedule
from snaptui.ui.preferences import Preferences
from snaptui.ui.screens.browser import BrowserScreen
from snaptui.ui.widgets.status_bar import SessionInfo

Clock = Callable[[], datetime]
ClientFactory = Callable[[AwsSettings], AwsClient]

ACTION_LOG_SIZE = 500


class SnaptuiApp(ActionFlowMixin, App[None]):
    CSS_PATH = Path(__file__).with_name("snaptui.tcss")
    TITLE = "snaptui"
    COMMANDS = App.COMMANDS | {ResourceProvider}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("at", "action_log", "AWS calls", id="action_log", show=False),
        Binding("p", "toggle_pause", "Pause live", id="pause", show=False),
    ]

    def __init__(
        self,
        settings: AwsSettings,
        *,
        demo: bool = False,
        profile_label: str = "default",
        endpoint_label: str = "AWS",
        startup_problem: str | None = None,
        refresh_interval: float = 5.0,
        read_only_profiles: frozenset[str] = frozenset(),
        client_factory: ClientFactory = AwsClient,
        audit: AuditLog | None = None,
        clock: Clock | None = None,
        config: Config | None = None,
        state_file: Path | None = None,
    ) -> None:
        super().__init__()
        # -- config.toml, state.toml, credentials (snaptui.ui.preferences, snaptui.ui.auth) ---
        self.config = config or Config()
        self.preferences = Preferences(self, self.config, state_file)
        self.auth = AuthGlue(self)
        client_factory = self.auth.wrap_factory(client_factory)
        read_only_profiles = read_only_profiles | self.config.read_only_profiles
        # ---------------------------------------------------------------------------------------
        self.settings = settings
        self.client_factory = client_factory
        self.client = client_factory(settings)
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        self.inventory = Inventory()
        self.calls: deque[CallRecord] = deque(maxlen=ACTION_LOG_SIZE)
        self.poll = PollSchedule(base=refresh_interval)
        self.loading: dict[Kind, int] = {}
        """Kinds whose listing is running, with the items received so far."""
        self.session_info = SessionInfo(
            profile=profile_label,
            region=settings.region,
            endpoint=endpoint_label,
            demo=demo,
            read_only=settings.read_only,
        )
        self.startup_problem = startup_problem
        self.demo = demo
        self.read_only_profiles = read_only_profiles
        self.forced_read_only = settings.read_only and settings.profile not in read_only_profiles
        """--read-only (or config) applies to every profile; a profile's own setting to itself."""
        self._opened = False
        self._open_lock = asyncio.Lock()
        """One GetCallerIdentity for the four listings that start together, not four."""
        self._polling = False
        self.audit = audit or AuditLog()
        self.actions = Actions(self.audit)
        self.identity: Identity | None = None
        self.compare_cache = CompareCache()
        """Compare results per snapshot pair, for the compare screen and the timeline."""
        self._errors: dict[str, tuple[str, str]] = {}
        """What failed (``"listing snapshots"``) -> (the error, the status-line text), oldest
        first. A background failure stays until the same work succeeds again (see
        ``last_error``); the others until any listing succeeds."""

    # -- lifecycle ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.preferences.apply()  # theme and key remapping (snaptui.ui.preferences)
        self.client.add_listener(self.calls.append)
        self.browser = BrowserScreen()
        self.push_screen(self.browser)
        if self.startup_problem:
            self.notify(self.startup_problem, severity="warning", timeout=10)
        self.set_interval(1.0, self._poll_tick)
        self.load(*Kind)

    def get_system_commands(self, screen: Any) -> Any:
        yield from super().get_system_commands(screen)
        yield from system_commands(self)

    async def action_quit(self) -> None:
        await self.client.close()
        self.exit()

    async def on_unmount(self) -> None:
        await self.client.close()

    def now(self) -> datetime:
        return self.clock()

    def tell(self, message: Any) -> None:
        """Deliver an app-level event to the browser (messages bubble up, not down)."""
        browser = getattr(self, "browser", None)
        if browser is not None:
            browser.post_message(message)

    # -- loading --------------------------------------------------------------------------------

    async def _ensure_open(self) -> None:
        if self._opened:
            return
        async with self._open_lock:  # the others wait, then find it open (or fail the same way)
            if self._opened:
                return
            await self.client.open()
            identity = await self.client.identity()
            self._opened = True
        self.identity = identity
        self.session_info = self.session_info.with_identity(identity.account, identity.arn)
        self.tell(SessionChanged())

    def load(self, *kinds: Kind) -> None:
        """(Re)load listings in the background; each kind streams into the inventory."""
        for kind in kinds:
            self._load_kind(kind)

    def _pages(self, kind: Kind) -> AsyncIterator[list[Any]]:
        match kind:
            case Kind.INSTANCES:
                return self.client.instances()
            case Kind.VOLUMES:
                return self.client.volumes()
            case Kind.SNAPSHOTS:
                return self.client.snapshots()
            case Kind.IMAGES:
                return self.client.images()

    @work(exclusive=False, exit_on_error=False, group="load")
    async def _load_kind(self, kind: Kind) -> None:
        self.loading[kind] = 0
        self.tell(SessionChanged())
        received: list[Any] = []
        try:
            await self._ensure_open()
            _settle_heap()
            async for page in self._pages(kind):
                received.extend(page)
                self.inventory.add_page(kind, page)
                self.loading[kind] = len(received)
                self.tell(InventoryChanged(kind))
                self.tell(SessionChanged())
            self.inventory.replace(kind, received)
            self.inventory.loaded.add(kind)
            self.clear_error(f"listing {kind}")
            self.session_info = replace(self.session_info, refreshed=self.now().astimezone())
        except AwsError as exc:
            self.report_error(exc, f"listing {kind}", background=True)
        finally:
            self.loading.pop(kind, None)
            self.tell(InventoryChanged(kind))
            self.tell(SessionChanged())

    BACKGROUND = ("listing ", "refreshing progress", "comparing generations")

    def report_error(self, error: AwsError, doing: str, *, background: bool = False) -> None:
        """One line with the AWS code and the resource; the view keeps its last good data.

        A ``background`` failure (listing, polling) that is already on show is not toasted
        again: an unreachable endpoint at start is one message, not one per listing.
        """
        text = str(error)
        repeated = background and any(shown == text for shown, _ in self._errors.values())
        self._errors.pop(doing, None)
        self._errors[doing] = (text, f"{error} (while {doing}; r retries)")
        if self.auth.offer_reauth(error, doing):  # credentials: pause, re-auth (snaptui.ui.auth)
            return
        if not repeated:
            self.notify(text, title=f"Error {doing}", severity="error", timeout=12)
        self.tell(SessionChanged())

    def clear_error(self, doing: str) -> None:
        """``doing`` succeeded: its failure leaves the status line (a listing takes an
        action's failure with it: the view shows the outcome now)."""
        listing = doing.startswith("listing ")
        for key in list(self._errors):
            if key == doing or (listing and not key.startswith(self.BACKGROUND)):
                del self._errors[key]

    @property
    def last_error(self) -> str | None:
        """The newest failure still standing, as the status line shows it."""
        return next(reversed(self._errors.values()))[1] if self._errors else None

    @last_error.setter
    def last_error(self, value: str | None) -> None:
        """``None`` forgets every failure (re-authenticated: everything works again)."""
        if value is not None:
            raise ValueError("use report_error() to show a failure")
        self._errors.clear()

    # -- live progress --------------------------------------------------------------------------

    def _poll_tick(self) -> None:
        pending = self.inventory.pending_snapshot_ids()
        if not self._polling and self.poll.due(time.monotonic(), len(pending)):
            self.poll.started(time.monotonic())
            self._polling = True
            self._poll(pending)
        self.tell(SessionChanged())

    @work(exclusive=True, exit_on_error=False, group="poll")
    async def _poll(self, ids: list[str]) -> None:
        try:
            await self._ensure_open()
            fresh = await self.client.refresh_snapshots(ids)
            gone = set(ids) - {s.id for s in fresh}
            changed = self.inventory.update_snapshots(fresh)
            if gone:
                self.inventory.remove(Kind.SNAPSHOTS, gone)
                self.tell(InventoryChanged(Kind.SNAPSHOTS))
            self.poll.succeeded()
            self.clear_error("refreshing progress")
            if changed:
                self.tell(SnapshotsUpdated(frozenset(changed)))
        except ThrottledError as exc:
            self.poll.failed(exc.code)
            self.notify(
                f"{exc} — polling every {self.poll.interval:.0f}s", severity="warning", timeout=8
            )
        except AwsError as exc:
            self.poll.failed(exc.code)
            self.report_error(exc, "refreshing progress", background=True)
        finally:
            self._polling = False
            self.tell(SessionChanged())  # the status line: polled, or backing off and why

    def action_toggle_pause(self) -> None:
        self.poll.paused = not self.poll.paused
        self.notify("Live refresh paused (p resumes)" if self.poll.paused else "Live refresh on")
        self.tell(SessionChanged())

    # -- the generation timeline ----------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="timeline")
    async def fill_timeline(self, volume_id: str) -> None:
        """Work out, a few pairs at a time, how much changed between generations of a volume.

        Results that may change by waiting (a pending snapshot, throttling) are not kept, so
        they are asked again the next time the timeline is shown or a snapshot completes.
        """
        cache = self.compare_cache
        while True:
            generations = self.inventory.generations_of(volume_id)
            wanted = {g.id for g in generations if not g.is_oldest}
            if wanted <= self.inventory.block_changes.keys():
                return
            try:
                found = await self.client.run(
                    lambda service, gens=generations: changes_since_previous(
                        service.ctx, gens, limit=3, cache=cache
                    )
                )
            except AwsError as exc:
                self.report_error(exc, "comparing generations", background=True)
                return
            lasting = {
                key: result
                for key, result in found.items()
                if isinstance(result, BlockDiff) or not result.transient
            }
            fresh = {k: v for k, v in lasting.items() if k not in self.inventory.block_changes}
            if not fresh:
                return
            self.inventory.set_block_changes(fresh)
            self.tell(InventoryChanged(Kind.SNAPSHOTS))

    # -- switching ------------------------------------------------------------------------------

    async def switch_settings(self, settings: AwsSettings, *, profile_label: str | None) -> None:
        """Start over against another region or profile, without restarting the app."""
        self.workers.cancel_group(self, "load")
        self.workers.cancel_group(self, "poll")
        old = self.client
        self.client = self.client_factory(settings)
        self.client.add_listener(self.calls.append)
        await old.close()
        self.settings = settings
        self._opened = False
        self.inventory.clear()
        self.compare_cache.clear()
        self.session_info = replace(
            self.session_info,
            region=settings.region,
            profile=profile_label or self.session_info.profile,
            read_only=settings.read_only,
            account=None,
            principal=None,
            refreshed=None,
        )
        for kind in Kind:
            self.tell(InventoryChanged(kind))
        self.tell(SessionChanged())
        self.refresh_bindings()  # read-only may have changed: mutating actions hide or show
        self.preferences.remember_session(settings)  # last profile and region, in state.toml
        self.load(*Kind)

    def reload_all(self) -> None:
        self.load(*Kind)

    def run_region(self, region: str) -> None:
        self.browser.stack = [self.browser.stack[0]]
        self.run_worker(
            self.switch_settings(replace(self.settings, region=region), profile_label=None)
        )

    def run_profile(self, name: str) -> None:
        self.run_worker(self.switch_profile(name))

    def known_profiles(self) -> list[str]:
        if self.demo:
            return []
        from snaptui.aws.resolve import list_profiles

        return list_profiles()

    async def switch_profile(self, name: str) -> None:
        if self.demo:
            self.notify("The demo has one profile; restart without --demo to use yours.")
            return
        from snaptui.aws.resolve import ResolveError, profile_region

        try:
            region = self.config.region_for(name) or profile_region(name) or self.settings.region
        except ResolveError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        read_only = self.forced_read_only or name in self.read_only_profiles
        settings = replace(self.settings, profile=name, region=region, read_only=read_only)
        self.browser.stack = [self.browser.stack[0]]
        await self.switch_settings(settings, profile_label=name)

    # -- screens --------------------------------------------------------------------------------

    def action_help(self) -> None:
        from snaptui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def action_action_log(self) -> None:
        from snaptui.ui.screens.action_log import ActionLogScreen

        self.push_screen(ActionLogScreen(list(self.calls)))


def _settle_heap() -> None:
    """Take what lives as long as the process out of the cyclic GC's way, once.

    At the first listing the heap is mostly modules, classes, botocore's service models and
    the app's screens: ~10^5 objects that every full collection walked again, stalling the
    UI loop. Frozen (``gc.freeze``) they are skipped; garbage is collected first so that
    none of it is frozen.

    Only once: a freeze takes every object alive at that moment, and the toasts, screens
    and workers among them that die later, in reference cycles, are never freed. Freezing
    after every listing page leaked ~2 MB per refresh that way.
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
