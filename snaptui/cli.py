"""The ``snaptui`` command: parses flags, resolves the AWS settings, starts the TUI or the demo.

Exit codes: 0 success, 2 usage or configuration error, 3 AWS or demo-backend error,
130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

from snaptui import __version__, config, locations

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_AWS = 3
EXIT_INTERRUPTED = 130

DEMO_REGION = "us-east-1"
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


class UsageError(Exception):
    """Bad input on the command line; the message says what to do instead."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snaptui",
        description="Browse EC2 instances, EBS volumes and snapshot generations; "
        "snapshot and restore safely.",
        epilog="Try it without an AWS account: snaptui --demo",
    )
    parser.add_argument("--version", action="version", version=f"snaptui {__version__}")
    parser.add_argument("--profile", help="AWS profile (default: AWS_PROFILE, then the default)")
    parser.add_argument(
        "--region",
        help="AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION, then the profile's)",
    )
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="EC2/EBS endpoint, e.g. a VPC endpoint or a local test server "
        "(AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EC2 work too)",
    )
    parser.add_argument(
        "--read-only", action="store_true", help="refuse every call that would change anything"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start an embedded demo backend (a seeded fake fleet; no AWS account needed)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="run the demo backend on its own")
    demo_commands = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    serve = demo_commands.add_parser(
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
    return parser


def check_endpoint_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--endpoint-url {url!r} is not a URL: give scheme and host, "
            "e.g. https://ec2.eu-west-1.amazonaws.com or http://127.0.0.1:5000"
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise UsageError(f"--endpoint-url {url!r} has an invalid port") from exc
    return url


def check_region(region: str) -> str:
    if not _REGION_RE.match(region):
        raise UsageError(
            f"{region!r} is not an AWS region name: use one like us-east-1 or eu-west-2"
        )
    return region


def _setup_logging() -> None:
    """Log to a file: the terminal belongs to the UI, and nothing may print over it."""
    try:
        handler: logging.Handler = logging.FileHandler(locations.log_file(), encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for noisy in ("botocore", "aiobotocore", "urllib3", "werkzeug", "moto"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.captureWarnings(True)


def _use_demo_credentials() -> None:
    """The demo must never pick up a real profile or keys, whatever the shell exports."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ.update(
        AWS_ACCESS_KEY_ID="demo",
        AWS_SECRET_ACCESS_KEY="demo",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )


def _run_tui(args: argparse.Namespace) -> int:
    from snaptui.aws.resolve import ResolveError, resolve_endpoint, resolve_profile, resolve_region
    from snaptui.aws.settings import AwsSettings

    loaded = config.load()
    cfg = loaded.config
    if args.endpoint_url:
        check_endpoint_url(args.endpoint_url)
    if args.region:
        check_region(args.region)

    backend = None
    try:
        if args.demo:
            from snaptui.demo.backend import DemoBackend, DemoError

            _use_demo_credentials()
            print("snaptui: starting the demo backend on 127.0.0.1 ...", file=sys.stderr)
            backend = DemoBackend()
            try:
                endpoint = backend.start()
            except DemoError as exc:
                print(f"snaptui: {exc}", file=sys.stderr)
                return EXIT_AWS
            settings = AwsSettings(
                region=args.region or DEMO_REGION,
                endpoint_url=endpoint,
                read_only=args.read_only or cfg.read_only,
            )
            profile_label = "demo"
        else:
            try:
                profile = resolve_profile(args.profile or cfg.profile)
                region_value = resolve_region(
                    args.region, profile.value, configured=cfg.region
                ).value
            except ResolveError as exc:
                raise UsageError(str(exc)) from exc
            endpoint = resolve_endpoint(args.endpoint_url).value
            settings = AwsSettings(
                region=check_region(region_value or ""),
                profile=profile.value,
                endpoint_url=args.endpoint_url,
                read_only=args.read_only
                or cfg.read_only
                or (profile.value in cfg.read_only_profiles),
            )
            profile_label = profile.value or "default"

        from snaptui.ui.app import SnaptuiApp

        app = SnaptuiApp(
            settings,
            demo=args.demo,
            profile_label=profile_label,
            endpoint_label=settings.endpoint_url or endpoint or "AWS",
            startup_problem=loaded.problem,
            refresh_interval=2.0 if args.demo else cfg.refresh_interval,
            read_only_profiles=cfg.read_only_profiles,
        )
        app.run()
        return app.return_code or EXIT_OK
    finally:
        if backend is not None:
            backend.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging()
    try:
        if args.command == "demo":
            from snaptui.demo.backend import DemoError, run_standalone

            try:
                return run_standalone(port=args.port, scale=args.scale)
            except DemoError as exc:
                print(f"snaptui: {exc}", file=sys.stderr)
                return EXIT_AWS
        return _run_tui(args)
    except UsageError as exc:
        print(f"snaptui: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
