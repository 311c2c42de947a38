"""Building blocks for seeding moto's backend objects directly (about 130x faster than the API).

Everything here runs in the moto server's own process, after ``shim.apply()``. Times are naive
UTC datetimes, as moto stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

PLACEHOLDER_AMI = "ami-0c7217cdde317cfec"  # an Ubuntu 22.04 id; moto does not validate it


@dataclass
class Account:
    """The moto backends of one account and region, plus the clock the seed is written against."""

    ec2: Any
    ebs: Any
    account_id: str
    region: str
    now: datetime

    @classmethod
    def open(cls, account_id: str, region: str) -> Account:
        from moto.core.utils import utcnow
        from moto.ebs.models import ebs_backends
        from moto.ec2.models import ec2_backends

        return cls(
            ec2=ec2_backends[account_id][region],
            ebs=ebs_backends[account_id][region],
            account_id=account_id,
            region=region,
            now=utcnow().replace(microsecond=0),
        )

    def days_ago(self, days: float, *, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
        """Midnight UTC ``days`` ago, plus a time of day: schedules land on fixed clock times."""
        midnight = self.now.replace(hour=0, minute=0, second=0)
        return (
            midnight - timedelta(days=days) + timedelta(hours=hour, minutes=minute, seconds=second)
        )

    def zone(self, letter: str) -> str:
        """``"b"`` -> ``"us-east-1b"``: the seed names zones by letter to work in any region."""
        return f"{self.region}{letter}"

    def tag(self, resource_id: str, tags: dict[str, str]) -> None:
        if tags:
            self.ec2.create_tags([resource_id], tags)

    def launch(
        self,
        *,
        instance_type: str,
        zone: str,
        root_gib: int,
        root_type: str,
        tags: dict[str, str],
        root_tags: dict[str, str],
        launched: datetime,
        count: int = 1,
    ) -> list[Any]:
        """Instances with one root volume each on /dev/sda1 (moto's RootDeviceName)."""
        reservation = self.ec2.run_instances(
            PLACEHOLDER_AMI,
            count,
            None,
            [],
            instance_type=instance_type,
            is_instance_type_default=False,
            placement=self.zone(zone),
            region_name=self.region,
            block_device_mappings=[
                {
                    "DeviceName": "/dev/sda1",
                    "Ebs": {
                        "VolumeSize": root_gib,
                        "VolumeType": root_type,
                        "DeleteOnTermination": True,
                    },
                }
            ],
            tags={"instance": tags, "volume": root_tags},
        )
        for instance in reservation.instances:
            instance.launch_time = launched
            root = self.root_volume(instance)
            root.create_time = launched
            self._backdate_attachment(instance, "/dev/sda1", launched)
            if root_type == "gp3":
                root.throughput = 125
        return reservation.instances

    def root_volume(self, instance: Any) -> Any:
        return self.ec2.get_volume(instance.block_device_mapping["/dev/sda1"].volume_id)

    def volume(
        self,
        *,
        size: int,
        volume_type: str,
        zone: str,
        tags: dict[str, str],
        created: datetime,
        iops: int | None = None,
    ) -> Any:
        volume = self.ec2.create_volume(
            size=size,
            zone_name=self.zone(zone),
            volume_type=volume_type,
            iops=iops,
            throughput=125 if volume_type == "gp3" else None,
        )
        volume.create_time = created
        self.tag(volume.id, tags)
        return volume

    def attach(self, volume: Any, instance: Any, device: str, when: datetime) -> None:
        self.ec2.attach_volume(volume.id, instance.id, device, delete_on_termination=False)
        self._backdate_attachment(instance, device, when)

    def _backdate_attachment(self, instance: Any, device: str, when: datetime) -> None:
        mapping = instance.block_device_mapping[device]
        mapping.attach_time = when
        attachment = self.ec2.get_volume(mapping.volume_id).attachment
        if attachment is not None:
            attachment.attach_time = when

    def snapshot(
        self, volume: Any, *, description: str, started: datetime, tags: dict[str, str]
    ) -> Any:
        """A completed snapshot of ``volume`` that started at ``started``."""
        from .shim.pending_snapshots import pin_completed

        snapshot = self.ec2.create_snapshot(volume.id, description)
        snapshot.start_time = started
        pin_completed(snapshot)
        self.tag(snapshot.id, tags)
        return snapshot
