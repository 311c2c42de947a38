"""Views as data: items (filtered, sorted), drill-down, sort toggling, titles and breadcrumbs."""

from __future__ import annotations

import gc
import time
from dataclasses import replace

import pytest

from snaptui.ui.inventory import Inventory, Kind
from snaptui.ui.views import (
    ViewKind,
    ViewState,
    breadcrumb,
    columns_for,
    drill_down,
    items_for,
    needs,
    next_sort,
    sort_column,
    title_for,
)
from tests.unit.ui_factories import (
    BARE,
    DB,
    WEB,
    ago,
    fleet,
    instance,
    many_snapshots,
    snapshot,
    volume,
)


def ids(state: ViewState, inventory: Inventory) -> list[str]:
    return [item.id for item in items_for(state, inventory)]


# ---------------------------------------------------------------------------------------------
# Default orders.


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (ViewState(ViewKind.INSTANCES), [DB, WEB, BARE]),  # by name; unnamed last
        (
            ViewState(ViewKind.VOLUMES),
            ["vol-dbdata", "vol-dbwal", "vol-dbroot", "vol-spare", "vol-webroot"],
        ),
        (
            ViewState(ViewKind.SNAPSHOTS),  # newest first
            ["snap-d3", "snap-c1", "snap-w1", "snap-d2", "snap-d1", "snap-o1"],
        ),
        (ViewState(ViewKind.IMAGES), ["ami-new", "ami-old"]),
        (
            ViewState(ViewKind.INSTANCE_VOLUMES, scope_id=DB),  # root first, then device
            ["vol-dbroot", "vol-dbdata", "vol-dbwal"],
        ),
        (
            ViewState(ViewKind.GENERATIONS, scope_id="vol-dbdata"),
            ["snap-d3", "snap-d2", "snap-d1"],
        ),
        (ViewState(ViewKind.GENERATIONS, scope_id="vol-gone"), ["snap-o1"]),  # an orphan
        (ViewState(ViewKind.GENERATIONS, scope_id="vol-spare"), []),
        (ViewState(ViewKind.INSTANCE_VOLUMES), []),  # no scope, nothing to show
    ],
)
def test_default_order(state: ViewState, expected: list[str]) -> None:
    assert ids(state, fleet()) == expected


def test_every_view_kind_has_columns_with_one_default_sort_and_an_id() -> None:
    for kind in ViewKind:
        columns = columns_for(kind)
        assert sum(c.default_sort for c in columns) == 1, kind
        assert any(c.key == "id" for c in columns), kind
        assert len({c.key for c in columns}) == len(columns), kind


# ---------------------------------------------------------------------------------------------
# Sorting with real keys.


@pytest.mark.parametrize(
    ("kind", "column", "reverse", "expected"),
    [
        # "1 TiB" < "100 GiB" < "20 GiB" as text; as sizes the spare volume is the biggest.
        (
            ViewKind.VOLUMES,
            "size",
            False,
            ["vol-webroot", "vol-dbroot", "vol-dbwal", "vol-dbdata", "vol-spare"],
        ),
        (
            ViewKind.VOLUMES,
            "size",
            True,
            ["vol-spare", "vol-dbdata", "vol-dbwal", "vol-dbroot", "vol-webroot"],
        ),
        # Ages: "5d" sorts after "60d" as text; youngest first here, ties by name.
        (
            ViewKind.VOLUMES,
            "age",
            False,
            ["vol-spare", "vol-dbdata", "vol-dbwal", "vol-dbroot", "vol-webroot"],
        ),
        # "50 GiB" > "400 GiB" as text. Ties keep newest first in both directions.
        (
            ViewKind.SNAPSHOTS,
            "size",
            False,
            ["snap-o1", "snap-w1", "snap-d3", "snap-c1", "snap-d2", "snap-d1"],
        ),
        (
            ViewKind.SNAPSHOTS,
            "size",
            True,
            ["snap-d3", "snap-c1", "snap-d2", "snap-d1", "snap-w1", "snap-o1"],
        ),
        (
            ViewKind.SNAPSHOTS,
            "age",
            True,
            ["snap-o1", "snap-d1", "snap-d2", "snap-w1", "snap-c1", "snap-d3"],
        ),
        # Unnamed items go last whichever the direction.
        (ViewKind.INSTANCES, "name", True, [WEB, DB, BARE]),
        (ViewKind.INSTANCES, "volumes", False, [BARE, WEB, DB]),
        (ViewKind.IMAGES, "age", True, ["ami-old", "ami-new"]),
    ],
)
def test_sort_by_column(kind: ViewKind, column: str, reverse: bool, expected: list[str]) -> None:
    state = ViewState(kind, sort_key=column, sort_reverse=reverse)
    assert ids(state, fleet()) == expected


