"""``snaptui copy snap-... --to-region R``: copy a snapshot, e.g. for disaster recovery.

CopySnapshot is called in the *target* region; waiting and the result's details therefore
use a second client there. The copy is a full snapshot, billed on its own.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from snaptui.cli import check_region
from snaptui.commands._args import (
    add_command,
    add_reason_flag,
    add_wait_flags,
    require_id,
)
from snaptui.commands._mutate import run_creating
from snaptui.commands._runner import Context

if TYPE_CHECKING:
    from snaptui.aws.action_results import CopyResult
    from snaptui.commands._waiter import WaitOutcome


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(
        subparsers,
        "copy",
        help="copy a snapshot to another region",
        description="Copy a snapshot to another region (or the same one). The copy carries "
        "the source's tags plus snaptui's provenance tags; cross-region transfer and the "
        "copy itself are billed.",
        examples=[
            "snaptui copy snap-0123456789abcdef0 --to-region us-west-2 --wait",
            "snaptui copy snap-0123456789abcdef0 --to-region eu-west-1 --json | jq -r .snapshot_id",
        ],
    )
    parser.add_argument("snapshot", metavar="SNAP_ID")
    parser.add_argument("--to-region", required=True, metavar="REGION", help="target region")
    parser.add_argument("--description", default="", help="the copy's description")
    add_reason_flag(parser)
    parser.add_argument("--tag", action="append", metavar="KEY=VALUE", help="extra tag")
    add_wait_flags(parser, "the copy is completed")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require_id(args.snapshot, "snapshot")
    check_region(args.to_region)
    return run_creating(args, _body)


async def _body(ctx: Context) -> int:
    from snaptui.aws.action_plans import plan_copy
    from snaptui.aws.client import AwsClient
    from snaptui.aws.models import Snapshot
    from snaptui.aws.waiting import Kind
    from snaptui.commands._mutate import create
    from snaptui.commands._waiter import exit_code, fetch, wait_if_asked

    args = ctx.args
    request = await ctx.client.run(
        plan_copy,
        args.snapshot,
        target_region=args.to_region,
        description=args.description,
        reason=args.reason,
        tags=args.tags,
    )
    result: CopyResult = await create(ctx, request)
    target = AwsClient(replace(ctx.session.settings, region=args.to_region))
    await target.open()
    try:
        ids = [result.snapshot_id]
        outcome = await wait_if_asked(args.wait, target, ids, args.timeout_seconds)
        raw = (await fetch(target, Kind.SNAPSHOT, ids)).get(result.snapshot_id)
    finally:
        await target.close()
    _report(ctx, result, Snapshot.from_api(raw) if raw else None, outcome)
    return exit_code(outcome)


def _report(ctx: Context, result: CopyResult, snapshot: Any, outcome: WaitOutcome | None) -> None:
    from snaptui.commands._output import emit_json, print_table

    if ctx.json:
        from snaptui.commands._shapes import snapshot_json
        from snaptui.commands._waiter import wait_fields

        emit_json(
            {
                "request_id": result.request_id,
                "snapshot_id": result.snapshot_id,
                "source_snapshot_id": result.source_snapshot_id,
                "source_region": result.source_region,
                "target_region": result.target_region,
                "snapshot": snapshot_json(snapshot) if snapshot is not None else None,
                "duplicates": list(result.duplicates),
                **wait_fields(outcome),
                "ok": snapshot is None or snapshot.state != "error",
            }
        )
        return
    print_table(
        ("COPY", "REGION", "STATE", "PROGRESS", "FROM"),
        [
            (
                result.snapshot_id,
                result.target_region,
                snapshot.state if snapshot is not None else "pending",
                f"{snapshot.progress}%" if snapshot is not None and snapshot.progress else None,
                f"{result.source_snapshot_id} ({result.source_region})",
            )
        ],
    )
