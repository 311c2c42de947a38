"""Provides device-name arithmetic for attaching volumes to Linux instances (pure, no I/O).

AWS recommends ``/dev/sdf`` ... ``/dev/sdp`` for data volumes on Linux. The same slot can be
spelled ``/dev/sdf``, ``/dev/xvdf`` or (Xen kernels) ``xvdf``, and partitions of the root
device (``/dev/sda1``) occupy their letter, so names are compared by their drive letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from snaptui.aws.models import Instance

__all__ = [
    "DATA_DEVICES",
    "device_slot",
    "instance_devices",
    "is_device_taken",
    "next_free_device",
]

DATA_DEVICES = tuple(f"/dev/sd{letter}" for letter in "fghijklmnop")
"""The names AWS recommends for EBS data volumes on Linux, in the order they are handed out."""

_DEVICE_RE = re.compile(r"^(?:/dev/)?(?:sd|xvd|hd)([a-z]{1,2})(?:p?\d{1,2})?$")


def device_slot(device: str) -> str | None:
    """The drive letters a device name occupies: ``/dev/xvdf`` -> ``f``, ``/dev/sda1`` -> ``a``.

    None for names that are not sd/xvd/hd style (``/dev/nvme1n1``, garbage).
    """
    match = _DEVICE_RE.match(device.strip())
    return match.group(1) if match else None


def instance_devices(instance: Instance) -> tuple[str, ...]:
    """Every device name in use on ``instance``: its EBS mappings and its root device."""
    names = [d.device for d in instance.block_devices if d.device]
    if instance.root_device_name:
        names.append(instance.root_device_name)
    return tuple(dict.fromkeys(names))


def is_device_taken(device: str, taken: Iterable[str]) -> bool:
    """True when ``device`` names the same slot as one of ``taken`` (``sdf`` == ``xvdf``)."""
    slot = device_slot(device)
    if slot is None:
        return device in set(taken)
    return slot in {device_slot(name) for name in taken}


def next_free_device(taken: Iterable[str]) -> str | None:
    """The first of ``/dev/sdf`` ... ``/dev/sdp`` whose slot is not taken; None when all are."""
    slots = {device_slot(name) for name in taken}
    for device in DATA_DEVICES:
        if device_slot(device) not in slots:
            return device
    return None
