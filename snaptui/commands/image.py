"""``snaptui image i-...|snap-... --name N``: an AMI from an instance or from a snapshot.

From an instance, ``--reboot`` or ``--no-reboot`` is required: CreateImage's own default
reboots the instance, and a headless command must never do that silently. ``--reboot`` stops
and restarts a running instance, so it is confirmed like a delete (the typed instance id on
a terminal, ``--yes`` otherwise).

From a snapshot (RegisterImage), the architecture, virtualization and ENA support come from
the snapshot's source instance or AMI when known; otherwise the flags must say them
(RegisterImage's own defaults, i386 and paravirtual, are never used silently).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from snaptui.cli import EXIT_OK, UsageError
from snaptui.commands._args import (
    add_command,
    add_reason_flag,
    add_wait_flags,
    require_any_id,
)
from snaptui.commands._mutate import run_creating
from snaptui.commands._runner import Context

if TYPE_CHECKING:
    from snaptui.aws.action_results import ImageResult
    from snaptui.commands._waiter import WaitOutcome


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(
        subparsers,
        "image",
        help="create an AMI from an instance or register one from a snapshot",
        description="Create an AMI from an instance (CreateImage: one snapshot per volume), "
        "or register one whose root volume is a snapshot (RegisterImage). From an instance, "
        "choose --reboot (application-consistent; the instance restarts, so it must be "
        "confirmed) or --no-reboot (crash-consistent).",
        examples=[
            "snaptui image i-0123456789abcdef0 --name web-golden-v42 --no-reboot --wait",
            "snaptui image i-0123456789abcdef0 --name web-golden-v42 --reboot --yes",
            "snaptui image snap-0123456789abcdef0 --name restored-root --architecture x86_64 "
            "--virtualization hvm --ena",
        ],
    )
    parser.add_argument("source", metavar="INSTANCE_OR_SNAP_ID", help="i-... or snap-...")
    parser.add_argument("--name", required=True, help="the AMI name (unique in the region)")
    parser.add_argument("--description", default="", help="the AMI description")
    reboot = parser.add_mutually_exclusive_group()
    reboot.add_argument(
        "--reboot",
        dest="reboot",
        action="store_const",
        const=True,
        help="from an instance: reboot it for a consistent image (needs confirmation)",
    )
    reboot.add_argument(
        "--no-reboot",
        dest="reboot",
        action="store_const",
        const=False,
        help="from an instance: do not reboot (crash-consistent image)",
    )
    parser.add_argument("--yes", action="store_true", help="confirm --reboot without asking")
    snap = parser.add_argument_group("from a snapshot (when the source is not known)")
    snap.add_argument("--architecture", choices=("x86_64", "arm64"), help="CPU architecture")
    snap.add_argument("--virtualization", choices=("hvm",), help="virtualization type")
    ena = snap.add_mutually_exclusive_group()
    ena.add_argument("--ena", dest="ena", action="store_const", const=True, help="ENA support")
    ena.add_argument("--no-ena", dest="ena", action="store_const", const=False)
    snap.add_argument("--root-device", metavar="DEVICE", help="root device, e.g. /dev/xvda")
    add_reason_flag(parser)
    parser.add_argument("--tag", action="append", metavar="KEY=VALUE", help="extra tag")
    add_wait_flags(parser, "the AMI is available")
    parser.set_defaults(run=run, reboot=None, ena=None)


_SNAPSHOT_ONLY = ("architecture", "virtualization", "ena", "root_device")


def run(args: argparse.Namespace) -> int:
    args.kind = require_any_id(args.source, ("instance", "snapshot"))
    if args.kind == "instance":
        if args.reboot is None:
            raise UsageError(
                "from an instance, choose --reboot (the instance restarts: consistent image) "
                "or --no-reboot (no restart: crash-consistent); snaptui never reboots silently"
            )
        given = [f"--{n.replace('_', '-')}" for n in _SNAPSHOT_ONLY if getattr(args, n) is not None]
        if given:
            raise UsageError(f"{', '.join(given)} apply to a snapshot source, not an instance")
    elif args.reboot is not None:
        raise UsageError("--reboot/--no-reboot apply to an instance, not to a snapshot")
    return run_creating(args, _body)


async def _body(ctx: Context) -> int:
    from snaptui.commands._waiter import exit_code, wait_if_asked

    args = ctx.args
    if args.kind == "instance":
        result = await _from_instance(ctx)
    else:
        result = await _from_snapshot(ctx)
    outcome = await wait_if_asked(args.wait, ctx.client, [result.image_id], args.timeout_seconds)
    image = await _image(ctx, result.image_id)
    _report(ctx, result, image, outcome)
    return exit_code(outcome) if outcome is not None else EXIT_OK


async def _from_instance(ctx: Context) -> ImageResult:
    from snaptui.aws.action_plans import plan_create_image
    from snaptui.commands import _mutate
    from snaptui.commands._confirm import confirm

    args = ctx.args
    request = await ctx.client.run(
        plan_create_image,
        args.source,
        name=args.name,
        reboot=args.reboot,
        description=args.description,
        reason=args.reason,
        tags=args.tags,
    )
    if not args.reboot:
        return await _mutate.create(ctx, request)
    _mutate.show(request)
    _mutate.check_permission(await _mutate.preflight(ctx, request), request)
    action = f"reboot {args.source} and create the image"
    await confirm(ctx, [request], expected=args.source, action=action, yes=args.yes)
    return await ctx.client.run(ctx.actions().execute, request)


async def _from_snapshot(ctx: Context) -> ImageResult:
    from snaptui.aws.action_plans import plan_register_image
    from snaptui.aws.validation import ValidationError
    from snaptui.commands._mutate import create

    args = ctx.args
    request = await ctx.client.run(
        plan_register_image,
        args.source,
        name=args.name,
        description=args.description,
        reason=args.reason,
        tags=args.tags,
    )
    overrides: dict[str, Any] = {
        "architecture": args.architecture,
        "virtualization_type": args.virtualization,
        "ena_support": args.ena,
        "root_device_name": args.root_device,
    }
    changes = {key: value for key, value in overrides.items() if value is not None}
    if changes:
        request = replace(request, **changes)
    try:
        return await create(ctx, request)
    except ValidationError as error:
        raise UsageError(
            f"{error} (set what is unknown with --architecture, --virtualization, "
            "--ena/--no-ena, --root-device)"
        ) from error


async def _image(ctx: Context, image_id: str) -> Any:
    from snaptui.aws.errors import NotFoundError
    from snaptui.aws.lookups import get_image

    try:
        return await ctx.client.run(lambda s: get_image(s.ctx, image_id))
    except NotFoundError:  # eventual consistency right after the call
        return None


def _report(ctx: Context, result: ImageResult, image: Any, outcome: WaitOutcome | None) -> None:
    from snaptui.commands._output import emit_json, print_table

    if ctx.json:
        from snaptui.commands._shapes import image_json
        from snaptui.commands._waiter import wait_fields

        emit_json(
            {
                "request_id": result.request_id,
                "image_id": result.image_id,
                "name": result.name,
                "source_id": ctx.args.source,
                "image": image_json(image) if image is not None else None,
                "duplicates": list(result.duplicates),
                **wait_fields(outcome),
                "ok": image is None or image.state not in ("failed", "error", "invalid"),
            }
        )
        return
    print_table(
        ("IMAGE", "NAME", "STATE", "SNAPSHOTS", "FROM"),
        [
            (
                result.image_id,
                result.name,
                image.state if image is not None else "pending",
                " ".join(image.snapshot_ids) if image is not None else None,
                ctx.args.source,
            )
        ],
    )