def test_generations_sort_by_gap_uses_durations() -> None:
    inv = Inventory()
    hours = [0, 1, 3, 30, 31]  # gaps: 1h, 2h, 27h, 1h (as text "27h" < "2h")
    inv.replace(
        Kind.SNAPSHOTS,
        [snapshot(f"snap-{h}", "vol-a", started=ago(hours=100 - h)) for h in hours],
    )
    state = ViewState(ViewKind.GENERATIONS, scope_id="vol-a", sort_key="since_previous")
    # Newest first by default; the oldest has no gap and goes last.
    assert ids(state, inv) == ["snap-31", "snap-1", "snap-3", "snap-30", "snap-0"]


def test_next_sort_toggles_on_the_same_column_and_resets_on_another() -> None:
    state = ViewState(ViewKind.SNAPSHOTS)
    assert sort_column(state).key == "age"
    steps = []
    for key in ("age", "age", "size", "size", "size", "age"):
        state = next_sort(state, key)
        steps.append((state.sort_key, state.sort_reverse))
    assert steps == [
        ("age", True),  # age is the default order: first press flips it
        ("age", False),
        ("size", False),
        ("size", True),
        ("size", False),
        ("age", False),
    ]


def test_next_sort_keeps_the_rest_of_the_state() -> None:
    state = ViewState(ViewKind.GENERATIONS, "vol-a", "nightly", cursor_id="snap-1")
    sorted_state = next_sort(state, "size")
    assert (sorted_state.scope_id, sorted_state.filter_text, sorted_state.cursor_id) == (
        "vol-a",
        "nightly",
        "snap-1",
    )


def test_next_sort_refuses_an_unknown_column() -> None:
    with pytest.raises(ValueError, match="snapshots view has no column 'nope'"):
        next_sort(ViewState(ViewKind.SNAPSHOTS), "nope")


# ---------------------------------------------------------------------------------------------
# Filtering within views.


@pytest.mark.parametrize(
    ("kind", "scope", "text", "expected"),
    [
        (ViewKind.SNAPSHOTS, None, "nightly", ["snap-d2", "snap-d1"]),
        (ViewKind.SNAPSHOTS, None, "NIGHTLY", ["snap-d2", "snap-d1"]),
        (ViewKind.SNAPSHOTS, None, "pgdata", ["snap-d3", "snap-d2", "snap-d1"]),  # volume name
        (ViewKind.SNAPSHOTS, None, "nightly d1", ["snap-d1"]),  # every word must match
        (ViewKind.SNAPSHOTS, None, "pending", ["snap-d3"]),
        (ViewKind.SNAPSHOTS, None, "orphan", ["snap-o1"]),
        (ViewKind.SNAPSHOTS, None, "snap-d2", ["snap-c1", "snap-d2"]),  # a copy names its source
        (ViewKind.SNAPSHOTS, None, "  ", ["snap-d3", "snap-c1", "snap-w1", "snap-d2", "snap-d1",
                                          "snap-o1"]),
        (ViewKind.SNAPSHOTS, None, "zzz", []),
        (ViewKind.INSTANCES, None, "team=data", [DB]),
        (ViewKind.INSTANCES, None, "stopped", [BARE]),
        (ViewKind.VOLUMES, None, "prod-db-primary", ["vol-dbdata", "vol-dbwal", "vol-dbroot"]),
        (ViewKind.VOLUMES, None, "prod-web-1", ["vol-webroot"]),  # the instance's name
        (ViewKind.INSTANCE_VOLUMES, DB, "sdf", ["vol-dbdata"]),
        (ViewKind.GENERATIONS, "vol-dbdata", "pre-deploy", ["snap-d3"]),
        (ViewKind.IMAGES, None, "2025", ["ami-old"]),
    ],
)  # fmt: skip
def test_filter(kind: ViewKind, scope: str | None, text: str, expected: list[str]) -> None:
    assert ids(ViewState(kind, scope_id=scope, filter_text=text), fleet()) == expected


def test_filtered_and_sorted_together() -> None:
    state = ViewState(ViewKind.SNAPSHOTS, filter_text="pgdata", sort_key="age", sort_reverse=True)
    assert ids(state, fleet()) == ["snap-d1", "snap-d2", "snap-d3"]


# ---------------------------------------------------------------------------------------------
# Drill-down.


