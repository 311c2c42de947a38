"""``snaptui launch ami-...``: one instance from an AMI (RunInstances with a ClientToken)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from snaptui.commands._args import (
    add_command,
    add_reason_flag,
    add_wait_flags,
    require_id,
)
from snaptui.commands._mutate import run_creating
from snaptui.commands._runner import Context

if TYPE_CHECKING:
    from snaptui.aws.action_results import LaunchResult
    from snaptui.commands._waiter import WaitOutcome

DEFAULT_TYPE = "t3.micro"
_GONE = ("shutting-down", "terminated")


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(
        subparsers,
        "launch",
        help="launch an instance from an AMI",
        description="Launch one instance from an AMI, e.g. to check a restored image boots. "
        "The instance and its volumes are tagged with who, when, why and a request id; "
        "the request id is also the ClientToken, so a retried launch never starts two.",
        examples=[
            "snaptui launch ami-0123456789abcdef0 --type t3.small --wait",
            "snaptui launch ami-0123456789abcdef0 --subnet subnet-0123abcd --name restore-test",
        ],
    )
    parser.add_argument("image", metavar="AMI_ID")
    parser.add_argument(
        "--type",
        dest="instance_type",
        default=DEFAULT_TYPE,
        help=f"instance type (default: {DEFAULT_TYPE})",
    )
    parser.add_argument("--subnet", help="subnet id (default: the default subnet)")
    parser.add_argument("--name", help="Name tag of the instance")
    add_reason_flag(parser)
    parser.add_argument("--tag", action="append", metavar="KEY=VALUE", help="extra tag")
    add_wait_flags(parser, "the instance is running")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require_id(args.image, "image")
    return run_creating(args, _body)


async def _body(ctx: Context) -> int:
    from snaptui.aws.action_plans import plan_launch
    from snaptui.aws.models import Instance
    from snaptui.aws.waiting import Kind
    from snaptui.commands._mutate import create
    from snaptui.commands._waiter import exit_code, fetch, wait_if_asked

    args = ctx.args
    request = await ctx.client.run(
        plan_launch,
        args.image,
        instance_type=args.instance_type,
        subnet_id=args.subnet,
        name=args.name,
        reason=args.reason,
        tags=args.tags,
    )
    result: LaunchResult = await create(ctx, request)
    ids = list(result.instance_ids)
    outcome = await wait_if_asked(args.wait, ctx.client, ids, args.timeout_seconds)
    found = await fetch(ctx.client, Kind.INSTANCE, ids)
    instances = [Instance.from_api(found[i]) for i in ids if i in found]
    _report(ctx, result, instances, outcome)
    return exit_code(outcome)


def _report(
    ctx: Context, result: LaunchResult, instances: list[Any], outcome: WaitOutcome | None
) -> None:
    from snaptui.commands._output import emit_json

    if ctx.json:
        from snaptui.commands._shapes import instance_json
        from snaptui.commands._waiter import wait_fields

        emit_json(
            {
                "request_id": result.request_id,
                "image_id": ctx.args.image,
                "instance_ids": list(result.instance_ids),
                "reservation_id": result.reservation_id,
                "instances": [instance_json(i) for i in instances],
                **wait_fields(outcome),
                "ok": all(i.state not in _GONE for i in instances),
            }
        )
        return
    from datetime import UTC, datetime

    from snaptui.commands._ls_tables import print_rows

    print_rows("instances", instances, datetime.now(UTC))
