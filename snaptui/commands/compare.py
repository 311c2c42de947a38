"""``snaptui compare snap-A snap-B``: metadata side by side and the changed blocks.

The blocks come from the EBS direct API (``ebs:ListChangedBlocks``). When they cannot be
listed (different volumes, a pending snapshot, no permission, an endpoint without the API),
the metadata is still shown and the JSON says why (``blocks.available`` false, a reason);
that is not an error: the exit code is 0.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from snaptui.cli import EXIT_OK, UsageError
from snaptui.commands._args import add_command, require_id
from snaptui.commands._runner import Context, run_command

if TYPE_CHECKING:
    from snaptui.aws.compare import BlockResult, Comparison


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(
        subparsers,
        "compare",
        help="compare two snapshots: metadata and changed blocks",
        description="Compare two snapshots of one volume: what differs in their metadata "
        "and tags, and how many 512 KiB blocks changed between them (EBS direct API). "
        "The older one is always shown first, whichever order they are given in.",
        examples=[
            "snaptui compare snap-0123456789abcdef0 snap-0fedcba9876543210",
            "snaptui compare snap-0123456789abcdef0 snap-0fedcba9876543210 --json "
            "| jq .blocks.changed_bytes",
        ],
    )
    parser.add_argument("first", metavar="SNAP_A")
    parser.add_argument("second", metavar="SNAP_B")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require_id(args.first, "snapshot")
    require_id(args.second, "snapshot")
    if args.first == args.second:
        raise UsageError("give two different snapshots to compare")
    return run_command(args, _body)


async def _body(ctx: Context) -> int:
    from snaptui.aws.compare import compare_snapshots
    from snaptui.aws.lookups import get_snapshot

    args = ctx.args
    first = await ctx.client.run(lambda s: get_snapshot(s.ctx, args.first))
    second = await ctx.client.run(lambda s: get_snapshot(s.ctx, args.second))
    comparison = await ctx.client.run(lambda s: compare_snapshots(s.ctx, first, second))
    if ctx.json:
        from snaptui.commands._output import emit_json

        emit_json(comparison_json(comparison))
    else:
        _print(comparison)
    return EXIT_OK


def _value(value: Any) -> Any:
    from datetime import datetime

    from snaptui.commands._output import iso

    return iso(value) if isinstance(value, datetime) else value


def blocks_json(blocks: BlockResult) -> dict[str, Any]:
    from snaptui.aws.compare import BlockDiff

    if isinstance(blocks, BlockDiff):
        return {
            "available": True,
            "block_size": blocks.block_size,
            "changed_blocks": blocks.changed_blocks,
            "changed_bytes": blocks.changed_bytes,
            "total_blocks": blocks.total_blocks,
            "volume_size_bytes": blocks.volume_size_bytes,
            "share": round(blocks.share, 6),
            "runs": [[start, count] for start, count in blocks.runs],
        }
    return {
        "available": False,
        "reason": blocks.reason_code.value,
        "message": blocks.message,
        "error_code": blocks.error_code,
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    from snaptui.commands._shapes import snapshot_json

    meta = comparison.metadata
    between = meta.time_between
    return {
        "older": snapshot_json(meta.older),
        "newer": snapshot_json(meta.newer),
        "swapped": meta.swapped,
        "seconds_between": None if between is None else int(between.total_seconds()),
        "fields": [
            {
                "key": f.key,
                "label": f.label,
                "older": _value(f.older),
                "newer": _value(f.newer),
                "differs": f.differs,
            }
            for f in meta.fields
        ],
        "tags": [
            {"key": t.key, "older": t.older, "newer": t.newer, "change": t.kind} for t in meta.tags
        ],
        "blocks": blocks_json(comparison.blocks),
    }


def _print(comparison: Comparison) -> None:
    from snaptui.aws.compare import BlockDiff
    from snaptui.commands._output import print_table
    from snaptui.ui.render import format_bytes, format_duration

    meta = comparison.metadata
    rows: list[tuple[Any, ...]] = [
        (f.label, _value(f.older), _value(f.newer), "changed" if f.notable else "")
        for f in meta.fields
    ]
    rows += [(f"tag {t.key}", t.older, t.newer, t.kind) for t in meta.tags if t.kind != "same"]
    print_table(("FIELD", "OLDER", "NEWER", "DIFF"), rows)
    between = meta.time_between
    if between is not None:
        print(f"\nTime between: {format_duration(between)}")
    blocks = comparison.blocks
    if isinstance(blocks, BlockDiff):
        print(
            f"Changed blocks: {blocks.changed_blocks:,} of {blocks.total_blocks:,} "
            f"({format_bytes(blocks.changed_bytes)}, {blocks.share:.2%} of the volume)"
        )
    else:
        print(f"Changed blocks: not available: {blocks.title}: {blocks.message}")
