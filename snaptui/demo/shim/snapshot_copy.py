"""Patch 6: a copied snapshot's VolumeId is ``vol-ffffffff``, as in AWS."""

from __future__ import annotations

from typing import Any

from ._patching import replace
from .ebs_direct import EBS_VOLUME_ID


def apply_copy_volume_id() -> None:
    """CopySnapshot in moto keeps the source's VolumeId; AWS reports ``vol-ffffffff`` for copies
    (the volume lives in another region, or nowhere). The app must not group a copy with its
    source by VolumeId, so the demo must not pretend it can. VolumeSize stays the source's."""
    from moto.ec2.models.elastic_block_store import EBSBackend, Volume

    original = EBSBackend.__dict__["copy_snapshot"]

    def copy_snapshot(self: Any, *args: Any, **kwargs: Any) -> Any:
        snapshot = original(self, *args, **kwargs)
        snapshot.volume = Volume(self, EBS_VOLUME_ID, size=snapshot.volume.size, zone=None)
        return snapshot

    replace(EBSBackend, "copy_snapshot", copy_snapshot)
