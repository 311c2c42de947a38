"""Fixtures for the UI tests."""

import pytest


@pytest.fixture
def seeded(moto):
    """The in-process moto server, seeded with the demo's small fleet."""
    from snaptui.demo.seed import seed

    summary = seed("small")
    return moto, summary
