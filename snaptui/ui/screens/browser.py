"""The browser: resource views, drill-down, filter, sort, command line and the detail pane.

The view stack is a list of ``ViewState`` (pure data); everything shown is computed by
``snaptui.ui.views`` from the app's inventory. This screen only wires keys to those functions.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Static

from snaptui.aws import action_plans as plans
from snaptui.ui import action_specs as specs
from snaptui.ui import views
from snaptui.ui.blockmap import sparkline
from snaptui.ui.columns import sort_indicator
from snaptui.ui.commandline import (
    CommandError,
    Help,
    Quit,
    ShowView,
    SwitchProfile,
    SwitchRegion,
    parse,
)
from snaptui.ui.details import detail_rows
from snaptui.ui.inventory import Kind
from snaptui.ui.messages import InventoryChanged, SessionChanged, SnapshotsUpdated
from snaptui.ui.views import ViewKind, ViewState
from snaptui.ui.widgets.detail_pane import DetailPane
from snaptui.ui.widgets.jobs_line import jobs_text
from snaptui.ui.widgets.prompt import CommandSuggester, PromptInput
from snaptui.ui.widgets.resource_table import ResourceTable
from snaptui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from snaptui.ui.app import SnaptuiApp

REDRAW_EVERY = 0.5
"""Seconds between redraws while a listing streams in."""

TOP_VIEWS = {
    "1": ViewKind.INSTANCES,
    "2": ViewKind.VOLUMES,
    "3": ViewKind.SNAPSHOTS,
    "4": ViewKind.IMAGES,
}

COMMON_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3", "me-central-1", "af-south-1",
)  # fmt: skip


class BrowserScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        # Help first: on an 80-column footer the last keys are cut, and ? must stay visible.
        Binding("question_mark", "app.help", "Help", id="help_footer"),
        Binding("enter", "open", "Open", id="open", show=False),
        Binding("escape", "back", "Back", id="back"),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("colon", "command", "Cmd", id="command"),
        Binding("r", "refresh", "Refresh", id="refresh", show=False),
        Binding("1", "view('instances')", "Instances", id="view_instances", show=False),
        Binding("2", "view('volumes')", "Volumes", id="view_volumes", show=False),
        Binding("3", "view('snapshots')", "Snapshots", id="view_snapshots", show=False),
        Binding("4", "view('images')", "Images", id="view_images", show=False),
        Binding("o", "sort_next", "Sort by next column", id="sort_next", show=False),
        Binding("O", "sort_reverse", "Reverse sort", id="sort_reverse", show=False),
        Binding("d", "toggle_details", "Show/hide details", id="details", show=False),
        Binding("y", "copy_id", "Copy id", id="copy_id", show=False),
        Binding("m,space", "mark", "Mark snapshot to compare", id="mark", show=False),
        Binding("c", "compare", "Compare", id="compare"),
        Binding("s", "snapshot", "Snapshot", id="snapshot"),
        Binding("R", "restore", "Restore", id="restore"),
        Binding("a", "create_image", "Create AMI", id="create_image", show=False),
        Binding("l", "launch", "Launch", id="launch"),
        Binding("C", "copy_region", "Copy to region", id="copy_region", show=False),
        Binding("ctrl+d", "delete", "Delete", id="delete"),
    ]

    MUTATING = frozenset({"snapshot", "restore", "create_image", "launch", "copy_region", "delete"})
    APPLIES: dict[str, frozenset[ViewKind]] = {
        "snapshot": frozenset({ViewKind.INSTANCES, ViewKind.VOLUMES, ViewKind.INSTANCE_VOLUMES}),
        "restore": frozenset({ViewKind.SNAPSHOTS, ViewKind.GENERATIONS}),
        "create_image": frozenset({ViewKind.INSTANCES, ViewKind.SNAPSHOTS, ViewKind.GENERATIONS}),
        "launch": frozenset({ViewKind.IMAGES}),
        "copy_region": frozenset({ViewKind.SNAPSHOTS, ViewKind.GENERATIONS}),
        "delete": frozenset({ViewKind.SNAPSHOTS, ViewKind.GENERATIONS, ViewKind.IMAGES}),
        "compare": frozenset({ViewKind.SNAPSHOTS, ViewKind.GENERATIONS}),
        "mark": frozenset({ViewKind.SNAPSHOTS, ViewKind.GENERATIONS}),
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[ViewState] = [ViewState(ViewKind.INSTANCES)]
        self.details_toggled = False
        self._pending_redraw: Timer | None = None
        self.marked: str | None = None
        """A snapshot marked with m/space; c on another compares the two."""

    @property
    def snap(self) -> SnaptuiApp:
        return self.app  # type: ignore[return-value]

    @property
    def state(self) -> ViewState:
        return self.stack[-1]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Mutating actions vanish in read-only sessions (and are refused in the AWS layer);
        actions that do not apply to the current view are hidden from the footer."""
        if action in self.MUTATING and self.snap.settings.read_only:
            return False
        applies_in = self.APPLIES.get(action)
        return applies_in is None or not self.is_mounted or self.state.kind in applies_in

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield Static(id="crumbs")
        with Horizontal(id="body"):
            yield ResourceTable(id="table")
            yield DetailPane(id="details")
        yield Static(id="jobs")
        yield PromptInput(id="filter", placeholder="filter: name, id, tag, description")
        yield PromptInput(
            id="command",
            placeholder=":instances :volumes :snapshots :images :region NAME :q",
            suggester=CommandSuggester(self._regions, self._profiles),
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter").display = False
        self.query_one("#command").display = False
        self.redraw()
        self.refresh_status()

    # -- drawing --------------------------------------------------------------------------------

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#table", ResourceTable)

    def redraw(self, cursor_id: str | None = None) -> None:
        inventory = self.snap.inventory
        state = self.state
        items = views.items_for(state, inventory)
        columns = views.columns_for(state.kind)
        labels = [sort_indicator(c, state) for c in columns]
        self.table.show(
            columns, labels, items, self.snap.now(), cursor_id=cursor_id or state.cursor_id
        )
        crumb = views.breadcrumb(
            self.stack, inventory, root=self.snap.session_info.profile, width=self.size.width // 2
        )
        title = views.title_for(state, inventory, shown=len(items))
        if state.kind == ViewKind.GENERATIONS and not state.filter_text.strip():
            title = f"Generations · {len(items)}"  # the crumb already names the volume
        line = Text(f" {crumb}  ")
        line.append(title, style="bold")
        if state.kind == ViewKind.GENERATIONS and state.scope_id and items:
            timeline = inventory.timeline_of(state.scope_id)
            values = [row.changed_bytes for row in reversed(timeline)]  # oldest first
            if any(values):
                line.append("  changes ")
                line.append(sparkline(values, width=min(24, len(values))))
        if self.marked:
            line.append(f"  ● marked {self.marked}", style="bold magenta")
        self.query_one("#crumbs", Static).update(line)
        self.show_details()

    def show_details(self) -> None:
        pane = self.query_one(DetailPane)
        pane.display = self.has_class("-wide") != self.details_toggled
        if pane.display:
            item = self.table.selected
            rows = detail_rows(item, self.snap.inventory, self.snap.now()) if item else []
            pane.show(rows)

    def refresh_status(self) -> None:
        self.query_one(StatusBar).info = self.snap.session_info
        self.query_one("#jobs", Static).update(
            jobs_text(
                pending=len(self.snap.inventory.pending_snapshot_ids()),
                loading=dict(self.snap.loading),
                poll=self.snap.poll,
                polling=self.snap._polling,
                error=self.snap.last_error,
            )
        )

    # -- events from the app --------------------------------------------------------------------

    @on(InventoryChanged)
    def inventory_changed(self, message: InventoryChanged) -> None:
        if message.kind in views.needs(self.state.kind):
            # While pages stream in, redraw at most every REDRAW_EVERY seconds: a redraw per
            # 500-snapshot page rebuilt a growing table 20 times (measured by snaptui.bench).
            # The first page and the end of a listing still draw at once.
            if message.kind in self.snap.loading and self.table.row_count:
                if self._pending_redraw is None:
                    self._pending_redraw = self.set_timer(REDRAW_EVERY, self._deferred_redraw)
            else:
                self.redraw()
        else:
            self.show_details()  # details mention other kinds (an instance's volumes...)

    def _deferred_redraw(self) -> None:
        self._pending_redraw = None
        self.redraw()

    @on(SnapshotsUpdated)
    def snapshots_updated(self, message: SnapshotsUpdated) -> None:
        # Rows change in place; the view's rows are rebuilt from the inventory only when
        # their order or membership changed (ResourceTable.show decides).
        self.redraw()
        if self.state.kind == ViewKind.GENERATIONS and self.state.scope_id:
            self.snap.fill_timeline(self.state.scope_id)  # a completed snapshot can now diff

    @on(SessionChanged)
    def session_changed(self) -> None:
        self.refresh_status()

    @on(DataTable.RowHighlighted, "#table")
    def row_highlighted(self) -> None:
        self._remember_cursor()
        self.show_details()

    @on(DataTable.RowSelected, "#table")
    def row_selected(self) -> None:
        self.action_open()

    @on(DataTable.HeaderSelected, "#table")
    def header_selected(self, event: DataTable.HeaderSelected) -> None:
        self._set_state(views.next_sort(self.state, str(event.column_key.value)))

    @on(ResourceTable.Resized)
    def table_resized(self) -> None:
        self.redraw()

    # -- navigation -----------------------------------------------------------------------------

    def _remember_cursor(self) -> None:
        self.stack[-1] = replace(self.state, cursor_id=self.table.selected_id)

    def _set_state(self, state: ViewState) -> None:
        self.stack[-1] = state
        self.redraw()
        self.refresh_bindings()

    def action_open(self) -> None:
        target = views.drill_down(self.state, self.table.selected_id, self.snap.inventory)
        if target is None:
            return
        self._remember_cursor()
        self.stack.append(target)
        self.redraw()
        self.refresh_bindings()
        if target.kind == ViewKind.GENERATIONS and target.scope_id:
            self.snap.fill_timeline(target.scope_id)

    # -- actions --------------------------------------------------------------------------------

    def _selected_volume(self) -> tuple[Any, str | None] | None:
        selected = self.table.selected
        volume = getattr(selected, "volume", None)
        return (volume, getattr(selected, "device", None)) if volume is not None else None

    def _selected_snapshot(self) -> Any | None:
        return getattr(self.table.selected, "snapshot", None)

    def action_snapshot(self) -> None:
        selected = self.table.selected
        if self.state.kind == ViewKind.INSTANCES and selected is not None:
            self.snap.start_action(specs.snapshot_instance(selected))
        elif (found := self._selected_volume()) is not None:
            self.snap.start_action(specs.snapshot_volume(*found))

    def action_restore(self) -> None:
        snapshot = self._selected_snapshot()
        if snapshot is None:
            return
        app = self.snap

        async def prepared() -> specs.ActionSpec:
            defaults = await app.client.run(plans.plan_restore, snapshot.id)
            instances = sorted(app.inventory.instances.values(), key=lambda i: i.name or i.id)
            return specs.restore(snapshot, defaults, instances)

        app.start_action(prepared)

    def action_create_image(self) -> None:
        selected = self.table.selected
        if self.state.kind == ViewKind.INSTANCES and selected is not None:
            self.snap.start_action(specs.image_from_instance(selected))
        elif (snapshot := self._selected_snapshot()) is not None:
            app = self.snap

            async def prepared() -> specs.ActionSpec:
                defaults = await app.client.run(plans.plan_register_image, snapshot.id, name="-")
                return specs.image_from_snapshot(snapshot, defaults)

            app.start_action(prepared)

    def action_launch(self) -> None:
        image = self.table.selected
        if image is None:
            return
        source = self.snap.inventory.instances.get(image.tags.get("snaptui:source-instance", ""))
        self.snap.start_action(specs.launch(image, source.instance_type if source else "t3.micro"))

    def action_copy_region(self) -> None:
        if (snapshot := self._selected_snapshot()) is not None:
            self.snap.start_action(
                specs.copy_snapshot(snapshot, COMMON_REGIONS, self.snap.settings.region)
            )

    def action_delete(self) -> None:
        if (snapshot := self._selected_snapshot()) is not None:
            self.snap.start_action(specs.delete_snapshot(snapshot))
        elif self.state.kind == ViewKind.IMAGES and self.table.selected is not None:
            self.snap.start_action(specs.deregister_image(self.table.selected))

    # -- compare --------------------------------------------------------------------------------

    def _selected_snapshot_id(self) -> str | None:
        selected = self.table.selected
        snapshot = getattr(selected, "snapshot", None)
        return snapshot.id if snapshot is not None else None

    def action_mark(self) -> None:
        snapshot_id = self._selected_snapshot_id()
        if snapshot_id is None:
            self.notify("Mark works on snapshots: open a volume's generations or press 3")
            return
        self.marked = None if self.marked == snapshot_id else snapshot_id
        self.redraw()

    def action_compare(self) -> None:
        inventory = self.snap.inventory
        chosen = self._selected_snapshot_id()
        if chosen is None:
            self.notify("Compare works on snapshots: open a volume's generations or press 3")
            return
        other = self.marked if self.marked and self.marked != chosen else None
        if other is None:
            generation = inventory.generation(chosen)
            older = (
                [
                    g
                    for g in inventory.generations_of(generation.snapshot.volume_id)
                    if g.position == generation.position + 1
                ]
                if generation
                else []
            )
            if not older:
                self.notify(
                    f"{chosen} is the oldest generation: mark another snapshot (m) to compare",
                    severity="warning",
                )
                return
            other = older[0].id
        a, b = inventory.snapshots.get(chosen), inventory.snapshots.get(other)
        if a is None or b is None:
            self.notify("That snapshot is no longer listed; press r to refresh", severity="warning")
            return
        from snaptui.ui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(a, b))

    def action_back(self) -> None:
        if self.state.filter_text:
            self._set_state(replace(self.state, filter_text=""))
        elif len(self.stack) > 1:
            self.stack.pop()
            self.redraw()
            self.refresh_bindings()

    def action_view(self, kind: str) -> None:
        self.show_view(ViewKind(kind))

    def show_view(self, kind: ViewKind, cursor_id: str | None = None) -> None:
        self._remember_cursor()
        self.stack = [ViewState(kind, cursor_id=cursor_id)]
        self.redraw(cursor_id=cursor_id)
        self.refresh_bindings()

    def action_sort_next(self) -> None:
        columns = [c.key for c in self.table.shown_columns]
        current = views.sort_column(self.state).key
        following = (
            columns[(columns.index(current) + 1) % len(columns)]
            if current in columns
            else columns[0]
        )
        self._set_state(replace(views.next_sort(self.state, following), sort_reverse=False))

    def action_sort_reverse(self) -> None:
        self._set_state(views.next_sort(self.state, views.sort_column(self.state).key))

    def action_toggle_details(self) -> None:
        self.details_toggled = not self.details_toggled
        self.show_details()

    def action_copy_id(self) -> None:
        selected = self.table.selected_id
        if selected:
            self.app.copy_to_clipboard(selected)
            self.notify(f"Copied {selected}", timeout=3)

    def action_refresh(self) -> None:
        self.snap.load(*views.needs(self.state.kind))

    # -- prompts --------------------------------------------------------------------------------

    def action_filter(self) -> None:
        prompt = self.query_one("#filter", PromptInput)
        prompt.value = self.state.filter_text
        prompt.display = True
        prompt.focus()

    def action_command(self) -> None:
        prompt = self.query_one("#command", PromptInput)
        prompt.value = ""
        prompt.display = True
        prompt.focus()

    @on(PromptInput.Changed, "#filter")
    def filter_changed(self, event: PromptInput.Changed) -> None:
        if event.value != self.state.filter_text:
            self._set_state(replace(self.state, filter_text=event.value))

    @on(PromptInput.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self._close_prompt("#filter")

    @on(PromptInput.Closed)
    def prompt_closed(self, event: PromptInput.Closed) -> None:
        if event.prompt.id == "filter":
            self._set_state(replace(self.state, filter_text=""))
        self._close_prompt(f"#{event.prompt.id}")

    def _close_prompt(self, selector: str) -> None:
        self.query_one(selector).display = False
        self.table.focus()

    @on(PromptInput.Submitted, "#command")
    async def command_submitted(self, event: PromptInput.Submitted) -> None:
        self._close_prompt("#command")
        if not event.value.strip():
            return
        try:
            command = parse(event.value)
        except CommandError as exc:
            self.notify(str(exc), severity="warning", timeout=8)
            return
        await self.run_command(command)

    async def run_command(self, command: Any) -> None:
        match command:
            case ShowView(kind=kind):
                self.show_view(ViewKind(kind))
            case SwitchRegion(region=region):
                self.stack = [ViewState(self.stack[0].kind)]
                await self.snap.switch_settings(
                    replace(self.snap.settings, region=region), profile_label=None
                )
            case SwitchProfile(name=name):
                await self.snap.switch_profile(name)
            case Help():
                self.snap.action_help()
            case Quit():
                await self.snap.action_quit()

    def _regions(self) -> list[str]:
        return list(COMMON_REGIONS)

    def _profiles(self) -> list[str]:
        return self.snap.known_profiles()

    def jump_to(self, kind: Kind, resource_id: str) -> None:
        """Show *resource_id* in its top-level view (command palette)."""
        view = {
            Kind.INSTANCES: ViewKind.INSTANCES,
            Kind.VOLUMES: ViewKind.VOLUMES,
            Kind.SNAPSHOTS: ViewKind.SNAPSHOTS,
            Kind.IMAGES: ViewKind.IMAGES,
        }[kind]
        self.show_view(view, cursor_id=resource_id)
        self.table.focus()
