"""The first screen: who/where you are, the fleet's instances, and a clean quit."""

import boto3

from snaptui.aws.settings import AwsSettings
from snaptui.ui.app import SnaptuiApp
from snaptui.ui.widgets.resource_table import ResourceTable
from snaptui.ui.widgets.status_bar import StatusBar
from tests.ui.helpers import wait_for


def make_app(endpoint: str, **kwargs) -> SnaptuiApp:
    settings = AwsSettings(region="us-east-1", endpoint_url=endpoint, **kwargs)
    return SnaptuiApp(settings, demo=True, profile_label="demo", endpoint_label=endpoint)


def instance_ids(endpoint: str) -> set[str]:
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint)
    pages = ec2.get_paginator("describe_instances").paginate()
    return {i["InstanceId"] for p in pages for r in p["Reservations"] for i in r["Instances"]}


async def test_opens_on_the_fleet_with_identity_and_badges(seeded):
    endpoint, _ = seeded
    expected = instance_ids(endpoint)
    app = make_app(endpoint, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.browser.query_one("#table", ResourceTable)
        await wait_for(pilot, lambda: table.row_count == len(expected))
        assert set(table.items) == expected
        status = str(app.browser.query_one(StatusBar).render())
        for word in ("123456789012", "DEMO", "READ-ONLY", "us-east-1", endpoint):
            assert word in status
        names = {item.name for item in table.items.values()}
        assert "prod-db-primary" in names
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)


async def test_unreachable_endpoint_is_a_message_not_a_crash():
    app = make_app("http://127.0.0.1:9", max_attempts=2)  # 5 would only wait longer
    async with app.run_test(size=(80, 24)) as pilot:
        jobs = app.browser.query_one("#jobs")
        await wait_for(pilot, lambda: "127.0.0.1:9" in str(jobs.render()), within=40)
        text = str(jobs.render())
        assert "r retries" in text
        assert "Traceback" not in text
        assert app.is_running
