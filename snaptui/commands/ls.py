"""``snaptui ls instances|volumes|snapshots|images``: list resources as a table or JSON."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from snaptui.cli import EXIT_OK, UsageError
from snaptui.commands._args import add_command, require_id
from snaptui.commands._runner import Context, run_command

if TYPE_CHECKING:
    from snaptui.aws.models import Image, Instance, Snapshot, Volume

KINDS = ("instances", "volumes", "snapshots", "images")


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(
        subparsers,
        "ls",
        help="list instances, volumes, snapshots or images",
        description="List the account's own instances, volumes, snapshots or AMIs in the "
        "region: a table, or with --json one document for scripts. Snapshots and images "
        "are listed newest first.",
        examples=[
            "snaptui ls instances",
            "snaptui ls volumes --instance i-0123456789abcdef0",
            "snaptui ls snapshots --volume vol-0123456789abcdef0 --json | jq -r '.snapshots[0].id'",
            "snaptui ls snapshots --filter pending",
        ],
    )
    parser.add_argument("kind", choices=KINDS, help="what to list")
    parser.add_argument("--volume", metavar="VOL_ID", help="only this volume (or its snapshots)")
    parser.add_argument(
        "--instance",
        metavar="I_ID",
        help="only this instance, its volumes, or its volumes' snapshots",
    )
    parser.add_argument(
        "--filter",
        metavar="TEXT",
        help="only rows where some field (id, name, state, description, a tag) contains TEXT "
        "(case-insensitive)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.volume:
        require_id(args.volume, "volume")
    if args.instance:
        require_id(args.instance, "instance")
    if args.kind == "images" and (args.volume or args.instance):
        raise UsageError("ls images takes --filter only (not --volume or --instance)")
    return run_command(args, _body)


async def _body(ctx: Context) -> int:
    from snaptui.commands import _shapes

    args = ctx.args
    listers: dict[str, tuple[Callable[[Context], Any], Callable[[Any], dict[str, Any]]]] = {
        "instances": (_instances, _shapes.instance_json),
        "volumes": (_volumes, _shapes.volume_json),
        "snapshots": (_snapshots, _shapes.snapshot_json),
        "images": (_images, _shapes.image_json),
    }
    lister, shape = listers[args.kind]
    items = await lister(ctx)
    rows = [(item, shape(item)) for item in items]
    if args.filter:
        needle = args.filter.lower()
        rows = [(item, data) for item, data in rows if needle in _haystack(data)]
    if ctx.json:
        from snaptui.commands._output import emit_json

        emit_json({args.kind: [data for _, data in rows]})
    else:
        from snaptui.commands._ls_tables import print_rows

        print_rows(args.kind, [item for item, _ in rows], datetime.now(UTC))
    return EXIT_OK


def _haystack(data: Any) -> str:
    """Every value of a JSON shape (not its keys), lower-cased, for --filter."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "tags":
                    parts.extend(f"{k}={v}" for k, v in inner.items())
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)
        elif value is not None:
            parts.append(str(value))

    walk(data)
    return "\n".join(parts).lower()


async def _collect(pages: Any) -> list[Any]:
    return [item async for page in pages for item in page]


def _by_name(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda item: (not item.name, item.name.lower(), item.id))


async def _instances(ctx: Context) -> list[Instance]:
    args = ctx.args
    instances = await _collect(ctx.client.instances())
    if args.instance:
        instances = [i for i in instances if i.id == args.instance]
    if args.volume:
        instances = [i for i in instances if args.volume in i.volume_ids]
    return _by_name(instances)


async def _volumes(ctx: Context) -> list[Volume]:
    args = ctx.args
    ids = [args.volume] if args.volume else None
    volumes = await _collect(ctx.client.volumes(instance_id=args.instance, volume_ids=ids))
    return _by_name(volumes)


async def _snapshots(ctx: Context) -> list[Snapshot]:
    args = ctx.args
    if args.instance:
        volumes = await _collect(ctx.client.volumes(instance_id=args.instance))
        volume_ids = [v.id for v in volumes if not args.volume or v.id == args.volume]
    else:
        volume_ids = [args.volume] if args.volume else [None]
    snapshots: list[Snapshot] = []
    for volume_id in volume_ids:
        snapshots += await _collect(ctx.client.snapshots(volume_id=volume_id))
    return sorted(
        snapshots,
        key=lambda s: (s.start_time.timestamp() if s.start_time else 0.0, s.id),
        reverse=True,
    )


async def _images(ctx: Context) -> list[Image]:
    images = await _collect(ctx.client.images())
    return sorted(
        images,
        key=lambda i: (i.creation_date.timestamp() if i.creation_date else 0.0, i.id),
        reverse=True,
    )
