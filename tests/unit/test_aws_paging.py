"""Ec2Service's own NextToken loop, driven by a scripted fake context (no server)."""

from __future__ import annotations

from typing import Any

import pytest

from snaptui.aws import AwsError, Ec2Service, PageSizes


class ScriptedContext:
    """Answers ctx.call() from a list of responses and remembers the parameters."""

    def __init__(self, responses: list[dict[str, Any]]) -> None:
        self.responses = responses
        self.params: list[dict[str, Any]] = []

    async def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        self.params.append(params)
        return self.responses[len(self.params) - 1]


def snap(snapshot_id: str) -> dict[str, Any]:
    return {"SnapshotId": snapshot_id, "VolumeId": "vol-1", "State": "completed"}


async def test_next_token_is_followed_and_params_are_kept() -> None:
    ctx = ScriptedContext(
        [
            {"Snapshots": [snap("a")], "NextToken": "t1"},
            {"Snapshots": [snap("b")], "NextToken": "t2"},
            {"Snapshots": [snap("c")], "NextToken": ""},
        ]
    )
    service = Ec2Service(ctx, PageSizes(snapshots=7))  # type: ignore[arg-type]
    pages = [[s.id for s in page] async for page in service.snapshots(volume_id="vol-1")]
    assert pages == [["a"], ["b"], ["c"]]
    assert [p.get("NextToken") for p in ctx.params] == [None, "t1", "t2"]
    assert all(p["OwnerIds"] == ["self"] and p["MaxResults"] == 7 for p in ctx.params)
    assert all(p["Filters"] == [{"Name": "volume-id", "Values": ["vol-1"]}] for p in ctx.params)


async def test_a_repeated_next_token_stops_the_loop() -> None:
    ctx = ScriptedContext([{"Snapshots": [snap(str(i))], "NextToken": "same"} for i in range(5)])
    service = Ec2Service(ctx)  # type: ignore[arg-type]
    pages = []
    with pytest.raises(AwsError) as info:
        async for page in service.snapshots():
            pages.append(page)
    assert info.value.code == "RepeatedNextToken"
    assert len(pages) == 2
    assert len(ctx.params) == 2


async def test_empty_pages_are_fine() -> None:
    ctx = ScriptedContext([{"Snapshots": [], "NextToken": "t"}, {}])
    pages = [page async for page in Ec2Service(ctx).snapshots()]  # type: ignore[arg-type]
    assert pages == [[], []]


def test_page_sizes_are_checked_against_aws_limits() -> None:
    with pytest.raises(ValueError):
        PageSizes(snapshots=4)
    with pytest.raises(ValueError):
        PageSizes(volumes=1001)


async def test_the_first_page_is_small_so_rows_show_sooner_then_pages_are_full() -> None:
    ctx = ScriptedContext(
        [
            {"Snapshots": [snap("a")], "NextToken": "t1"},
            {"Snapshots": [snap("b")], "NextToken": "t2"},
            {"Snapshots": [snap("c")]},
        ]
    )
    service = Ec2Service(ctx, PageSizes(snapshots=500, first=100))  # type: ignore[arg-type]
    assert [len(page) async for page in service.snapshots()] == [1, 1, 1]
    assert [p["MaxResults"] for p in ctx.params] == [100, 500, 500]
