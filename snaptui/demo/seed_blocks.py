"""Snapshot generations written through moto's EBS direct backend, so a compare shows real bytes.

moto's StartSnapshot does not honour ParentSnapshotId (a child holds only the blocks written to
it), so each generation starts from a copy of its parent's block map and then writes its changed
blocks: the same shape an incremental AWS snapshot has. Block payloads come from a small pool of
512 KiB buffers, so hundreds of blocks cost a few MiB.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .seed_toolkit import Account
from .shim.ebs_direct import BLOCK_SIZE

POOL_SIZE = 16


@dataclass(frozen=True)
class Generation:
    """One day's snapshot: when it started and how many blocks changed since the previous one."""

    started: datetime
    changed_blocks: int


class BlockWriter:
    """Writes one volume's generations; remembers which payload each block holds."""

    def __init__(self, account: Account, volume: Any, rng: random.Random) -> None:
        self.account = account
        self.volume = volume
        self.rng = rng
        self.payloads = [bytes([n]) * BLOCK_SIZE for n in range(POOL_SIZE)]
        self.checksums = [
            base64.b64encode(hashlib.sha256(payload).digest()).decode() for payload in self.payloads
        ]
        self.payload_of: dict[int, int] = {}  # block index -> payload number
        self.parent: Any = None  # the previous EBS snapshot
        self.hot_blocks: list[int] = []

    def write(self, generation: Generation, description: str, tags: dict[str, str]) -> Any:
        """Start, fill and complete one generation; returns the EC2 snapshot (completed)."""
        from .shim.pending_snapshots import pin_completed

        ebs_snapshot = self.account.ebs.start_snapshot(
            volume_size=self.volume.size,
            tags=[{"Key": key, "Value": value} for key, value in tags.items()],
            description=description,
        )
        if self.parent is not None:
            ebs_snapshot.blocks.update(self.parent.blocks)
        for index in self._changed_indexes(generation.changed_blocks):
            self._put(ebs_snapshot.snapshot_id, index)
        self.account.ebs.complete_snapshot(ebs_snapshot.snapshot_id)
        ebs_snapshot.start_time = generation.started

        snapshot = self.account.ec2.get_snapshot(ebs_snapshot.snapshot_id)
        snapshot.volume = self.volume  # a generation of the real volume, not vol-ffffffff
        snapshot.start_time = generation.started
        pin_completed(snapshot)
        self.parent = ebs_snapshot
        return snapshot

    def _changed_indexes(self, count: int) -> list[int]:
        """Mostly rewrites of a hot working set, some rewrites anywhere, some newly used blocks."""
        total_blocks = self.volume.size * (1024**3 // BLOCK_SIZE)
        if not self.payload_of:  # the first generation: a full copy of the used blocks
            metadata = list(range(min(count // 2, total_blocks)))
            scattered = self.rng.sample(range(len(metadata), total_blocks), count - len(metadata))
            self.hot_blocks = self.rng.sample(scattered, min(200, len(scattered)))
            return metadata + scattered
        chosen: set[int] = set()
        used = list(self.payload_of)
        while len(chosen) < count:
            roll = self.rng.random()
            if roll < 0.6:
                chosen.add(self.rng.choice(self.hot_blocks))
            elif roll < 0.85:
                chosen.add(self.rng.choice(used))
            else:  # newly used: the volume fills up over time (and the loop always ends)
                chosen.add(self.rng.randrange(total_blocks))
        return sorted(chosen)

    def _put(self, snapshot_id: str, index: int) -> None:
        previous = self.payload_of.get(index)
        number = self.rng.randrange(POOL_SIZE)
        if number == previous:
            number = (number + 1) % POOL_SIZE
        self.payload_of[index] = number
        self.account.ebs.put_snapshot_block(
            snapshot_id,
            index,
            self.payloads[number],
            self.checksums[number],
            "SHA256",
            BLOCK_SIZE,
        )


def quiet_week_then_burst(account: Account, rng: random.Random, days: int) -> list[Generation]:
    """Nightly generations over ``days`` days, oldest first: a full first copy, a quiet week of a
    few changed blocks a day, one burst night (a reindex), then ordinary days."""
    generations = []
    burst_day = max(days - 8, 1)
    for position, day in enumerate(range(days, 0, -1)):
        if position == 0:
            changed = 1200
        elif position < burst_day:
            changed = rng.randint(3, 12)
        elif position == burst_day:
            changed = rng.randint(700, 900)
        else:
            changed = rng.randint(25, 70)
        started = account.days_ago(day, hour=3, minute=10, second=rng.randint(0, 59))
        generations.append(Generation(started, changed))
    return generations
