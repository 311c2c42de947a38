"""Device names on Linux instances: slots, equivalents and the next free one."""

from __future__ import annotations

import pytest

from snaptui.aws.devices import (
    DATA_DEVICES,
    device_slot,
    instance_devices,
    is_device_taken,
    next_free_device,
)
from snaptui.aws.models import BlockDevice, FrozenMap, Instance


@pytest.mark.parametrize(
    ("device", "slot"),
    [
        ("/dev/sdf", "f"),
        ("/dev/xvdf", "f"),
        ("xvdf", "f"),
        ("sdf", "f"),
        ("/dev/sda1", "a"),
        ("/dev/xvda", "a"),
        ("/dev/xvdba", "ba"),
        ("/dev/hdb", "b"),
        ("/dev/nvme1n1", None),
        ("", None),
        ("/dev/sd", None),
    ],
)
def test_device_slot(device: str, slot: str | None) -> None:
    assert device_slot(device) == slot


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        ([], "/dev/sdf"),
        (["/dev/sda1"], "/dev/sdf"),
        (["/dev/sda1", "/dev/sdf"], "/dev/sdg"),
        (["/dev/xvda", "/dev/xvdf", "/dev/xvdg"], "/dev/sdh"),  # xvd names take the same slots
        (["/dev/sdf", "/dev/sdh"], "/dev/sdg"),  # gaps are filled first
        (["/dev/nvme1n1", "/dev/sdf"], "/dev/sdg"),
        ([f"/dev/xvd{c}" for c in "fghijklmnop"], None),
    ],
)
def test_next_free_device(taken: list[str], expected: str | None) -> None:
    assert next_free_device(taken) == expected


def test_data_devices_are_the_aws_recommended_range() -> None:
    assert DATA_DEVICES[0] == "/dev/sdf" and DATA_DEVICES[-1] == "/dev/sdp"
    assert len(DATA_DEVICES) == 11


def test_is_device_taken() -> None:
    assert is_device_taken("/dev/sdf", ["/dev/xvdf"])
    assert is_device_taken("/dev/xvda", ["/dev/sda1"])
    assert not is_device_taken("/dev/sdg", ["/dev/xvdf"])
    assert is_device_taken("/dev/nvme1n1", ["/dev/nvme1n1"])
    assert not is_device_taken("/dev/nvme2n1", ["/dev/nvme1n1"])


def test_instance_devices_include_the_root_even_without_a_mapping() -> None:
    instance = Instance(
        id="i-0123456789abcdef0",
        name="",
        state="running",
        instance_type="t3.small",
        az="us-east-1a",
        launch_time=None,
        platform=None,
        platform_details=None,
        architecture=None,
        root_device_name="/dev/xvda",
        block_devices=(BlockDevice("/dev/sdf", "vol-00000000000000002", False),),
        private_ip=None,
        image_id=None,
        subnet_id=None,
        vpc_id=None,
        tags=FrozenMap(),
    )
    assert instance_devices(instance) == ("/dev/sdf", "/dev/xvda")
    assert next_free_device(instance_devices(instance)) == "/dev/sdg"
