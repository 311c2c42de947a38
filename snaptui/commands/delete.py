"""``snaptui delete snap-...``: delete one snapshot, after checks and a typed confirmation.

Blocked (exit 5, nothing sent) when an AMI uses the snapshot or AWS Backup manages it.
Otherwise the checks (newest or only restore point, pending, part of a set) are shown, the
DryRun says whether IAM allows it, and the user types the snapshot id, or passes ``--yes``
when there is no terminal. A snapshot already gone counts as deleted.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from snaptui.cli import EXIT_OK
from snaptui.commands._args import add_command, add_reason_flag, require_id, require_plain_text
from snaptui.commands._runner import Context, run_command

if TYPE_CHECKING:
    from snaptui.aws.action_results import DeleteResult


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(
        subparsers,
        "delete",
        help="delete a snapshot (typed confirmation, or --yes)",
        description="Delete one snapshot. Refused when an AMI uses it or AWS Backup manages "
        "it. On a terminal you type the snapshot id to confirm; without one (a pipeline), "
        "--yes is required. Every decision goes to the audit log.",
        examples=[
            "snaptui delete snap-0123456789abcdef0",
            "snaptui delete snap-0123456789abcdef0 --yes --reason 'OPS-1234 cleanup' --json",
        ],
    )
    parser.add_argument("snapshot", metavar="SNAP_ID")
    parser.add_argument(
        "--yes", action="store_true", help="confirm without asking (needed without a terminal)"
    )
    add_reason_flag(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require_id(args.snapshot, "snapshot")
    require_plain_text(args)
    return run_command(args, _body, mutating=True)


async def _body(ctx: Context) -> int:
    from snaptui.aws.action_errors import ActionBlockedError
    from snaptui.aws.action_plans import plan_delete_snapshot
    from snaptui.commands._confirm import confirm
    from snaptui.commands._mutate import check_permission, preflight, show

    args = ctx.args
    request = await ctx.client.run(plan_delete_snapshot, args.snapshot, reason=args.reason)
    show(request)
    if request.blocked:
        raise ActionBlockedError(c for c in request.checks if c.level.value == "blocked")
    check_permission(await preflight(ctx, request), request)
    await confirm(
        ctx, [request], expected=args.snapshot, action=f"delete {args.snapshot}", yes=args.yes
    )
    result: DeleteResult = await ctx.client.run(ctx.actions().execute, request)
    _report(ctx, result)
    return EXIT_OK


def _report(ctx: Context, result: DeleteResult) -> None:
    from snaptui.commands._output import emit_json

    if ctx.json:
        from snaptui.commands._shapes import check_json

        emit_json(
            {
                "snapshot_id": result.snapshot_id,
                "deleted": True,
                "already_deleted": result.already_deleted,
                "checks": [check_json(c) for c in result.checks],
                "ok": True,
            }
        )
        return
    gone = "was already gone" if result.already_deleted else "deleted"
    print(f"{result.snapshot_id} {gone}")
