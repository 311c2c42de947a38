"""The large demo account: 500 instances, 2,000 volumes, 10,000 snapshots, everything tagged.

For performance work (listing, paging, rendering big tables), not for looking at.
"""

from __future__ import annotations

import random

from .seed_toolkit import Account

RESERVATIONS, PER_RESERVATION = 100, 5  # 500 instances, each with its root volume
DATA_ATTACHED = 500  # one /dev/sdf per instance
DATA_LOOSE = 1000  # unattached volumes: 500 roots + 500 attached + 1000 = 2,000
SNAPSHOTS_PER_VOLUME = 5  # 2,000 x 5 = 10,000
ENVS = ("prod", "staging", "dev")
ROLES = ("web", "api", "worker", "db", "cache")
ZONES = ("a", "b", "c")


def build(account: Account, rng: random.Random) -> None:
    volumes = []
    for r in range(RESERVATIONS):
        role, env, zone = ROLES[r % len(ROLES)], ENVS[r % len(ENVS)], ZONES[r % len(ZONES)]
        tags = {"Name": f"{env}-{role}-{r:03d}", "env": env, "team": role}
        launched = account.days_ago(rng.randint(30, 900), hour=rng.randint(0, 23))
        instances = account.launch(
            instance_type="m6i.large",
            zone=zone,
            root_gib=rng.choice((8, 16, 20, 30)),
            root_type="gp3",
            tags=tags,
            root_tags={**tags, "Name": f"{tags['Name']}-root"},
            launched=launched,
            count=PER_RESERVATION,
        )
        for number, instance in enumerate(instances):
            name = f"{tags['Name']}-{number}"
            account.tag(instance.id, {"Name": name})
            root = account.root_volume(instance)
            data = account.volume(
                size=rng.choice((50, 100, 200, 500)),
                volume_type="gp3",
                zone=zone,
                tags={**tags, "Name": f"{name}-data"},
                created=launched,
            )
            account.attach(data, instance, "/dev/sdf", launched)
            volumes += [(root, name, "/dev/sda1", env), (data, name, "/dev/sdf", env)]
    for n in range(DATA_LOOSE):
        env = ENVS[n % len(ENVS)]
        volume = account.volume(
            size=rng.choice((10, 50, 100)),
            volume_type=rng.choice(("gp2", "gp3")),
            zone=ZONES[n % len(ZONES)],
            tags={"Name": f"{env}-spare-{n:04d}", "env": env},
            created=account.days_ago(rng.randint(30, 900)),
        )
        volumes.append((volume, f"{env}-spare-{n:04d}", "-", env))
    for volume, name, device, env in volumes:
        for day in range(1, SNAPSHOTS_PER_VOLUME + 1):
            account.snapshot(
                volume,
                description=f"nightly backup {name} {device}",
                started=account.days_ago(day, hour=3, minute=rng.randint(0, 59)),
                tags={"Name": f"{name} {device}", "env": env, "policy": "daily-5d"},
            )
