"""``snaptui demo serve``: the seeded demo backend on its own, for the CLI, tests, benchmarks."""

from __future__ import annotations

import argparse
import sys


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = subparsers.add_parser("demo", help="run the demo backend on its own")
    actions = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        help="serve the seeded demo backend and print its endpoint URL",
        description="Serve the demo backend on 127.0.0.1 until Ctrl-C. "
        "Example: snaptui demo serve --port 5000 --scale large",
    )
    serve.add_argument(
        "--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)"
    )
    serve.add_argument(
        "--scale",
        choices=("small", "large"),
        default="small",
        help="small: a realistic team account; large: 500 instances, 2,000 volumes, "
        "10,000 snapshots",
    )
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from snaptui.cli import EXIT_AWS
    from snaptui.demo.backend import DemoError, run_standalone

    try:
        return run_standalone(port=args.port, scale=args.scale)
    except DemoError as exc:
        print(f"snaptui: {exc}", file=sys.stderr)
        return EXIT_AWS
