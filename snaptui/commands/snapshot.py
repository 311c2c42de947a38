"""``snaptui snapshot vol-...|i-...``: snapshot one volume, or every volume of an instance.

An instance is snapshotted with CreateSnapshots: all its volumes at the same instant
(crash-consistent), tagged as one set. Snapshot rate limits are waited out (15 s, 30 s) a
bounded number of times. One volume failing never hides the others: the result lists each.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from snaptui.cli import EXIT_FAILED, EXIT_OK, UsageError
from snaptui.commands._args import (
    add_command,
    add_reason_flag,
    add_wait_flags,
    require_any_id,
)
from snaptui.commands._mutate import run_creating
from snaptui.commands._runner import Context

if TYPE_CHECKING:
    from snaptui.aws.action_results import SetResult, SnapshotResult
    from snaptui.commands._waiter import WaitOutcome


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(
        subparsers,
        "snapshot",
        help="snapshot a volume, or all volumes of an instance at once",
        description="Snapshot one EBS volume (CreateSnapshot), or every volume of an "
        "instance at the same instant (CreateSnapshots, crash-consistent). What will be "
        "created and the DryRun permission check are printed on stderr first; the "
        "snapshots are tagged with who, when, why and a request id.",
        examples=[
            'snaptui snapshot i-0123456789abcdef0 --reason "deploy 4.2.1" --wait --json',
            "snaptui snapshot vol-0123456789abcdef0 --description 'before resize' "
            "--tag ticket=OPS-1234",
            "snaptui snapshot i-0123456789abcdef0 --exclude-boot --wait --timeout 2h",
        ],
    )
    parser.add_argument("target", metavar="VOL_OR_INSTANCE_ID", help="vol-... or i-...")
    parser.add_argument("--description", default="", help="the snapshots' description")
    add_reason_flag(parser)
    parser.add_argument(
        "--tag",
        action="append",
        metavar="KEY=VALUE",
        help="an extra tag on the snapshots (repeatable)",
    )
    parser.add_argument(
        "--exclude-boot",
        action="store_true",
        help="with an instance: leave out its root volume",
    )
    add_wait_flags(parser, "every snapshot is completed")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    args.kind = require_any_id(args.target, ("volume", "instance"))
    if args.exclude_boot and args.kind != "instance":
        raise UsageError("--exclude-boot applies to an instance (i-...), not to a volume")
    return run_creating(args, _body)


async def _body(ctx: Context) -> int:
    from snaptui.aws.action_plans import plan_snapshot, plan_snapshot_set
    from snaptui.commands._mutate import create
    from snaptui.commands._waiter import exit_code, wait_if_asked

    args = ctx.args
    common: dict[str, Any] = {
        "reason": args.reason,
        "description": args.description,
        "tags": args.tags,
    }
    if args.kind == "instance":
        request = await ctx.client.run(
            plan_snapshot_set, args.target, exclude_boot=args.exclude_boot, **common
        )
    else:
        request = await ctx.client.run(plan_snapshot, args.target, **common)
    result = await create(ctx, request)
    ids, failed = _created(result)
    outcome = await wait_if_asked(args.wait, ctx.client, ids, args.timeout_seconds)
    by_id = {s.id: s for s in await ctx.client.refresh_snapshots(ids)} if ids else {}
    snapshots = [by_id[i] for i in ids if i in by_id]
    _report(ctx, result, ids, snapshots, failed, outcome)
    code = exit_code(outcome)
    return code if code != EXIT_OK else (EXIT_FAILED if failed else EXIT_OK)


def _created(result: SetResult | SnapshotResult) -> tuple[list[str], list[dict[str, Any]]]:
    """The created snapshot ids, and one entry per volume that got none (or an error)."""
    from snaptui.aws.action_results import SetResult

    if not isinstance(result, SetResult):
        return [result.snapshot_id], []
    failed = [
        {
            "volume_id": o.volume_id,
            "device": o.device,
            "status": o.status.value,
            "snapshot_id": o.snapshot_id,
            "message": o.message or (f"state {o.state}" if o.state else ""),
        }
        for o in (*result.outcomes, *result.unexpected)
        if not o.ok
    ]
    return list(result.snapshot_ids), failed


def _report(
    ctx: Context,
    result: SetResult | SnapshotResult,
    ids: list[str],
    snapshots: list[Any],
    failed: list[dict[str, Any]],
    outcome: WaitOutcome | None,
) -> None:
    from snaptui.aws.action_results import SetResult
    from snaptui.commands._output import emit_json, note

    is_set = isinstance(result, SetResult)
    for item in failed:
        note(f"error: {item['volume_id']} ({item['device']}): {item['status']} {item['message']}")
    if ctx.json:
        from snaptui.commands._shapes import snapshot_json
        from snaptui.commands._waiter import wait_fields

        emit_json(
            {
                "request_id": result.request_id,
                "set_id": result.set_id if is_set else None,
                "instance_id": result.instance_id if is_set else None,
                "snapshot_ids": ids,
                "snapshots": [snapshot_json(s) for s in snapshots],
                "failed": failed,
                "recovered": result.recovered,
                **wait_fields(outcome),
                "ok": not failed and all(s.state != "error" for s in snapshots),
            }
        )
        return
    from datetime import UTC, datetime

    from snaptui.commands._ls_tables import SNAPSHOT_HEADERS, snapshot_rows
    from snaptui.commands._output import print_table

    print_table(SNAPSHOT_HEADERS, snapshot_rows(snapshots, datetime.now(UTC)))
