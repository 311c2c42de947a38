"""What the small demo account holds: a team's hosts, their disks and their backup habits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Disk:
    device: str
    size: int
    volume_type: str
    purpose: str
    iops: int | None = None


@dataclass(frozen=True)
class Host:
    name: str
    env: str
    team: str
    instance_type: str
    zone: str  # the letter: "a" is us-east-1a in us-east-1
    root_gib: int
    disks: tuple[Disk, ...]
    age_days: int  # when it was launched


def _pg(size: int, volume_type: str = "io2", iops: int | None = 16000) -> tuple[Disk, ...]:
    return (
        Disk("/dev/sdf", size, volume_type, "pgdata", iops if volume_type == "io2" else None),
        Disk("/dev/sdg", 100 if volume_type == "io2" else 50, "gp3", "pgwal"),
    )


HOSTS: tuple[Host, ...] = (
    Host("prod-web-1", "prod", "web", "m6i.large", "a", 20,
         (Disk("/dev/sdf", 50, "gp3", "www"),), 412),
    Host("prod-web-2", "prod", "web", "m6i.large", "b", 20,
         (Disk("/dev/sdf", 50, "gp3", "www"),), 410),
    Host("prod-api-1", "prod", "api", "c6i.xlarge", "a", 30,
         (Disk("/dev/sdf", 100, "gp3", "app"),), 287),
    Host("prod-db-primary", "prod", "data", "r6i.2xlarge", "a", 30, _pg(400), 530),
    Host("prod-db-replica", "prod", "data", "r6i.2xlarge", "b", 30, _pg(400), 529),
    Host("prod-worker-1", "prod", "api", "c6i.large", "c", 16,
         (Disk("/dev/sdf", 200, "gp2", "queue"),), 198),
    Host("prod-logs-1", "prod", "platform", "m6i.large", "c", 20,
         (Disk("/dev/sdf", 2000, "st1", "logs"),), 640),
    Host("staging-web-1", "staging", "web", "t3.medium", "a", 16,
         (Disk("/dev/sdf", 30, "gp3", "www"),), 95),
    Host("staging-api-1", "staging", "api", "t3.large", "b", 16,
         (Disk("/dev/sdf", 50, "gp2", "app"),), 95),
    Host("staging-db", "staging", "data", "r6i.large", "a", 20,
         _pg(200, "gp3"), 180),
    Host("dev-sandbox", "dev", "platform", "t3.medium", "b", 12,
         (Disk("/dev/sdf", 20, "gp2", "scratch"),), 61),
    Host("dev-build-1", "dev", "platform", "c6i.xlarge", "c", 30,
         (Disk("/dev/sdf", 250, "gp3", "cache"),), 150),
    Host("dev-jumpbox", "dev", "platform", "t3.micro", "a", 8, (), 700),
)  # fmt: skip

# Backup habits: (policy tag, created-by tag) on the snapshots they make.
NIGHTLY = ("daily-35d", "dlm-policy-prod-nightly")
WEEKLY_ROOT = ("weekly-5w", "dlm-policy-prod-weekly-root")
WEEKLY_STAGING = ("weekly-4w", "backup-cron@staging-tools")
WEEKLY_DEV = ("weekly-2w", "backup-cron@dev-tools")
EBS_AGENT = ("daily-35d", "pg-backup-agent (EBS direct)")

EBS_DIRECT_HOST, EBS_DIRECT_DEVICE, EBS_DIRECT_DAYS = "prod-db-primary", "/dev/sdf", 16
SET_HOST = "prod-db-replica"
ERROR_HOST = "dev-sandbox"
COPY_REGION = "us-west-2"

# Snapshots still running when the demo opens: (host, device, description, seconds, elapsed).
RELEASE = "release 2024.11.2"
PENDING = (
    ("prod-api-1", "/dev/sdf", f"pre-deploy snapshot prod-api-1 /dev/sdf ({RELEASE})", 45, 12),
    ("prod-web-1", "/dev/sdf", f"pre-deploy snapshot prod-web-1 /dev/sdf ({RELEASE})", 60, 8),
    ("staging-db", "/dev/sdf", "manual snapshot staging-db /dev/sdf before migration", 100, 15),
)

# Volumes nobody attached (yet, or any more): (name, env, team, size, type, age_days, iops).
UNATTACHED = (
    ("analytics-archive", "dev", "data", 500, "st1", 200, None),
    ("staging-web-1-old-root", "staging", "web", 16, "gp2", 90, None),
    ("", "", "", 10, "gp2", 300, None),  # the untagged one every account has
)

# The decommissioned host whose volume is gone but whose snapshots were kept.
ORPHAN = ("prod-search-1", "/dev/sdf", 300, "gp3", "search")

# AMIs: (name, source host, age_days)
IMAGES = (
    ("base-ubuntu-22.04-hardened-v7", "dev-build-1", 30),
    ("prod-web-golden-v41", "prod-web-1", 12),
    ("prod-api-golden-v18", "prod-api-1", 9),
)
