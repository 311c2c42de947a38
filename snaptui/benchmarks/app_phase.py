"""The app phase: a headless SnaptuiApp (``run_test(size=(120, 40))``) against the backend.

Runs in its own process (``python -m snaptui.bench --phase app``) so that its peak RSS is the
app's alone. Instrumentation only shadows methods on instances (nothing in the app changes):

- ``app._pages``: when ``_load_kind`` asks for a listing (once ``_ensure_open`` returned: the
  app's request);
- ``app.load``: when on_mount starts the full load;
- ``browser.redraw`` / ``table.show`` / ``inventory.add_page`` / ``table._measure``
  (ResourceTable measuring the widths of new rows, in ``show`` or in the background): timed
  spans;
- ``browser._compositor_refresh``: each repaint of the screen (in headless mode the compositor
  still renders every dirty line; only the write to a terminal is skipped).
"""

from __future__ import annotations

import asyncio
import json
from time import perf_counter, process_time, thread_time
from typing import Any

from snaptui.benchmarks.common import REGION, median, ms, note, proc_status_mb, rounded
from snaptui.benchmarks.monitor import LoopMonitor
from snaptui.benchmarks.polling import measure_polling, wait_until

FILTER_TEXT = "prod-db"
"""Typed then erased with backspace: row counts go 10,000 -> ... -> 10,000."""
LOAD_TIMEOUT = 150.0


async def run_app(
    endpoint: str, *, poll_interval: float, poll_rounds: int, stages: tuple[int, ...]
) -> dict[str, Any]:
    from snaptui.aws.settings import AwsSettings
    from snaptui.ui.app import SnaptuiApp
    from snaptui.ui.inventory import Kind
    from snaptui.ui.rows import SnapshotRow

    app = SnaptuiApp(
        AwsSettings(region=REGION, endpoint_url=endpoint),
        demo=True,
        profile_label="bench",
        endpoint_label=endpoint,
        refresh_interval=poll_interval,
    )
    marks: dict[str, float] = {}
    cpu: dict[str, tuple[float, float]] = {}
    """(CPU seconds of the UI thread, of the whole process) at some marks"""
    refreshes: list[tuple[float, str, int]] = []
    """(end of a repaint, the filter text then, the table's row count then)"""
    monitor = LoopMonitor()

    pages, load = app._pages, app.load

    def timed_pages(kind: Any) -> Any:
        marks.setdefault(f"request_{kind}", perf_counter())
        return pages(kind)

    def timed_load(*kinds: Any) -> None:
        if "load_called" not in marks:
            marks["load_called"] = perf_counter()
            cpu["load_called"] = (thread_time(), process_time())
        load(*kinds)

    setattr(app, "_pages", timed_pages)  # noqa: B010 - shadow the method on this instance
    setattr(app, "load", timed_load)  # noqa: B010

    monitor.start()
    marks["app_start"] = perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        marks["ready"] = perf_counter()
        browser, inventory = app.browser, app.inventory
        table = browser.table

        def has_snapshot_rows() -> bool:
            first = next(iter(table.items.values()), None)
            return table.row_count > 0 and isinstance(first, SnapshotRow)

        def after_show() -> None:
            if "rows_in_table" not in marks and has_snapshot_rows():
                marks["rows_in_table"] = perf_counter()

        def after_refresh() -> None:
            now = perf_counter()
            refreshes.append((now, browser.state.filter_text, table.row_count))
            if "rows_painted" not in marks and has_snapshot_rows():
                marks["rows_painted"] = now
                marks["rows_painted_count"] = table.row_count

        monitor.wrap(browser, "redraw", "redraw")
        monitor.wrap(table, "show", "table_show", after=after_show)
        monitor.wrap(browser, "_compositor_refresh", "paint", after=after_refresh)
        monitor.wrap(inventory, "add_page", "inventory_add_page")
        # The virtualized table measures in _measure; Textual's DataTable in _update_dimensions.
        for name in ("_measure", "_update_dimensions"):
            if hasattr(table, name):
                monitor.wrap(table, name, "table_measure")
                break

        marks["view_key"] = perf_counter()
        await pilot.press("3")
        await wait_until(lambda: "rows_painted" in marks, 60, "first snapshot rows")
        note(
            f"first snapshot rows painted {marks['rows_painted'] - marks['app_start']:.2f} s "
            "after app start"
        )
        try:
            await wait_until(lambda: set(Kind) <= inventory.loaded, LOAD_TIMEOUT, "full load")
        except TimeoutError as exc:
            raise TimeoutError(f"{exc} (app error: {app.last_error})") from None
        marks["loaded"] = perf_counter()
        cpu["loaded"] = (thread_time(), process_time())
        note(f"full inventory loaded in the app: {marks['loaded'] - marks['app_start']:.2f} s")
        memory_loaded = proc_status_mb()
        calls_during_load: dict[str, int] = {}
        for record in list(app.calls):
            calls_during_load[record.operation] = calls_during_load.get(record.operation, 0) + 1
        await pilot.pause()
        load_stall = monitor.window(marks["load_called"], marks["loaded"])
        load_stall["ui_thread_cpu_s"] = rounded(cpu["loaded"][0] - cpu["load_called"][0], 3)
        load_stall["process_cpu_s"] = rounded(cpu["loaded"][1] - cpu["load_called"][1], 3)

        filtering = await measure_filter(pilot, app, refreshes, monitor)
        note(f"filter latency median {filtering['median_ms']} ms, max {filtering['max_ms']} ms")
        polling = await measure_polling(
            app, pilot, endpoint, monitor, stages=stages, rounds=poll_rounds
        )
        memory_end = proc_status_mb()
        snapshot_rows = table.row_count
    await monitor.stop()

    def since(name: str, origin: str = "app_start") -> float | None:
        if name not in marks or origin not in marks:
            return None
        return rounded(marks[name] - marks[origin])

    return {
        "first_rows": {
            "what": "until the end of the first screen repaint whose table holds >=1 snapshot "
            "row; '3' (snapshots view) is pressed as soon as run_test yields. "
            "from_snapshots_request_s starts when SnaptuiApp._load_kind(snapshots) asks for "
            "the pages (the app's request); from_app_start_s just before run_test",
            "from_snapshots_request_s": since("rows_painted", "request_snapshots"),
            "from_app_start_s": since("rows_painted"),
            "in_table_from_snapshots_request_s": since("rows_in_table", "request_snapshots"),
            "snapshots_requested_at_s": since("request_snapshots"),
            "view_key_pressed_at_s": since("view_key"),
            "app_ready_at_s": since("ready"),
            "rows_in_first_paint": int(marks.get("rows_painted_count", 0)),
        },
        "full_load": {
            "what": "app start until Inventory.loaded holds every kind (instances, volumes, "
            "snapshots, images), the snapshots view showing throughout",
            "app_full_load_s": since("loaded"),
            "loaded_counts": {kind.value: len(getattr(inventory, kind.value)) for kind in Kind},
            "snapshot_rows_in_table_at_end": snapshot_rows,
            "aws_calls": calls_during_load,
        },
        "ui_stall": {
            "what": "asyncio.sleep(5 ms) ticker on the app's loop; stall = wake-up delay beyond "
            "5 ms. Window: from on_mount's load() until every kind is loaded. gc covers all "
            "threads. spans: redraw (BrowserScreen.redraw, contains table_show), table_show "
            "(ResourceTable.show), table_measure (ResourceTable._measure: widths of new rows, "
            "within table_show or in the background), paint (Screen._compositor_refresh), "
            "inventory_add_page. ui_thread_cpu_s: CPU time of the app's thread in the window",
            **load_stall,
        },
        "filter": filtering,
        "polling": polling,
        "memory": {
            "what": "this process only (the backend runs in its own): after the full load, "
            "and at the end (after filter and polling) -- peak = VmHWM at the end. "
            "ru_maxrss is not used: Linux keeps the parent's value across fork+exec",
            "after_load": memory_loaded,
            "at_end": memory_end,
            "peak_rss_mb": memory_end["vm_hwm_mb"] or memory_end["ru_maxrss_mb"],
        },
    }


