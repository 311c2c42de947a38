"""Seed the demo account through moto's backend objects, in the moto server's own process.

Deterministic: a fixed random seed drives every choice and moto's id generator, so two seeds give
the same ids, names and sizes; only times move, because they are relative to now.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

SCALES = ("small", "large")
RANDOM_SEED = 20240611


class SeedError(ValueError):
    """The seed cannot run: unknown scale, or the account already holds resources."""


@dataclass(frozen=True)
class SeedSummary:
    """What was seeded (counts in the seeded region) and where to find the notable rows."""

    scale: str
    account_id: str
    region: str
    instances: int
    volumes: int
    snapshots: int
    images: int
    seconds: float
    ebs_direct_volume_id: str | None = None
    ebs_direct_snapshot_ids: tuple[str, ...] = ()
    pending_snapshot_ids: tuple[str, ...] = ()
    error_snapshot_id: str | None = None
    orphan_snapshot_id: str | None = None
    set_id: str | None = None
    set_snapshot_ids: tuple[str, ...] = ()
    copy_region: str | None = None
    copy_snapshot_ids: tuple[str, ...] = ()


def seed(
    scale: str = "small", *, account_id: str = "123456789012", region: str = "us-east-1"
) -> SeedSummary:
    """Fill a fresh moto account/region with the ``small`` or ``large`` demo data set.

    Applies the shim first (pending snapshots, EBS direct and fast tags are needed here).
    """
    if scale not in SCALES:
        raise SeedError(f"unknown demo scale {scale!r}: choose one of {', '.join(SCALES)}")
    from moto.moto_api._internal import mock_random

    from . import shim
    from .seed_toolkit import Account

    shim.apply()
    began = time.perf_counter()
    # Seed moto's id generator before the backend exists: it creates the default VPC and
    # subnets on first use, and their ids should be as repeatable as the fleet's.
    mock_random.seed(RANDOM_SEED)
    account = Account.open(account_id, region)
    if account.ec2.reservations or account.ec2.volumes or account.ec2.snapshots:
        raise SeedError(f"account {account_id} in {region} is not empty: seed a fresh server")
    rng = random.Random(RANDOM_SEED)
    mock_random.seed(RANDOM_SEED)
    try:
        if scale == "small":
            from .seed_small import Notable, SmallAccount

            notable = SmallAccount(account, rng).build()
        else:
            from . import seed_large
            from .seed_small import Notable

            seed_large.build(account, rng)
            notable = Notable()
    finally:
        mock_random.seed()  # ids made after the seed are random again
    ec2 = account.ec2
    return SeedSummary(
        scale=scale,
        account_id=account_id,
        region=region,
        instances=sum(len(r.instances) for r in ec2.reservations.values()),
        volumes=len(ec2.volumes),
        snapshots=len(ec2.snapshots),
        images=sum(1 for image in ec2.amis.values() if image.owner_id == account_id),
        seconds=time.perf_counter() - began,
        ebs_direct_volume_id=notable.ebs_direct_volume_id,
        ebs_direct_snapshot_ids=tuple(notable.ebs_direct_snapshot_ids),
        pending_snapshot_ids=tuple(notable.pending_snapshot_ids),
        error_snapshot_id=notable.error_snapshot_id,
        orphan_snapshot_id=notable.orphan_snapshot_id,
        set_id=notable.set_id,
        set_snapshot_ids=tuple(notable.set_snapshot_ids),
        copy_region=notable.copy_region,
        copy_snapshot_ids=tuple(notable.copy_snapshot_ids),
    )
