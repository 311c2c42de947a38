"""The command palette (ctrl+p): find any resource by name or id; switch views and regions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.command import Hit, Hits, Provider

from snaptui.ui.inventory import Kind

if TYPE_CHECKING:
    from snaptui.ui.app import SnaptuiApp

MAX_HITS = 40
LABELS = {
    Kind.INSTANCES: "instance",
    Kind.VOLUMES: "volume",
    Kind.SNAPSHOTS: "snapshot",
    Kind.IMAGES: "image",
}


def _candidates(app: SnaptuiApp) -> Iterator[tuple[Kind, str, str]]:
    inventory = app.inventory
    for kind, store in (
        (Kind.INSTANCES, inventory.instances),
        (Kind.VOLUMES, inventory.volumes),
        (Kind.IMAGES, inventory.images),
        (Kind.SNAPSHOTS, inventory.snapshots),
    ):
        for resource_id, item in store.items():
            name = getattr(item, "name", "") or getattr(item, "description", "")
            yield kind, resource_id, f"{LABELS[kind]} {resource_id} {name}".strip()


class ResourceProvider(Provider):
    """Resources by name or id; choosing one shows it in its view."""

    async def search(self, query: str) -> Hits:
        app: SnaptuiApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        found = 0
        for kind, resource_id, text in _candidates(app):
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(app.browser.jump_to, kind, resource_id),
                    help=f"show in {kind}",
                )
                found += 1
                if found >= MAX_HITS:
                    return


ACTIONS = (
    ("snapshot", "Snapshot", "the selected volume, or every volume of the selected instance"),
    ("restore", "Restore as a new volume", "the selected snapshot (and attach it)"),
    ("create_image", "Create AMI", "from the selected instance or snapshot"),
    ("launch", "Launch instance", "from the selected AMI"),
    ("copy_region", "Copy to another region", "the selected snapshot"),
    ("delete", "Delete", "the selected snapshot or AMI (asks for the typed id)"),
    ("compare", "Compare", "the selected snapshot with the previous or marked one"),
)


def action_commands(app: SnaptuiApp) -> Iterable[SystemCommand]:
    """The browser's actions that apply here; none that change anything when read-only."""
    browser = app.browser
    for action, title, what in ACTIONS:
        if browser.check_action(action, ()):
            yield SystemCommand(title, what, getattr(browser, f"action_{action}"))


def system_commands(app: SnaptuiApp) -> Iterable[SystemCommand]:
    from snaptui.ui.views import ViewKind

    for kind in (ViewKind.INSTANCES, ViewKind.VOLUMES, ViewKind.SNAPSHOTS, ViewKind.IMAGES):
        yield SystemCommand(
            f"View: {kind}", f"Show all {kind}", partial(app.browser.show_view, kind)
        )
    yield from action_commands(app)
    yield SystemCommand("Refresh everything", "List all resources again", app.reload_all)
    yield SystemCommand(
        "Pause / resume live refresh", "Stop or restart progress polling", app.action_toggle_pause
    )
    yield SystemCommand("AWS calls", "The calls made this session", app.action_action_log)
    from snaptui.ui.screens.browser import COMMON_REGIONS

    for region in COMMON_REGIONS:
        if region != app.settings.region:
            yield SystemCommand(
                f"Region: {region}", f"Switch to {region}", partial(app.run_region, region)
            )
    for profile in app.known_profiles():
        yield SystemCommand(
            f"Profile: {profile}", f"Switch to profile {profile}", partial(app.run_profile, profile)
        )