@pytest.mark.parametrize(
    ("state", "selected", "expected"),
    [
        (ViewState(ViewKind.INSTANCES), DB, ViewState(ViewKind.INSTANCE_VOLUMES, scope_id=DB)),
        (ViewState(ViewKind.INSTANCES), "i-unknown", None),
        (ViewState(ViewKind.INSTANCES), None, None),
        (
            ViewState(ViewKind.VOLUMES, filter_text="db"),
            "vol-dbdata",
            ViewState(ViewKind.GENERATIONS, scope_id="vol-dbdata"),
        ),
        (
            ViewState(ViewKind.INSTANCE_VOLUMES, scope_id=DB),
            "vol-dbroot",
            ViewState(ViewKind.GENERATIONS, scope_id="vol-dbroot"),
        ),
        (ViewState(ViewKind.VOLUMES), "vol-unknown", None),
        (ViewState(ViewKind.SNAPSHOTS), "snap-d1", None),
        (ViewState(ViewKind.IMAGES), "ami-new", None),
        (ViewState(ViewKind.GENERATIONS, scope_id="vol-dbdata"), "snap-d1", None),
    ],
)
def test_drill_down(state: ViewState, selected: str | None, expected: ViewState | None) -> None:
    assert drill_down(state, selected, fleet()) == expected


# ---------------------------------------------------------------------------------------------
# Titles and breadcrumbs.

LONG_INSTANCE = "i-0123456789abcdef0"
LONG_VOLUME = "vol-0abc1234def567890"


def long_ids() -> Inventory:
    inv = Inventory()
    inv.replace(
        Kind.INSTANCES,
        [instance(LONG_INSTANCE, "prod-db-primary", devices=[("/dev/sdf", LONG_VOLUME, False)])],
    )
    inv.replace(
        Kind.VOLUMES, [volume(LONG_VOLUME, "pgdata", attached=[(LONG_INSTANCE, "/dev/sdf")])]
    )
    inv.replace(
        Kind.SNAPSHOTS, [snapshot(f"snap-{n}", LONG_VOLUME, started=ago(days=n)) for n in range(14)]
    )
    return inv


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (ViewState(ViewKind.INSTANCES), "Instances · 3"),
        (ViewState(ViewKind.SNAPSHOTS), "Snapshots · 6"),
        (ViewState(ViewKind.SNAPSHOTS, filter_text=" nightly "), "Snapshots · 2 of 6 · /nightly"),
        (ViewState(ViewKind.INSTANCE_VOLUMES, scope_id=DB), "Volumes · prod-db-primary i-0db · 3"),
        (ViewState(ViewKind.INSTANCE_VOLUMES, scope_id=BARE), "Volumes · i-0bare · 0"),
        (
            ViewState(ViewKind.GENERATIONS, scope_id="vol-dbdata"),
            "Generations · prod-db-primary /dev/sdf vol-dbda… · 3",
        ),
        (
            ViewState(ViewKind.GENERATIONS, scope_id="vol-gone"),
            "Generations · vol-gone (deleted) · 1",
        ),
        (
            ViewState(ViewKind.GENERATIONS, scope_id="vol-dbdata", filter_text="nightly"),
            "Generations · prod-db-primary /dev/sdf vol-dbda… · 2 of 3 · /nightly",
        ),
    ],
)  # fmt: skip
def test_title(state: ViewState, expected: str) -> None:
    assert title_for(state, fleet()) == expected


def test_title_with_long_ids_and_a_given_count() -> None:
    state = ViewState(ViewKind.GENERATIONS, scope_id=LONG_VOLUME)
    assert title_for(state, long_ids()) == "Generations · prod-db-primary /dev/sdf vol-0abc… · 14"
    assert title_for(state, long_ids(), shown=99).endswith(" · 99")


def test_title_says_loading_until_the_listing_is_complete() -> None:
    inv = Inventory()
    inv.add_page(Kind.SNAPSHOTS, [snapshot("snap-1", "vol-a")])
    assert title_for(ViewState(ViewKind.SNAPSHOTS), inv) == "Snapshots · 1 · loading…"
    inv.replace(Kind.SNAPSHOTS, [snapshot("snap-1", "vol-a")])
    assert title_for(ViewState(ViewKind.SNAPSHOTS), inv) == "Snapshots · 1"


DRILLED = [
    ViewState(ViewKind.INSTANCES),
    ViewState(ViewKind.INSTANCE_VOLUMES, scope_id=DB),
    ViewState(ViewKind.GENERATIONS, scope_id="vol-dbdata"),
]


