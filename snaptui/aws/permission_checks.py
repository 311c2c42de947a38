"""Checks which IAM actions of each tier the current credentials have (for ``snaptui doctor``).

Reads are checked by making them (small pages). Mutating actions are checked with DryRun:
``DryRunOperation`` means allowed, ``UnauthorizedOperation`` means missing; nothing changes.
The EBS direct API has no DryRun; ``ListChangedBlocks`` is a read, so it is simply called.

Read-only mode refuses every mutating call, DryRun included, before it is sent, so then the
DryRun checks are skipped (``skip_dry_run``) and reported as such, never as missing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from snaptui.aws.context import AwsContext
from snaptui.aws.errors import AccessDeniedError, AwsError, NotSupportedError
from snaptui.aws.permission_tiers import TIERS, Tier

__all__ = ["ActionCheck", "TierCheck", "check_tiers"]

Status = Literal["allowed", "missing", "unverified", "skipped"]

DRY_RUN_NAME = "snaptui-doctor-dry-run"
_PLACEHOLDERS = {
    "volume": "vol-00000000000000000",
    "instance": "i-00000000000000000",
    "snapshot": "snap-00000000000000000",
    "image": "ami-00000000000000000",
}


@dataclass(frozen=True)
class ActionCheck:
    action: str
    """``ec2:CreateSnapshot``."""
    status: Status
    detail: str = ""


@dataclass(frozen=True)
class TierCheck:
    tier: Tier
    checks: tuple[ActionCheck, ...]

    @property
    def missing(self) -> list[str]:
        return [c.action for c in self.checks if c.status == "missing"]

    @property
    def ok(self) -> bool:
        return all(c.status == "allowed" for c in self.checks)


@dataclass
class _Found:
    """Ids of real resources to aim the DryRuns at (AWS checks some ids before IAM)."""

    ids: dict[str, str] = field(default_factory=dict)
    az: str | None = None

    def id(self, kind: str) -> str:
        return self.ids.get(kind) or _PLACEHOLDERS[kind]


def _first(response: dict[str, Any], key: str, id_key: str) -> str | None:
    items = response.get(key) or []
    return str(items[0][id_key]) if items else None


async def _reads(ctx: AwsContext, found: _Found) -> dict[str, ActionCheck]:
    """Make each read of the read-only tier once; remember ids for the DryRuns."""
    results: dict[str, ActionCheck] = {}

    async def read(action: str, call: Callable[[], Awaitable[dict[str, Any]]]) -> None:
        try:
            response = await call()
        except AccessDeniedError as exc:
            results[action] = ActionCheck(action, "missing", exc.message)
            return
        except AwsError as exc:
            results[action] = ActionCheck(action, "unverified", str(exc))
            return
        results[action] = ActionCheck(action, "allowed")
        remember(action, response)

    def remember(action: str, response: dict[str, Any]) -> None:
        if action == "ec2:DescribeInstances":
            reservations = response.get("Reservations") or []
            instances = [i for r in reservations for i in r.get("Instances", [])]
            if instances:
                found.ids["instance"] = instances[0]["InstanceId"]
        elif action == "ec2:DescribeVolumes":
            volume = (response.get("Volumes") or [None])[0]
            if volume:
                found.ids["volume"] = volume["VolumeId"]
                found.az = found.az or volume.get("AvailabilityZone")
        elif action == "ec2:DescribeSnapshots":
            snapshot = _first(response, "Snapshots", "SnapshotId")
            if snapshot:
                found.ids["snapshot"] = snapshot
        elif action == "ec2:DescribeImages":
            image = _first(response, "Images", "ImageId")
            if image:
                found.ids["image"] = image
        elif action == "ec2:DescribeAvailabilityZones":
            found.az = found.az or _first(response, "AvailabilityZones", "ZoneName")

    await read("sts:GetCallerIdentity", lambda: ctx.call("sts", "GetCallerIdentity"))
    await read("ec2:DescribeInstances", lambda: ctx.call("ec2", "DescribeInstances", MaxResults=6))
    await read("ec2:DescribeVolumes", lambda: ctx.call("ec2", "DescribeVolumes", MaxResults=6))
    await read(
        "ec2:DescribeSnapshots",
        lambda: ctx.call("ec2", "DescribeSnapshots", OwnerIds=["self"], MaxResults=6),
    )
    await read(
        "ec2:DescribeImages",
        lambda: ctx.call("ec2", "DescribeImages", Owners=["self"], MaxResults=6),
    )
    await read(
        "ec2:DescribeAvailabilityZones", lambda: ctx.call("ec2", "DescribeAvailabilityZones")
    )
    return results


def _dry_run_params(found: _Found, region: str) -> dict[str, dict[str, Any]]:
    """Parameters for a DryRun of each mutating action, aimed at real resources when known."""
    snapshot, volume = found.id("snapshot"), found.id("volume")
    instance, image = found.id("instance"), found.id("image")
    return {
        "CreateSnapshot": {"VolumeId": volume},
        "CreateSnapshots": {"InstanceSpecification": {"InstanceId": instance}},
        "CopySnapshot": {"SourceSnapshotId": snapshot, "SourceRegion": region},
        "DeleteSnapshot": {"SnapshotId": snapshot},
        "CreateTags": {
            "Resources": [snapshot],
            "Tags": [{"Key": "snaptui-doctor", "Value": "dry-run"}],
        },
        "CreateVolume": {
            "SnapshotId": snapshot,
            "AvailabilityZone": found.az or f"{region}a",
            "VolumeType": "gp3",
        },
        "AttachVolume": {"VolumeId": volume, "InstanceId": instance, "Device": "/dev/sdz"},
        "CreateImage": {"InstanceId": instance, "Name": DRY_RUN_NAME, "NoReboot": True},
        "RegisterImage": {
            "Name": DRY_RUN_NAME,
            "RootDeviceName": "/dev/xvda",
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
            "Architecture": "x86_64",
            "VirtualizationType": "hvm",
        },
        "DeregisterImage": {"ImageId": image},
        "RunInstances": {
            "ImageId": image,
            "InstanceType": "t3.micro",
            "MinCount": 1,
            "MaxCount": 1,
        },
    }


async def _dry_run(ctx: AwsContext, operation: str, params: dict[str, Any]) -> ActionCheck:
    action = f"ec2:{operation}"
    try:
        await ctx.dry_run("ec2", operation, **params)
    except AccessDeniedError as exc:
        return ActionCheck(action, "missing", exc.message)
    except AwsError as exc:
        return ActionCheck(action, "unverified", f"DryRun answered {exc}")
    return ActionCheck(action, "allowed", "DryRun")


async def _ebs_probe(ctx: AwsContext, found: _Found) -> ActionCheck:
    action = "ebs:ListChangedBlocks"
    try:
        await ctx.call("ebs", "ListChangedBlocks", SecondSnapshotId=found.id("snapshot"))
    except AccessDeniedError as exc:
        return ActionCheck(action, "missing", exc.message)
    except NotSupportedError as exc:
        return ActionCheck(action, "unverified", str(exc))
    except AwsError as exc:
        # Authorised: the API looked at the request (IAM comes first) and answered about it.
        return ActionCheck(action, "allowed", f"answered {exc.code}, not AccessDenied")
    return ActionCheck(action, "allowed")


async def check_tiers(
    ctx: AwsContext, *, skip_dry_run: bool = False, tiers: tuple[Tier, ...] = TIERS
) -> list[TierCheck]:
    """Check every action of every tier; see the module docstring for how."""
    found = _Found()
    results = await _reads(ctx, found)
    results["ebs:ListChangedBlocks"] = await _ebs_probe(ctx, found)
    params = _dry_run_params(found, ctx.settings.region)
    for operation, operation_params in params.items():
        action = f"ec2:{operation}"
        if skip_dry_run:
            results[action] = ActionCheck(
                action, "skipped", "read-only mode refuses DryRun calls too"
            )
        else:
            results[action] = await _dry_run(ctx, operation, operation_params)
    return [
        TierCheck(
            tier,
            tuple(
                results.get(a) or ActionCheck(a, "unverified", "no check for this action")
                for a in tier.actions
            ),
        )
        for tier in tiers
    ]
