"""The IAM permissions each snaptui feature needs, grouped in tiers (pure data).

One tier per policy file in ``iam/``; every policy file is complete on its own (it repeats
the read-only tier), so attaching one policy is enough. ``snaptui doctor`` checks these
operations; ``tests/unit/test_iam_policies.py`` checks the files hold every one of them and
that every AWS operation named in snaptui's code belongs to some tier.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TIERS", "Tier", "all_actions", "tier"]


@dataclass(frozen=True)
class Tier:
    name: str
    """Short name, also the policy file's stem: ``iam/snaptui-<name>.json``."""
    title: str
    features: str
    """What the tier lets a user do, in the words of the UI."""
    actions: tuple[str, ...]
    """IAM actions (``ec2:CreateSnapshot``) of the calls snaptui makes for these features."""

    @property
    def policy_file(self) -> str:
        return f"snaptui-{self.name}.json"


READ_ONLY = Tier(
    "read-only",
    "Read-only",
    "browse instances, volumes, snapshots and AMIs; watch progress; who am I",
    (
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeSnapshots",
        "ec2:DescribeVolumes",
        "sts:GetCallerIdentity",
    ),
)

TIERS: tuple[Tier, ...] = (
    READ_ONLY,
    Tier(
        "snapshot-operator",
        "Snapshot operator",
        "snapshot a volume or a whole instance, copy a snapshot to another region, delete",
        (
            "ec2:CopySnapshot",
            "ec2:CreateSnapshot",
            "ec2:CreateSnapshots",
            "ec2:CreateTags",
            "ec2:DeleteSnapshot",
        ),
    ),
    Tier(
        "restore-operator",
        "Restore operator",
        "restore a snapshot to a new volume and attach it",
        ("ec2:AttachVolume", "ec2:CreateTags", "ec2:CreateVolume"),
    ),
    Tier(
        "ami-launch",
        "AMI and launch",
        "create an AMI from an instance, register one from a snapshot, deregister, launch",
        (
            "ec2:CreateImage",
            "ec2:CreateTags",
            "ec2:DeregisterImage",
            "ec2:RegisterImage",
            "ec2:RunInstances",
        ),
    ),
    Tier(
        "compare",
        "Compare",
        "compare two snapshots block by block (EBS direct API)",
        ("ebs:ListChangedBlocks",),
    ),
)


def tier(name: str) -> Tier:
    for candidate in TIERS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def all_actions() -> frozenset[str]:
    return frozenset(action for t in TIERS for action in t.actions)