@pytest.mark.parametrize(
    ("stack", "root", "expected"),
    [
        (DRILLED[:1], None, "instances"),
        (DRILLED[:2], None, "instances › prod-db-primary"),
        (DRILLED, None, "instances › prod-db-primary › /dev/sdf vol-dbdata"),
        (DRILLED, "prod", "prod › instances › prod-db-primary › /dev/sdf vol-dbdata"),
        (
            [ViewState(ViewKind.VOLUMES), ViewState(ViewKind.GENERATIONS, scope_id="vol-dbdata")],
            None,
            "volumes › prod-db-primary /dev/sdf vol-dbdata",
        ),
        (
            [ViewState(ViewKind.VOLUMES), ViewState(ViewKind.GENERATIONS, scope_id="vol-spare")],
            None,
            "volumes › spare vol-spare",
        ),
        (
            [ViewState(ViewKind.INSTANCES), ViewState(ViewKind.INSTANCE_VOLUMES, scope_id=BARE)],
            None,
            "instances › i-0bare",
        ),
        ([ViewState(ViewKind.SNAPSHOTS, filter_text="x")], "prod", "prod › snapshots"),
        ([], "prod", "prod"),
    ],
)
def test_breadcrumb(stack: list[ViewState], root: str | None, expected: str) -> None:
    assert breadcrumb(stack, fleet(), root=root) == expected


LONG_STACK = [
    ViewState(ViewKind.INSTANCES),
    ViewState(ViewKind.INSTANCE_VOLUMES, scope_id=LONG_INSTANCE),
    ViewState(ViewKind.GENERATIONS, scope_id=LONG_VOLUME),
]


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (None, "prod › instances › prod-db-primary › /dev/sdf vol-0abc1234def567890"),
        (80, "prod › instances › prod-db-primary › /dev/sdf vol-0abc1234def567890"),
        (60, "prod › instances › prod-db-primary › /dev/sdf vol-0abc…"),
        (40, "… › prod-db-primary › /dev/sdf vol-0abc…"),
        (20, "… › /dev/sdf vol-0a…"),
    ],
)
def test_breadcrumb_fits_the_width(width: int | None, expected: str) -> None:
    text = breadcrumb(LONG_STACK, long_ids(), root="prod", width=width)
    assert text == expected
    assert width is None or len(text) <= width


def test_needs_names_the_listing_first() -> None:
    assert needs(ViewKind.GENERATIONS)[0] is Kind.SNAPSHOTS
    assert needs(ViewKind.INSTANCE_VOLUMES) == (Kind.VOLUMES, Kind.INSTANCES)


# ---------------------------------------------------------------------------------------------
# Scale.


def test_ten_thousand_snapshots_filter_and_sort_quickly(
    capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    inv = Inventory()
    inv.replace(Kind.SNAPSHOTS, many_snapshots(10_000))
    inv.replace(Kind.VOLUMES, [volume(f"vol-{n:017x}", f"data-{n}") for n in range(1000)])
    timings = []
    in_gc = [0.0, 0.0]  # seconds spent collecting, when the current collection started

    def track_gc(phase: str, info: dict) -> None:
        if phase == "start":
            in_gc[1] = time.perf_counter()
        else:
            in_gc[0] += time.perf_counter() - in_gc[1]

    def timed(label: str, state: ViewState) -> list:
        in_gc[0] = 0.0
        started = time.perf_counter()
        items = items_for(state, inv)
        total, collecting = time.perf_counter() - started, in_gc[0]
        timings.append(f"{label}: {total * 1000:.1f} ms (of which GC {collecting * 1000:.1f} ms)")
        return items

    gc.callbacks.append(track_gc)
    request.addfinalizer(lambda: gc.callbacks.remove(track_gc))

    everything = timed("first display", ViewState(ViewKind.SNAPSHOTS))
    staging = timed("filter 'staging'", ViewState(ViewKind.SNAPSHOTS, filter_text="staging"))
    typed = timed("filter 'prod host-1'", ViewState(ViewKind.SNAPSHOTS, filter_text="prod host-1"))
    by_size = timed(
        "same, sorted by size",
        ViewState(ViewKind.SNAPSHOTS, filter_text="prod host-1", sort_key="size"),
    )
    one = timed("filter 'backup-9999'", ViewState(ViewKind.SNAPSHOTS, filter_text="backup-9999"))
    pending = [inv.snapshots[i] for i in inv.pending_snapshot_ids()]
    inv.update_snapshots([replace(s, progress=(s.progress or 0) + 1) for s in pending])
    polled = timed(
        f"after a poll of {len(pending)} pending, filter 'staging'",
        ViewState(ViewKind.SNAPSHOTS, filter_text="staging"),
    )
    with capsys.disabled():
        print("\nitems_for over 10,000 snapshots:\n  " + "\n  ".join(timings))

    assert len(everything) == 10_000
    assert len(staging) == len(polled) == len([n for n in range(10_000) if n % 3 == 0])
    assert [r.id for r in one] == [f"snap-{9999:017x}"]
    assert {r.id for r in by_size} == {r.id for r in typed} and len(typed) > 0
    sizes = [r.snapshot.volume_size_gib for r in by_size]
    assert sizes == sorted(sizes)