async def measure_filter(
    pilot: Any, app: Any, refreshes: list[tuple[float, str, int]], monitor: LoopMonitor
) -> dict[str, Any]:
    """Keystroke in the filter prompt to the first repaint showing the filtered table."""
    browser = app.browser
    table = browser.table
    await pilot.press("slash")
    await pilot.pause()
    focused = getattr(app.focused, "id", None)
    keys = [*FILTER_TEXT, *["backspace"] * len(FILTER_TEXT)]
    text = browser.state.filter_text
    strokes = []
    began = perf_counter()
    for key in keys:
        expected = text[:-1] if key == "backspace" else text + key
        rows_before, seen = table.row_count, len(refreshes)
        pressed = perf_counter()
        await pilot.press(key)
        await wait_until(
            lambda: any(r[1] == expected for r in refreshes[seen:]),  # noqa: B023
            10,
            f"repaint after typing {key!r}",
        )
        painted, _, rows_after = next(r for r in refreshes[seen:] if r[1] == expected)
        redraw = [d for s, d in monitor.spans["redraw"] if pressed <= s <= painted]
        show = [d for s, d in monitor.spans["table_show"] if pressed <= s <= painted]
        strokes.append(
            {
                "key": key,
                "filter": expected,
                "rows_before": rows_before,
                "rows_after": rows_after,
                "latency_ms": ms(painted - pressed),
                "redraw_ms": ms(sum(redraw)),
                "table_show_ms": ms(sum(show)),
            }
        )
        text = expected
        await pilot.pause()
    ended = perf_counter()
    await pilot.press("escape")
    await pilot.pause()
    latencies = [s["latency_ms"] for s in strokes]
    return {
        "what": "from pilot.press(key) in the focused filter prompt to the end of the first "
        "screen repaint (Screen._compositor_refresh) after the browser's filter text equals "
        "the typed text; the view holds every snapshot; typed then erased: " + FILTER_TEXT,
        "focused_widget": focused,
        "keystrokes": len(strokes),
        "median_ms": rounded(median(latencies), 2),
        "max_ms": max(latencies),
        "strokes": strokes,
        "ui_stall": monitor.window(began, ended),
    }


def app_phase_main(endpoint: str, json_out: str, **options: Any) -> int:
    async def bounded() -> dict[str, Any]:
        async with asyncio.timeout(options.pop("timeout")):
            return await run_app(endpoint, **options)

    try:
        result = asyncio.run(bounded())
        code = 0
    except Exception as exc:  # noqa: BLE001 - the parent reports it in the JSON
        result, code = {"error": f"{type(exc).__name__}: {exc}"}, 1
    with open(json_out, "w", encoding="utf-8") as out:
        json.dump(result, out)
    return code
