"""The small demo account: a team's fleet with a few weeks of backup history (see seed_fleet)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from . import seed_fleet as fleet
from .seed_blocks import BlockWriter, quiet_week_then_burst
from .seed_toolkit import Account


@dataclass
class Notable:
    """Ids the tests and the UI want to find again."""

    ebs_direct_volume_id: str | None = None
    ebs_direct_snapshot_ids: list[str] = field(default_factory=list)
    pending_snapshot_ids: list[str] = field(default_factory=list)
    error_snapshot_id: str | None = None
    orphan_snapshot_id: str | None = None
    set_id: str | None = None
    set_snapshot_ids: list[str] = field(default_factory=list)
    copy_snapshot_ids: list[str] = field(default_factory=list)
    copy_region: str | None = None


class SmallAccount:
    def __init__(self, account: Account, rng: random.Random) -> None:
        self.account = account
        self.rng = rng
        self.instances: dict[str, Any] = {}
        self.volumes: dict[tuple[str, str], Any] = {}  # (host, device) -> volume
        self.hosts = {host.name: host for host in fleet.HOSTS}
        self.notable = Notable()

    def build(self) -> Notable:
        for host in fleet.HOSTS:
            self._launch(host)
        self._unattached_volumes()
        self._history()
        self._ebs_direct_generations()
        self._multi_volume_set()
        self._images()
        self._orphan()
        self._error_snapshot()
        self._cross_region_copies()
        self._pending()
        return self.notable

    # -- the fleet ----------------------------------------------------------------------------

    def _launch(self, host: fleet.Host) -> None:
        account = self.account
        launched = account.days_ago(host.age_days, hour=self.rng.randint(8, 17))
        tags = {"Name": host.name, "env": host.env, "team": host.team}
        (instance,) = account.launch(
            instance_type=host.instance_type,
            zone=host.zone,
            root_gib=host.root_gib,
            root_type="gp3",
            tags=tags,
            root_tags={**tags, "Name": f"{host.name}-root"},
            launched=launched,
        )
        self.instances[host.name] = instance
        self.volumes[(host.name, "/dev/sda1")] = account.root_volume(instance)
        for disk in host.disks:
            volume = account.volume(
                size=disk.size,
                volume_type=disk.volume_type,
                zone=host.zone,
                iops=disk.iops,
                tags={**tags, "Name": f"{host.name}-{disk.purpose}"},
                created=launched,
            )
            account.attach(volume, instance, disk.device, launched)
            self.volumes[(host.name, disk.device)] = volume

    def _unattached_volumes(self) -> None:
        for name, env, team, size, volume_type, age, iops in fleet.UNATTACHED:
            tags = {"Name": name, "env": env, "team": team} if name else {}
            self.account.volume(
                size=size,
                volume_type=volume_type,
                zone="b",
                iops=iops,
                tags=tags,
                created=self.account.days_ago(age, hour=14),
            )

    # -- backup history -----------------------------------------------------------------------

    def _tags(self, host: fleet.Host, device: str, habit: tuple[str, str], **extra: str) -> dict:
        policy, created_by = habit
        return {
            "Name": f"{host.name} {device}",
            "env": host.env,
            "team": host.team,
            "policy": policy,
            "created-by": created_by,
            **extra,
        }

    def _series(
        self, host: fleet.Host, device: str, days: list[int], kind: str, habit: tuple[str, str]
    ) -> list[Any]:
        volume = self.volumes[(host.name, device)]
        hour = 3 if kind == "nightly" else 4
        return [
            self.account.snapshot(
                volume,
                description=f"{kind} backup {host.name} {device}",
                started=self.account.days_ago(
                    day, hour=hour, minute=self.rng.randint(0, 25), second=self.rng.randint(0, 59)
                ),
                tags=self._tags(host, device, habit),
            )
            for day in sorted(days, reverse=True)
        ]

    def _last_sunday(self) -> int:
        return (self.account.now.weekday() + 1) % 7 or 7

    def _history(self) -> None:
        sunday = self._last_sunday()
        for host in fleet.HOSTS:
            if host.env == "prod":
                weeks = 5
                self._series(host, "/dev/sda1", [sunday + 7 * w for w in range(weeks)],
                             "weekly", fleet.WEEKLY_ROOT)  # fmt: skip
                for disk in host.disks:
                    if (host.name, disk.device) == (fleet.EBS_DIRECT_HOST, fleet.EBS_DIRECT_DEVICE):
                        continue
                    days = self.rng.choice([21, 28, 35])
                    self._series(host, disk.device, list(range(1, days + 1)), "nightly",
                                 fleet.NIGHTLY)  # fmt: skip
            elif host.env == "staging":
                weeks = self.rng.choice([3, 4])
                for device in ["/dev/sda1", *(disk.device for disk in host.disks)]:
                    self._series(host, device, [sunday + 7 * w for w in range(weeks)],
                                 "weekly", fleet.WEEKLY_STAGING)  # fmt: skip
            elif host.name == "dev-build-1":
                self._series(host, "/dev/sdf", [sunday, sunday + 7], "weekly", fleet.WEEKLY_DEV)

    def _ebs_direct_generations(self) -> None:
        host = self.hosts[fleet.EBS_DIRECT_HOST]
        volume = self.volumes[(host.name, fleet.EBS_DIRECT_DEVICE)]
        writer = BlockWriter(self.account, volume, self.rng)
        self.notable.ebs_direct_volume_id = volume.id
        tags = self._tags(host, fleet.EBS_DIRECT_DEVICE, fleet.EBS_AGENT)
        description = f"nightly backup {host.name} {fleet.EBS_DIRECT_DEVICE}"
        for generation in quiet_week_then_burst(self.account, self.rng, fleet.EBS_DIRECT_DAYS):
            snapshot = writer.write(generation, description, tags)
            self.notable.ebs_direct_snapshot_ids.append(snapshot.id)

    def _multi_volume_set(self) -> None:
        """All of one instance's volumes snapshotted together, as CreateSnapshots does."""
        host = self.hosts[fleet.SET_HOST]
        started = self.account.days_ago(3, hour=22, minute=30, second=7)
        set_id = f"set-{started:%Y%m%d-%H%M}-{host.name}"
        self.notable.set_id = set_id
        for device in ["/dev/sda1", *(disk.device for disk in host.disks)]:
            snapshot = self.account.snapshot(
                self.volumes[(host.name, device)],
                description=f"pre-maintenance set {host.name} (kernel upgrade)",
                started=started,
                tags=self._tags(host, device, ("manual", "snaptui"), **{"snaptui:set-id": set_id}),
            )
            self.notable.set_snapshot_ids.append(snapshot.id)

    def _images(self) -> None:
        """AMIs made with CreateImage: their snapshot is one of the source's root volume."""
        from .shim.pending_snapshots import pin_completed

        for name, source, age in fleet.IMAGES:
            host = self.hosts[source]
            image = self.account.ec2.create_image(
                self.instances[source].id, name, f"{name} built from {source}", []
            )
            created = self.account.days_ago(age, hour=11, minute=self.rng.randint(0, 59))
            image.creation_date = created
            self.account.tag(image.id, {"Name": name, "env": host.env, "team": host.team})
            snapshot = image.ebs_snapshot
            snapshot.volume = self.volumes[(source, "/dev/sda1")]
            snapshot.start_time = created
            pin_completed(snapshot)

    def _orphan(self) -> None:
        """Snapshots kept after their host and volume were decommissioned."""
        name, device, size, volume_type, team = fleet.ORPHAN
        account = self.account
        volume = account.volume(
            size=size,
            volume_type=volume_type,
            zone="c",
            tags={"Name": f"{name}-data", "env": "prod", "team": team},
            created=account.days_ago(240, hour=10),
        )
        for day in (61, 54, 47):
            snapshot = account.snapshot(
                volume,
                description=f"weekly backup {name} {device}",
                started=account.days_ago(day, hour=4, minute=self.rng.randint(0, 25)),
                tags={"Name": f"{name} {device}", "env": "prod", "team": team,
                      "policy": "weekly-5w", "created-by": "dlm-policy-prod-weekly"},
            )  # fmt: skip
            self.notable.orphan_snapshot_id = snapshot.id
        account.ec2.delete_volume(volume.id)

    def _error_snapshot(self) -> None:
        from .shim.pending_snapshots import force_state

        host = self.hosts[fleet.ERROR_HOST]
        for day, description in ((9, "before upgrading postgres 15 -> 16"), (2, "manual snapshot")):
            snapshot = self.account.snapshot(
                self.volumes[(host.name, "/dev/sdf")],
                description=f"{description} ({host.name} /dev/sdf)",
                started=self.account.days_ago(day, hour=16, minute=self.rng.randint(0, 59)),
                tags=self._tags(host, "/dev/sdf", ("manual", "alice@example.com")),
            )
        force_state(snapshot, "error", progress="37%")
        self.notable.error_snapshot_id = snapshot.id

    def _cross_region_copies(self) -> None:
        """Disaster-recovery copies of the primary database's latest nightlies in us-west-2."""
        from moto.ec2.models import ec2_backends

        from .shim.pending_snapshots import pin_completed

        west = ec2_backends[self.account.account_id][fleet.COPY_REGION]
        sources = [self.account.ec2.get_snapshot(self.notable.ebs_direct_snapshot_ids[-1])]
        wal = self.volumes[(fleet.EBS_DIRECT_HOST, "/dev/sdg")]
        sources += sorted(
            (s for s in self.account.ec2.snapshots.values() if s.volume is wal),
            key=lambda s: s.start_time,
        )[-1:]
        for source in sources:
            copy = west.copy_snapshot(
                source.id,
                self.account.region,
                f"[Copied {source.id} from {self.account.region}] {source.description}",
                None,
            )
            copy.start_time = source.start_time + timedelta(minutes=41)
            pin_completed(copy)
            tags = {tag["key"]: tag["value"] for tag in source.get_tags()}
            west.create_tags([copy.id], {**tags, "dr-copy-of": source.id})
            self.notable.copy_snapshot_ids.append(copy.id)
        self.notable.copy_region = fleet.COPY_REGION

    def _pending(self) -> None:
        """Snapshots still running when the app opens; each has its own duration."""
        from .shim.pending_snapshots import start_pending

        for host_name, device, description, seconds, elapsed in fleet.PENDING:
            host = self.hosts[host_name]
            snapshot = self.account.snapshot(
                self.volumes[(host_name, device)],
                description=description,
                started=self.account.now - timedelta(seconds=elapsed),
                tags=self._tags(host, device, ("manual", "deploy-pipeline")),
            )
            start_pending(snapshot, seconds=seconds, elapsed=elapsed)
            self.notable.pending_snapshot_ids.append(snapshot.id)
