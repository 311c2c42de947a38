"""``python -m snaptui.bench`` at small scale: it runs, stops by itself, and prints one JSON object
with every figure. No timing assertions: the figures depend on the machine and its load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

pytest.importorskip("moto", reason="the benchmark starts the demo backend (demo extra)")

pytestmark = pytest.mark.slow

BOUND = 90  # seconds; a quiet 2-core machine needs about 20
NUMBER = (int, float)


@pytest.fixture(scope="module")
def run() -> tuple[subprocess.CompletedProcess[str], float]:
    command = [
        sys.executable, "-m", "snaptui.bench", "--scale", "small", "--repeat", "1",
        "--poll-interval", "1", "--poll-rounds", "1", "--poll-pending", "1,3",
    ]  # fmt: skip
    began = time.monotonic()
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=BOUND, env=dict(os.environ)
    )
    return result, time.monotonic() - began


@pytest.fixture(scope="module")
def figures(run: tuple[subprocess.CompletedProcess[str], float]) -> dict:
    result, _ = run
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)  # stdout is the JSON object and nothing else


def is_number(value: object) -> bool:
    return isinstance(value, NUMBER) and not isinstance(value, bool)


def test_one_json_object_with_every_top_level_key(figures: dict) -> None:
    for key in (
        "benchmark", "scale", "endpoint", "backend", "machine", "counts", "counts_match",
        "repeat", "skip_app", "targets", "target_figures", "figures", "met", "baseline",
        "snaptui_load", "app", "started_at", "duration_s",
    ):  # fmt: skip
        assert key in figures, key
    assert figures["scale"] == "small"
    assert figures["endpoint"].startswith("http://127.0.0.1:")
    assert figures["backend"]["started_by_bench"] is True


def test_machine_and_counts(figures: dict) -> None:
    machine = figures["machine"]
    assert isinstance(machine["cpu_count"], int) and machine["cpu_count"] >= 1
    assert isinstance(machine["python"], str)
    for moment in ("at_start", "at_end"):
        assert is_number(machine[moment]["cpu_share"])
    counts = figures["counts"]
    assert set(counts) == {"instances", "volumes", "snapshots"}
    assert all(isinstance(n, int) and n > 0 for n in counts.values())
    assert figures["counts_match"] is True


def test_targets_figures_and_met_line_up(figures: dict) -> None:
    names = {"full_load_ratio", "first_rows", "ui_stall", "filter", "polling", "memory"}
    assert set(figures["met"]) == names
    assert set(figures["target_figures"]) == names
    assert all(isinstance(v, bool) for v in figures["met"].values()), figures["met"]
    assert all(is_number(v) for v in figures["targets"].values())
    values = figures["figures"]
    for key in (
        "full_load_ratio", "first_rows_s", "ui_stall_max_ms", "ui_stall_p99_ms", "filter_max_ms",
        "filter_median_ms", "app_peak_rss_mb",
    ):  # fmt: skip
        assert is_number(values[key]), key
    assert set(values["poll_calls_per_interval"]) == {"1", "3"}
    assert all(isinstance(n, int) for n in values["poll_calls_per_interval"].values())


def test_baseline_and_load_report_median_and_every_run(figures: dict) -> None:
    for phase in ("baseline", "snaptui_load"):
        block = figures[phase]
        assert is_number(block["median_s"]) and block["median_s"] > 0
        assert len(block["runs_s"]) == len(block["runs"]) == 1
        run = block["runs"][0]
        assert set(run["kinds"]) == {"instances", "volumes", "snapshots"}
        for kind in run["kinds"].values():
            assert isinstance(kind["items"], int) and isinstance(kind["pages"], int)
        assert is_number(run["client_cpu_s"]) and is_number(run["server_cpu_s"])
    assert is_number(figures["snaptui_load"]["ratio_to_baseline"])


def test_app_phase_blocks(figures: dict) -> None:
    app = figures["app"]
    assert "error" not in app, app
    for key in (
        "from_snapshots_request_s",
        "from_app_start_s",
        "in_table_from_snapshots_request_s",
    ):
        assert is_number(app["first_rows"][key]), key
    assert app["first_rows"]["rows_in_first_paint"] >= 1
    load = app["full_load"]
    assert is_number(load["app_full_load_s"])
    assert load["loaded_counts"]["snapshots"] == figures["counts"]["snapshots"]
    stall = app["ui_stall"]
    for key in ("max_ms", "p99_ms", "ticks", "ui_thread_cpu_s", "blocked_ms_total"):
        assert is_number(stall[key]), key
    assert {"collections", "total_ms", "max_ms", "gen0", "gen1", "gen2"} <= set(stall["gc"])
    assert {"redraw", "table_show", "paint"} <= set(stall["spans"])
    filtering = app["filter"]
    assert filtering["focused_widget"] == "filter"
    assert filtering["keystrokes"] == len(filtering["strokes"]) > 0
    assert all(is_number(s["latency_ms"]) for s in filtering["strokes"])
    assert filtering["strokes"][-1]["filter"] == ""
    polling = app["polling"]
    assert set(polling["by_pending"]) == {"1", "3"}
    for stage in polling["by_pending"].values():
        assert stage["polls"] >= 1
        assert isinstance(stage["describe_snapshots_calls"], int)
        assert stage["calls_per_interval"] and all(
            isinstance(n, int) for n in stage["calls_per_interval"]
        )
    assert polling["cleanup_errors"] == 0
    memory = app["memory"]
    assert is_number(memory["peak_rss_mb"]) and memory["peak_rss_mb"] > 0


def test_progress_goes_to_stderr_and_the_run_is_bounded(
    run: tuple[subprocess.CompletedProcess[str], float],
) -> None:
    result, seconds = run
    assert "[bench]" in result.stderr
    assert "[bench]" not in result.stdout
    assert seconds < BOUND
