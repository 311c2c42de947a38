"""``snaptui wait ID...``: wait for snapshots, volumes, images and instances to be ready.

Unlike botocore's waiters (10 minutes at most), it waits as long as it takes unless
``--timeout`` says otherwise: the first snapshot of a large volume can take hours. Ctrl-C
stops watching; it never cancels anything in AWS.
"""

from __future__ import annotations

import argparse

from snaptui.cli import UsageError
from snaptui.commands._args import add_command, parse_timeout
from snaptui.commands._runner import Context, run_command


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(
        subparsers,
        "wait",
        help="wait until snapshots/volumes/images/instances are ready",
        description="Wait until every snapshot is completed, volume available (or in use), "
        "image available and instance running. Progress goes to stderr. Exit code 0 when "
        "all are ready, 1 when one failed (error, deleted, terminated...), 4 on --timeout.",
        examples=[
            "snaptui wait snap-0123456789abcdef0 snap-0fedcba9876543210",
            "snaptui wait snap-0123456789abcdef0 --timeout 2h --json",
            "snaptui wait vol-0123456789abcdef0 ami-0123456789abcdef0 i-0123456789abcdef0",
        ],
    )
    parser.add_argument("ids", nargs="+", metavar="ID", help="snap-..., vol-..., ami-..., i-...")
    parser.add_argument(
        "--timeout",
        metavar="DURATION",
        help="give up after this long, e.g. 30m, 2h, 1h30m (exit code 4); default: no limit",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from snaptui.aws.validation import check_id
    from snaptui.aws.waiting import kind_of

    for resource_id in args.ids:
        kind = kind_of(resource_id)
        problems = check_id(resource_id, kind.value) if kind else ["unknown"]
        if problems:
            raise UsageError(
                f"{resource_id!r} is not a snapshot, volume, image or instance id: use snap-..., "
                "vol-..., ami-... or i-... followed by 8 or 17 hex digits"
            )
    args.ids = list(dict.fromkeys(args.ids))
    args.timeout_seconds = parse_timeout(args.timeout)
    return run_command(args, _body)


async def _body(ctx: Context) -> int:
    from snaptui.commands._output import emit_json, note, print_table
    from snaptui.commands._progress import describe
    from snaptui.commands._shapes import observation_json
    from snaptui.commands._waiter import exit_code, wait_for

    args = ctx.args
    outcome = await wait_for(ctx.client, args.ids, limit=args.timeout_seconds)
    note(outcome.summary())
    if ctx.json:
        emit_json(
            {
                "resources": [observation_json(o) for o in outcome.observations],
                "elapsed_seconds": round(outcome.elapsed, 1),
                "timed_out": outcome.timed_out,
                "ok": not outcome.timed_out and not outcome.failed,
            }
        )
    else:
        print_table(
            ("ID", "KIND", "STATE", "RESULT"),
            [
                (o.id, o.kind.value, describe(o).partition(" ")[2], o.verdict.value)
                for o in outcome.observations
            ],
        )
    return exit_code(outcome)
