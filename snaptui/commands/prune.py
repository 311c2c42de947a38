"""``snaptui prune vol-... --keep N``: delete a volume's old generations, never the wrong ones.

The selection is ``snaptui.aws.prune.plan_prune`` (newest N completed, AMI-used, AWS Backup,
pending and younger-than snapshots are kept, each with its reason). Before anything is
deleted, a DryRun of DeleteSnapshot checks the permission: when it is missing, prune says so
and deletes nothing (exit 3) rather than failing snapshot by snapshot. ``--dry-run`` shows
the plan and the permission verdict and stops. Deleting asks for the typed volume id on a
terminal and needs ``--yes`` otherwise; each snapshot is checked again right before its
delete, and one failure does not stop the others.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from snaptui.cli import EXIT_AWS, EXIT_FAILED, EXIT_OK, UsageError
from snaptui.commands._args import add_command, add_reason_flag, parse_timeout, require_id
from snaptui.commands._runner import CommandError, Context, run_command

if TYPE_CHECKING:
    from snaptui.aws.action_requests import DeleteSnapshotRequest
    from snaptui.aws.action_results import Permission
    from snaptui.aws.prune import PrunePlan


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(
        subparsers,
        "prune",
        help="delete a volume's old snapshots, keeping the newest N",
        description="Retention for one volume's snapshot generations. Never deletes the "
        "newest N completed snapshots, a snapshot an AMI uses or AWS Backup manages, a "
        "pending one, or anything at all when the DeleteSnapshot permission is missing.",
        examples=[
            "snaptui prune vol-0123456789abcdef0 --keep 7 --dry-run",
            "snaptui prune vol-0123456789abcdef0 --keep 7 --older-than 30d --yes --json",
        ],
    )
    parser.add_argument("volume", metavar="VOL_ID")
    parser.add_argument("--keep", type=int, required=True, metavar="N", help="newest to keep")
    parser.add_argument(
        "--older-than",
        metavar="AGE",
        help="delete only snapshots older than this, e.g. 30d or 12w",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be deleted; delete nothing"
    )
    parser.add_argument(
        "--yes", action="store_true", help="confirm without asking (needed without a terminal)"
    )
    add_reason_flag(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require_id(args.volume, "volume")
    if args.keep < 1:
        raise UsageError("--keep must be at least 1: prune never deletes every restore point")
    seconds = parse_timeout(args.older_than, flag="--older-than")
    args.older_than_delta = timedelta(seconds=seconds) if seconds else None
    return run_command(args, _body, mutating=not args.dry_run)


async def _body(ctx: Context) -> int:
    from snaptui.aws.lookups import get_volume, own_images, volume_snapshots
    from snaptui.aws.prune import plan_prune

    args = ctx.args
    snapshots = await ctx.client.run(volume_snapshots, args.volume)
    if not snapshots:  # an unknown volume fails here with one line (InvalidVolume.NotFound)
        await ctx.client.run(lambda s: get_volume(s.ctx, args.volume))
    images = await ctx.client.run(own_images)
    plan = plan_prune(
        snapshots,
        args.volume,
        keep=args.keep,
        now=datetime.now(UTC),
        images=images,
        older_than=args.older_than_delta,
    )
    requests = _requests(ctx, plan, snapshots, images)
    _show(ctx, plan)
    report = Report(plan, args.dry_run)
    if not plan.delete:
        return _finish(ctx, report, "nothing to delete")
    report.permission = await _permission(ctx, requests[0])
    if report.permission is not None and not report.permission.allowed:
        _finish(ctx, report, None)
        missing = report.permission.missing_action or "ec2:DeleteSnapshot"
        raise CommandError(
            f"error: UnauthorizedOperation: IAM does not allow {missing}: nothing was deleted",
            EXIT_AWS,
        )
    if args.dry_run:
        return _finish(ctx, report, f"dry run: would delete {len(plan.delete)} snapshot(s)")
    await _confirm(ctx, plan, requests)
    await _delete(ctx, requests, report)
    return _finish(ctx, report, f"deleted {len(report.deleted)} of {len(plan.delete)}")


def _requests(
    ctx: Context, plan: PrunePlan, snapshots: list[Any], images: list[Any]
) -> list[DeleteSnapshotRequest]:
    from snaptui.aws.action_requests import DeleteSnapshotRequest
    from snaptui.aws.delete_checks import delete_checks
    from snaptui.aws.generations import generations_for_volume

    generations = generations_for_volume(snapshots, plan.volume_id)
    return [
        DeleteSnapshotRequest(
            region=ctx.session.settings.region,
            snapshot=snapshot,
            checks=delete_checks(snapshot, images, generations),
            reason=ctx.args.reason,
        )
        for snapshot in plan.delete
    ]


async def _permission(ctx: Context, request: DeleteSnapshotRequest) -> Permission | None:
    """The DryRun verdict; None in read-only mode, where even a DryRun is not sent."""
    from snaptui.commands._mutate import preflight
    from snaptui.commands._output import note

    if ctx.session.settings.read_only:
        note("permission not checked: read-only mode sends no DryRun either")
        return None
    return await preflight(ctx, request)


async def _confirm(ctx: Context, plan: PrunePlan, requests: list[DeleteSnapshotRequest]) -> None:
    from snaptui.commands._confirm import confirm

    action = f"delete {len(plan.delete)} snapshot(s) of {plan.volume_id}"
    await confirm(ctx, requests, expected=plan.volume_id, action=action, yes=ctx.args.yes)


async def _delete(ctx: Context, requests: list[DeleteSnapshotRequest], report: Report) -> None:
    """Delete one by one; a failure is reported and the next snapshot is still tried."""
    from snaptui.aws.action_errors import ActionBlockedError
    from snaptui.aws.errors import AwsError
    from snaptui.commands._output import note
    from snaptui.commands._runner import aws_error_line

    for request in requests:
        snapshot_id = request.snapshot.id
        try:
            await ctx.client.run(ctx.actions().execute, request)
        except ActionBlockedError as blocked:
            report.failed.append({"id": snapshot_id, "error": f"blocked: {blocked}"})
        except AwsError as error:
            report.failed.append({"id": snapshot_id, "error": aws_error_line(error)})
        else:
            report.deleted.append(snapshot_id)
            continue
        note(f"error: {snapshot_id}: {report.failed[-1]['error']}")


class Report:
    """What prune did, for the JSON document and the exit code."""

    def __init__(self, plan: PrunePlan, dry_run: bool) -> None:
        self.plan = plan
        self.dry_run = dry_run
        self.permission: Permission | None = None
        self.deleted: list[str] = []
        self.failed: list[dict[str, str]] = []

    def json(self) -> dict[str, Any]:
        from snaptui.commands._output import iso
        from snaptui.commands._shapes import permission_json

        plan = self.plan
        return {
            "volume_id": plan.volume_id,
            "keep": plan.keep,
            "older_than_seconds": int(plan.older_than.total_seconds()) if plan.older_than else None,
            "dry_run": self.dry_run,
            "kept": [
                {
                    "id": k.snapshot.id,
                    "start_time": iso(k.snapshot.start_time),
                    "state": k.snapshot.state,
                    "reason": k.reason,
                }
                for k in plan.kept
            ],
            "to_delete": [
                {"id": s.id, "start_time": iso(s.start_time), "size_gib": s.volume_size_gib}
                for s in plan.delete
            ],
            "permission": permission_json(self.permission),
            "deleted": self.deleted,
            "failed": self.failed,
            "ok": not self.failed and (self.permission is None or self.permission.allowed),
        }


def _show(ctx: Context, plan: PrunePlan) -> None:
    """The plan as a table: on stdout without --json, on stderr with it."""
    import sys

    from snaptui.commands._ls_tables import when
    from snaptui.commands._output import print_table

    now = datetime.now(UTC)
    entries = [(k.snapshot, "keep", k.reason) for k in plan.kept]
    entries += [(s, "DELETE", "") for s in plan.delete]
    entries.sort(key=lambda e: e[0].start_time.timestamp() if e[0].start_time else 0.0)
    rows = [(s.id, when(s.start_time, now), action, why) for s, action, why in reversed(entries)]
    out = sys.stderr if ctx.json else sys.stdout
    print_table(("SNAPSHOT", "STARTED (UTC)", "ACTION", "WHY KEPT"), rows, out=out)


def _finish(ctx: Context, report: Report, message: str | None) -> int:
    from snaptui.commands._output import emit_json, note

    if message:
        note(message)
    if ctx.json:
        emit_json(report.json())
    return EXIT_FAILED if report.failed else EXIT_OK
