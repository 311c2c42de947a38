"""``python -m snaptui.bench``: measure snaptui against the demo backend, print one JSON object.

    python -m snaptui.bench [--scale small|large] [--endpoint URL] [--repeat N] [--skip-app]

Without ``--endpoint`` a DemoBackend of ``--scale`` is started in a child process and stopped at
the end; with it, an already running ``snaptui demo serve`` on a loopback address is used (its
scale is taken as given). Phases, one after another, against the same backend:

1. listing (this process): boto3 baseline and snaptui's full load, alternated ``--repeat`` times;
2. app (a child process, skipped by ``--skip-app``): first rows, UI loop stall, filter latency,
   progress polling cost and peak RSS of a headless SnaptuiApp.

Only the JSON object goes to stdout; progress notes go to stderr. Targets being missed is a
result, not an error: the exit status is 0 unless a phase failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from snaptui.benchmarks.common import (
    check_loopback,
    load_now,
    machine_info,
    note,
    use_fake_credentials,
)

TARGETS = {
    "full_load_ratio_max": 0.8,
    "first_rows_s_max": 0.5,
    "ui_stall_ms_max": 50.0,
    "filter_ms_max": 100.0,
    "poll_calls_per_interval_max": 1,
    "app_rss_mb_max": 250.0,
}
TARGET_NOTES = {
    "full_load_ratio": "snaptui_load.median_s / baseline.median_s",
    "first_rows": "app.first_rows.from_snapshots_request_s",
    "ui_stall": "app.ui_stall.max_ms (whole full load)",
    "filter": "app.filter.max_ms (every keystroke must meet it; median reported too)",
    "polling": "app.polling max calls per interval, over every pending count",
    "memory": "app.memory.peak_rss_mb (VmHWM of the app process)",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m snaptui.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--scale", choices=("small", "large"), default="large")
    parser.add_argument("--endpoint", metavar="URL", help="a running `snaptui demo serve`")
    parser.add_argument("--repeat", type=int, default=3, help="baseline/load pairs (default 3)")
    parser.add_argument("--skip-app", action="store_true", help="listing phase only")
    parser.add_argument(
        "--poll-interval", type=float, default=2.0, help="the app's refresh interval (demo: 2)"
    )
    parser.add_argument(
        "--poll-rounds", type=int, default=2, help="polls per pending count (default 2)"
    )
    parser.add_argument(
        "--poll-pending", default="1,10,100", help="pending counts to test (default 1,10,100)"
    )
    parser.add_argument(
        "--app-timeout", type=float, default=240.0, help="bound on the app phase, seconds"
    )
    parser.add_argument("--phase", choices=("all", "app"), default="all", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.repeat < 1 or args.poll_rounds < 1:
        raise SystemExit("--repeat and --poll-rounds must be at least 1")
    stages = tuple(int(n) for n in args.poll_pending.split(",") if n.strip())
    use_fake_credentials()
    if args.phase == "app":
        from snaptui.benchmarks.app_phase import app_phase_main

        if not args.endpoint or not args.json_out:
            raise SystemExit("--phase app needs --endpoint and --json-out")
        return app_phase_main(
            check_loopback(args.endpoint),
            args.json_out,
            poll_interval=args.poll_interval,
            poll_rounds=args.poll_rounds,
            stages=stages,
            timeout=args.app_timeout,
        )

    began, started_at = time.perf_counter(), datetime.now(UTC)
    machine = machine_info()
    backend = None
    backend_info: dict[str, Any] = {"started_by_bench": args.endpoint is None}
    try:
        if args.endpoint:
            endpoint = check_loopback(args.endpoint)
        else:
            from snaptui.demo.backend import DemoBackend

            note(f"starting the demo backend ({args.scale})")
            backend = DemoBackend(scale=args.scale, timeout=120)
            endpoint = backend.start()
            backend_info.update(pid=backend.pid, start_s=round(time.perf_counter() - began, 2))
        note(f"backend at {endpoint}")

        from snaptui.benchmarks.listing import run_listing

        listing = asyncio.run(run_listing(endpoint, args.repeat, backend_info.get("pid")))
        app = None if args.skip_app else run_app_process(endpoint, args, stages)
    finally:
        if backend is not None:
            backend.stop()

    machine["at_end"] = load_now()
    result = assemble(args, endpoint, machine, backend_info, listing, app)
    result["started_at"] = started_at.isoformat(timespec="seconds")
    result["duration_s"] = round(time.perf_counter() - began, 1)
    print(json.dumps(result, indent=2))
    return 1 if app is not None and "error" in app else 0


def run_app_process(endpoint: str, args: argparse.Namespace, stages: tuple[int, ...]) -> Any:
    note("app phase (separate process)")
    with tempfile.TemporaryDirectory(prefix="snaptui-bench-") as tmp:
        out = os.path.join(tmp, "app.json")
        command = [
            sys.executable, "-m", "snaptui.bench", "--phase", "app",
            "--endpoint", endpoint, "--json-out", out,
            "--poll-interval", str(args.poll_interval),
            "--poll-rounds", str(args.poll_rounds),
            "--poll-pending", ",".join(map(str, stages)),
            "--app-timeout", str(args.app_timeout),
        ]  # fmt: skip
        try:
            subprocess.run(
                command, stdout=subprocess.DEVNULL, timeout=args.app_timeout + 30, check=False
            )
        except subprocess.TimeoutExpired:
            return {"error": f"the app phase did not finish within {args.app_timeout + 30:g} s"}
        try:
            with open(out, encoding="utf-8") as found:
                return json.load(found)
        except (OSError, ValueError) as exc:
            return {"error": f"the app phase wrote no result: {exc}"}


def assemble(
    args: argparse.Namespace,
    endpoint: str,
    machine: dict[str, Any],
    backend: dict[str, Any],
    listing: dict[str, Any],
    app: dict[str, Any] | None,
) -> dict[str, Any]:
    figures: dict[str, Any] = {"full_load_ratio": listing["snaptui_load"]["ratio_to_baseline"]}
    ok = app is not None and "error" not in app
    if ok:
        assert app is not None
        polls = app["polling"]["by_pending"]
        figures.update(
            first_rows_s=app["first_rows"]["from_snapshots_request_s"],
            ui_stall_max_ms=app["ui_stall"]["max_ms"],
            ui_stall_p99_ms=app["ui_stall"]["p99_ms"],
            filter_max_ms=app["filter"]["max_ms"],
            filter_median_ms=app["filter"]["median_ms"],
            poll_calls_per_interval={n: s["max_calls_per_interval"] for n, s in polls.items()},
            app_peak_rss_mb=app["memory"]["peak_rss_mb"],
        )
    else:
        figures.update(
            first_rows_s=None,
            ui_stall_max_ms=None,
            ui_stall_p99_ms=None,
            filter_max_ms=None,
            filter_median_ms=None,
            poll_calls_per_interval=None,
            app_peak_rss_mb=None,
        )

    def below(value: Any, limit: float) -> bool | None:
        return None if value is None else value <= limit

    poll_values = list((figures["poll_calls_per_interval"] or {}).values())
    met = {
        "full_load_ratio": below(figures["full_load_ratio"], TARGETS["full_load_ratio_max"]),
        "first_rows": below(figures["first_rows_s"], TARGETS["first_rows_s_max"]),
        "ui_stall": below(figures["ui_stall_max_ms"], TARGETS["ui_stall_ms_max"]),
        "filter": below(figures["filter_max_ms"], TARGETS["filter_ms_max"]),
        "polling": below(max(poll_values), TARGETS["poll_calls_per_interval_max"])
        if poll_values
        else None,
        "memory": below(figures["app_peak_rss_mb"], TARGETS["app_rss_mb_max"]),
    }
    return {
        "benchmark": "snaptui",
        "scale": args.scale,
        "endpoint": endpoint,
        "backend": backend,
        "machine": machine,
        "counts": listing["counts"],
        "counts_match": listing["counts_match"],
        "repeat": args.repeat,
        "skip_app": args.skip_app,
        "targets": TARGETS,
        "target_figures": TARGET_NOTES,
        "figures": figures,
        "met": met,
        "baseline": listing["baseline"],
        "snaptui_load": listing["snaptui_load"],
        "app": app,
    }
