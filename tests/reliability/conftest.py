"""Fixtures of the reliability suite: a fault proxy in front of the session's moto server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.fault_proxy import FaultProxy


@pytest.fixture
def proxy(moto: str) -> Iterator[FaultProxy]:
    """A FaultProxy in front of a freshly reset moto (no faults until a test injects some)."""
    with FaultProxy(moto) as running:
        yield running


@pytest.fixture
def seeded_proxy(moto: str, proxy: FaultProxy) -> FaultProxy:
    """The proxy in front of moto seeded with the demo's small fleet (``proxy.fleet`` is the
    seed's summary: the ids of its notable volumes and snapshots)."""
    from snaptui.demo.seed import seed

    proxy.fleet = seed("small")  # type: ignore[attr-defined]
    return proxy
