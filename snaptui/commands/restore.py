"""``snaptui restore snap-...``: a new volume from a snapshot, optionally attached.

Defaults come from the actions layer: the source volume's type and performance (never
CreateVolume's gp2), the attach target's zone, the next free device. Nothing existing is
modified, detached or deleted; a volume that cannot be attached is left in place.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from snaptui.cli import EXIT_FAILED, EXIT_OK, UsageError
from snaptui.commands._args import (
    add_command,
    add_reason_flag,
    add_wait_flags,
    require_id,
)
from snaptui.commands._mutate import run_creating
from snaptui.commands._runner import Context

if TYPE_CHECKING:
    from snaptui.aws.action_results import RestoreResult
    from snaptui.commands._waiter import WaitOutcome


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(
        subparsers,
        "restore",
        help="restore a snapshot to a new volume (and attach it)",
        description="Create a new EBS volume from a snapshot, with the source volume's type "
        "and performance unless told otherwise, and optionally attach it to an instance. "
        "Existing volumes are never touched.",
        examples=[
            "snaptui restore snap-0123456789abcdef0 --az us-east-1a",
            "snaptui restore snap-0123456789abcdef0 --attach i-0123456789abcdef0 --wait",
            "snaptui restore snap-0123456789abcdef0 --type gp3 --size 200 --iops 6000 --json",
        ],
    )
    parser.add_argument("snapshot", metavar="SNAP_ID")
    parser.add_argument("--az", help="availability zone (default: the instance's, or the source's)")
    parser.add_argument(
        "--type",
        dest="volume_type",
        help="volume type (default: [restore] volume_type in the config, else the source's)",
    )
    parser.add_argument("--size", type=int, metavar="GIB", help="size in GiB (default: snapshot)")
    parser.add_argument("--iops", type=int, help="provisioned IOPS (gp3, io1, io2)")
    parser.add_argument("--throughput", type=int, metavar="MIBS", help="MiB/s (gp3)")
    parser.add_argument("--attach", metavar="I_ID", help="attach the new volume to this instance")
    parser.add_argument("--device", help="with --attach: device name (default: next free /dev/sdX)")
    parser.add_argument("--name", help="Name tag of the new volume")
    add_reason_flag(parser)
    parser.add_argument("--tag", action="append", metavar="KEY=VALUE", help="extra tag")
    add_wait_flags(parser, "the volume is available (or in use, when attached)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require_id(args.snapshot, "snapshot")
    if args.attach:
        require_id(args.attach, "instance")
    elif args.device:
        raise UsageError("--device needs --attach: say which instance to attach the volume to")
    return run_creating(args, _body)


async def _body(ctx: Context) -> int:
    from snaptui.aws.action_plans import plan_restore
    from snaptui.aws.models import Volume
    from snaptui.aws.waiting import Kind
    from snaptui.commands._mutate import create
    from snaptui.commands._waiter import exit_code, fetch, wait_if_asked

    args = ctx.args
    request = await ctx.client.run(
        plan_restore,
        args.snapshot,
        az=args.az,
        attach_to=args.attach,
        device=args.device,
        volume_type=args.volume_type or ctx.session.config.restore.fixed_volume_type,
        size_gib=args.size,
        iops=args.iops,
        throughput=args.throughput,
        name=args.name,
        reason=args.reason,
        tags=args.tags,
    )
    result: RestoreResult = await create(ctx, request)
    outcome = await wait_if_asked(args.wait, ctx.client, [result.volume_id], args.timeout_seconds)
    found = await fetch(ctx.client, Kind.VOLUME, [result.volume_id])
    raw = found.get(result.volume_id)
    _report(ctx, result, Volume.from_api(raw) if raw else None, outcome)
    code = exit_code(outcome)
    return code if code != EXIT_OK else (EXIT_OK if result.ok else EXIT_FAILED)


def _report(ctx: Context, result: RestoreResult, volume: Any, outcome: WaitOutcome | None) -> None:
    from snaptui.commands._output import emit_json, note, print_table

    if result.attach_error:
        note(f"error: {result.attach_error}")
    if ctx.json:
        from snaptui.commands._shapes import volume_json
        from snaptui.commands._waiter import wait_fields

        emit_json(
            {
                "request_id": result.request_id,
                "volume_id": result.volume_id,
                "snapshot_id": result.snapshot_id,
                "attached_to": result.attached_to,
                "device": result.device,
                "attach_error": result.attach_error,
                "volume": volume_json(volume) if volume is not None else None,
                **wait_fields(outcome),
                "ok": result.ok,
            }
        )
        return
    state = volume.state if volume is not None else result.state
    print_table(
        ("VOLUME", "STATE", "TYPE", "SIZE", "AZ", "FROM", "ATTACHED TO"),
        [
            (
                result.volume_id,
                state,
                result.volume_type,
                f"{result.size_gib} GiB",
                result.az,
                result.snapshot_id,
                f"{result.attached_to} {result.device}" if result.attached_to else None,
            )
        ],
    )
