"""Running an action: form → plan and validate → DryRun → confirm (audited) → call → track.

A mixin of the app, so screens only say which action on which resource. The AWS layer refuses
mutating calls in read-only mode whatever happens here; the UI also hides them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import work

from snaptui.aws.action_errors import ActionBlockedError
from snaptui.aws.action_requests import with_tags_under
from snaptui.aws.action_results import (
    CopyResult,
    ImageResult,
    LaunchResult,
    Permission,
    RestoreResult,
    SetResult,
    SnapshotResult,
)
from snaptui.aws.audit import AuditScope, record_decision
from snaptui.aws.errors import AwsError
from snaptui.aws.validation import ValidationError
from snaptui.ui.action_specs import ActionSpec
from snaptui.ui.inventory import Kind
from snaptui.ui.screens.action_form import ActionForm
from snaptui.ui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from snaptui.ui.app import SnaptuiApp

RELOAD_AFTER: dict[str, tuple[Kind, ...]] = {
    "snapshot": (Kind.SNAPSHOTS,),
    "snapshot-set": (Kind.SNAPSHOTS,),
    "restore": (Kind.VOLUMES, Kind.INSTANCES),
    "create-image": (Kind.IMAGES, Kind.SNAPSHOTS),
    "register-image": (Kind.IMAGES,),
    "launch": (Kind.INSTANCES, Kind.VOLUMES),
    "copy": (),
    "delete-snapshot": (Kind.SNAPSHOTS,),
    "deregister-image": (Kind.IMAGES,),
}


def result_message(result: Any) -> str:
    """One line saying what now exists (or what failed, for a partial set)."""
    match result:
        case SnapshotResult():
            extra = (
                " (found after an unclear failure, not created twice)" if result.recovered else ""
            )
            return f"Snapshot {result.snapshot_id} of {result.volume_id}: {result.state}{extra}"
        case SetResult():
            done = ", ".join(result.snapshot_ids) or "none"
            failed = "; ".join(f"{o.volume_id}: {o.message}" for o in result.failed)
            return f"Set {result.set_id}: snapshots {done}" + (
                f" — FAILED {failed}" if failed else ""
            )
        case RestoreResult():
            attached = (
                f", attached to {result.attached_to} as {result.device}"
                if result.attached_to
                else ""
            )
            problem = f" — attach failed: {result.attach_error}" if result.attach_error else ""
            volume = f"{result.az}, {result.volume_type}, {result.size_gib} GiB"
            return (
                f"Volume {result.volume_id} from {result.snapshot_id} ({volume}){attached}{problem}"
            )
        case ImageResult():
            return f"AMI {result.image_id} ({result.name})"
        case LaunchResult():
            return f"Instance {', '.join(result.instance_ids)}"
        case CopyResult():
            return f"Copy {result.snapshot_id} created in the target region"
    return "Done"


def with_config_tags(request: Any, app: Any) -> Any:
    """Add the config's tags ([tags] and [profiles.X].tags) to what the request creates;
    the request's own tags win on a clash. Deletes carry no tags."""
    config = getattr(app, "config", None)
    if config is None:
        return request
    return with_tags_under(request, config.tags_for(app.settings.profile))


class ActionFlowMixin:
    """Needs the app's ``client``, ``actions``, ``audit``, ``settings``, ``identity``."""

    @work(exclusive=True, group="action", exit_on_error=False)
    async def start_action(  # type: ignore[misc]
        self: SnaptuiApp, spec: ActionSpec | Callable[[], Awaitable[ActionSpec]]
    ) -> None:
        if self.settings.read_only:
            self.notify("Read-only session: nothing can be changed here.", severity="warning")
            return
        if not isinstance(spec, ActionSpec):
            try:
                spec = await spec()  # defaults that need a fresh read (restore)
            except AwsError as exc:
                self.report_error(exc, "preparing the action")
                return

        async def submit(values: dict[str, Any]) -> tuple[Any | None, list[str]]:
            try:
                request = await self.client.run(spec.plan, values)
            except AwsError as exc:
                return None, [str(exc)]
            request = with_config_tags(request, self)
            try:
                await self.client.run(self.actions.validate, request)
            except ValidationError as exc:
                return None, list(exc.problems)
            except ActionBlockedError:
                pass  # shown, with its reasons, in the confirmation (which cannot proceed)
            except AwsError as exc:
                return None, [str(exc)]
            return request, []

        request = await self.push_screen_wait(ActionForm(spec, submit))
        if request is None:
            return
        checks = [(str(c.level), c.message) for c in getattr(request, "checks", ())]
        blocked = any(level == "blocked" for level, _ in checks)
        permission: Permission | None = None
        if not blocked:
            try:
                permission = await self.client.run(self.actions.preflight, request)
            except AwsError as exc:
                permission = Permission(False, None, str(exc))
        confirmed = await self.push_screen_wait(
            ConfirmScreen(
                spec.title,
                request.summary(),
                verb=spec.verb,
                permission=permission,
                checks=checks,
                typed_id=spec.resource_id if spec.destructive else None,
                blocked=blocked,
            )
        )
        scope = AuditScope.of(self.settings, self.identity)
        try:
            record_decision(self.audit, scope, request, "confirmed" if confirmed else "cancelled")
        except OSError as exc:
            self.notify(f"Cannot write the audit log ({exc}); nothing was done.", severity="error")
            return
        if not confirmed:
            self.notify("Cancelled: nothing was changed.")
            return
        try:
            result = await self.client.run(self.actions.execute, request)
        except (ValidationError, ActionBlockedError) as exc:
            self.notify(str(exc), title="Refused", severity="error", timeout=12)
            return
        except AwsError as exc:
            self.report_error(exc, spec.title.lower())
            return
        self.notify(result_message(result), title=f"{spec.verb}d", timeout=12)
        self.load(*RELOAD_AFTER.get(spec.key, ()))
