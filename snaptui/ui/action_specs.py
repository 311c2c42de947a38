"""What each action asks for and how its answers become a planned request (no widgets).

An ``ActionSpec`` names the fields of its form with their defaults, and ``plan`` turns the
form's values into a request through ``snaptui.aws.action_plans`` (fresh reads, prefilled
defaults). Validation, the DryRun permission check and the call itself are the AWS layer's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from snaptui.aws import action_plans as plans
from snaptui.aws.models import Image, Instance, Snapshot, Volume

FieldKind = Literal["text", "int", "select", "bool"]
VOLUME_TYPES = ("gp3", "gp2", "io2", "io1", "st1", "sc1", "standard")
NO_ATTACH = ""
REBOOT_CHOICES = (
    ("", "choose: reboot or no reboot"),
    ("reboot", "reboot the instance first (consistent file systems)"),
    ("no-reboot", "no reboot (crash-consistent: like pulling the plug)"),
)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind = "text"
    default: Any = ""
    options: Sequence[tuple[str, str]] = ()
    """(value, label) pairs for a select."""
    help: str = ""
    required: bool = False


Planner = Callable[[Any, dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class ActionSpec:
    key: str
    """Stable id, also used in the audit log and the palette."""
    title: str
    resource_id: str
    fields: tuple[FieldSpec, ...]
    plan: Planner
    """``await plan(service, values)`` on the AWS loop → a request."""
    destructive: bool = False
    verb: str = "Create"
    notes: tuple[str, ...] = field(default=())


def _today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def snapshot_volume(volume: Volume, device: str | None = None) -> ActionSpec:
    label = volume.name or volume.id
    return ActionSpec(
        key="snapshot",
        title=f"Snapshot volume {label} ({volume.id})",
        resource_id=volume.id,
        fields=(
            FieldSpec("reason", "Reason", default="", required=True,
                      help="why, e.g. pre-deploy 4.2.1 (tagged snaptui:reason)"),
            FieldSpec("description", "Description",
                      default=f"snaptui: {label}{' ' + device if device else ''} {_today()}"),
        ),
        plan=lambda service, v: plans.plan_snapshot(
            service, volume.id, reason=v["reason"], description=v["description"]
        ),
    )  # fmt: skip


def snapshot_instance(instance: Instance) -> ActionSpec:
    label = instance.name or instance.id
    return ActionSpec(
        key="snapshot-set",
        title=f"Crash-consistent snapshot of every volume of {label} ({instance.id})",
        resource_id=instance.id,
        fields=(
            FieldSpec("reason", "Reason", required=True,
                      help="why, e.g. pre-deploy 4.2.1 (tagged snaptui:reason)"),
            FieldSpec("description", "Description", default=f"snaptui: {label} {_today()}"),
            FieldSpec("exclude_boot", "Exclude the boot volume", kind="bool", default=False),
        ),
        plan=lambda service, v: plans.plan_snapshot_set(
            service, instance.id, reason=v["reason"], description=v["description"],
            exclude_boot=bool(v["exclude_boot"]),
        ),
    )  # fmt: skip


def restore(snapshot: Snapshot, defaults: Any, instances: Sequence[Instance]) -> ActionSpec:
    """*defaults* is the RestoreRequest ``plan_restore`` prefilled (AZ, type, size...)."""
    attach = [(NO_ATTACH, "don't attach")] + [
        (i.id, f"{i.name or i.id} ({i.id}, {i.az}, {i.state})")
        for i in instances
        if i.state in ("running", "stopped")
    ]
    default_attach = defaults.attach_to.id if defaults.attach_to else NO_ATTACH
    return ActionSpec(
        key="restore",
        title=f"Restore {snapshot.id} as a new volume",
        resource_id=snapshot.id,
        fields=(
            FieldSpec("az", "Availability zone", default=defaults.az, required=True),
            FieldSpec("volume_type", "Volume type", kind="select", default=defaults.volume_type,
                      options=[(t, t) for t in VOLUME_TYPES]),
            FieldSpec("size_gib", "Size (GiB)", kind="int", default=defaults.size_gib,
                      help=f"at least the snapshot's {snapshot.volume_size_gib} GiB"),
            FieldSpec("iops", "IOPS", kind="int", default=defaults.iops or "",
                      help="gp3/io1/io2 only; blank = the type's default"),
            FieldSpec("throughput", "Throughput (MiB/s)", kind="int",
                      default=defaults.throughput or "", help="gp3 only"),
            FieldSpec("attach_to", "Attach to", kind="select", default=default_attach,
                      options=attach, help="an instance in the same AZ"),
            FieldSpec("device", "Device", default=defaults.device or "",
                      help="blank = the next free one (/dev/sdf…)"),
            FieldSpec("reason", "Reason", default=""),
        ),
        plan=lambda service, v: plans.plan_restore(
            service, snapshot.id, az=v["az"], volume_type=v["volume_type"],
            size_gib=_int_or_none(v["size_gib"]), iops=_int_or_none(v["iops"]),
            throughput=_int_or_none(v["throughput"]),
            attach_to=v["attach_to"] or None, device=v["device"] or None, reason=v["reason"],
        ),
        notes=("Restore never modifies or deletes an existing volume.",),
    )  # fmt: skip


def image_from_instance(instance: Instance) -> ActionSpec:
    label = instance.name or instance.id
    return ActionSpec(
        key="create-image",
        title=f"Create an AMI from {label} ({instance.id})",
        resource_id=instance.id,
        fields=(
            FieldSpec("name", "AMI name", default=f"{label}-{datetime.now(UTC):%Y%m%d-%H%M}",
                      required=True),
            FieldSpec("reboot", "Reboot?", kind="select", default="", options=REBOOT_CHOICES,
                      required=True, help="no default: a silent reboot is never an option"),
            FieldSpec("description", "Description", default=""),
            FieldSpec("reason", "Reason", default=""),
        ),
        plan=lambda service, v: plans.plan_create_image(
            service, instance.id, name=v["name"], reboot=v["reboot"] == "reboot",
            description=v["description"], reason=v["reason"],
        ),
    )  # fmt: skip


ARCHITECTURES = (("", "choose…"), ("x86_64", "x86_64"), ("arm64", "arm64"))
BOOT_MODES = (("", "the source's / AWS default"), ("uefi", "uefi"), ("legacy-bios", "legacy-bios"))


def image_from_snapshot(snapshot: Snapshot, defaults: Any) -> ActionSpec:
    """*defaults* is the RegisterImageRequest ``plan_register_image`` prefilled from the
    snapshot's source instance or AMI; what it could not find, the user chooses."""
    base = (snapshot.name or snapshot.id).replace(" ", "-").replace("/", "-")
    found = f" (prefilled from {defaults.prefilled_from})" if defaults.prefilled_from else ""

    async def plan(service: Any, v: dict[str, Any]) -> Any:
        request = await plans.plan_register_image(
            service,
            snapshot.id,
            name=v["name"],
            description=v["description"],
            reason=v["reason"],
        )
        architecture = v["architecture"] or request.architecture
        return replace(
            request,
            architecture=architecture,
            virtualization_type=request.virtualization_type or ("hvm" if architecture else None),
            root_device_name=v["root_device_name"] or request.root_device_name,
            ena_support=bool(v["ena_support"]),
            boot_mode=v["boot_mode"] or request.boot_mode,
        )

    return ActionSpec(
        key="register-image",
        title=f"Register an AMI from {snapshot.id}{found}",
        resource_id=snapshot.id,
        fields=(
            FieldSpec("name", "AMI name", default=f"{base}-{datetime.now(UTC):%Y%m%d-%H%M}",
                      required=True),
            FieldSpec("architecture", "Architecture", kind="select", options=ARCHITECTURES,
                      default=defaults.architecture or "", required=True,
                      help="never the API's i386 default"),
            FieldSpec("root_device_name", "Root device", default=defaults.root_device_name),
            FieldSpec("ena_support", "ENA networking", kind="bool",
                      default=defaults.ena_support is not False),
            FieldSpec("boot_mode", "Boot mode", kind="select", options=BOOT_MODES,
                      default=defaults.boot_mode or ""),
            FieldSpec("description", "Description", default=""),
            FieldSpec("reason", "Reason", default=""),
        ),
        plan=plan,
        notes=("Virtualisation is hvm: the API's paravirtual default is refused.",),
    )  # fmt: skip


def launch(image: Image, instance_type: str) -> ActionSpec:
    return ActionSpec(
        key="launch",
        title=f"Launch an instance from {image.name or image.id} ({image.id})",
        resource_id=image.id,
        fields=(
            FieldSpec("instance_type", "Instance type", default=instance_type, required=True),
            FieldSpec("subnet_id", "Subnet", default="",
                      help="blank = the subnet of the instance the AMI came from"),
            FieldSpec("key_name", "Key pair", default=""),
            FieldSpec("name", "Name tag", default=f"{image.name or image.id}-restored"),
            FieldSpec("reason", "Reason", default=""),
        ),
        plan=lambda service, v: plans.plan_launch(
            service, image.id, instance_type=v["instance_type"], subnet_id=v["subnet_id"] or None,
            key_name=v["key_name"] or None, name=v["name"] or None, reason=v["reason"],
        ),
    )  # fmt: skip


def copy_snapshot(snapshot: Snapshot, regions: Sequence[str], current: str) -> ActionSpec:
    targets = [(r, r) for r in regions if r != current]
    return ActionSpec(
        key="copy",
        title=f"Copy {snapshot.id} to another region (disaster recovery)",
        resource_id=snapshot.id,
        fields=(
            FieldSpec("target_region", "Target region", kind="select",
                      default=targets[0][0] if targets else "", options=targets, required=True),
            FieldSpec("description", "Description",
                      default=f"DR copy of {snapshot.id} from {current}"),
            FieldSpec("reason", "Reason", default=""),
        ),
        plan=lambda service, v: plans.plan_copy(
            service, snapshot.id, target_region=v["target_region"],
            description=v["description"], reason=v["reason"],
        ),
    )  # fmt: skip


def delete_snapshot(snapshot: Snapshot) -> ActionSpec:
    return ActionSpec(
        key="delete-snapshot",
        title=f"Delete snapshot {snapshot.id}",
        resource_id=snapshot.id,
        fields=(FieldSpec("reason", "Reason", default=""),),
        plan=lambda service, v: plans.plan_delete_snapshot(
            service, snapshot.id, reason=v["reason"]
        ),
        destructive=True,
        verb="Delete",
    )


def deregister_image(image: Image) -> ActionSpec:
    return ActionSpec(
        key="deregister-image",
        title=f"Deregister AMI {image.name or image.id} ({image.id})",
        resource_id=image.id,
        fields=(FieldSpec("reason", "Reason", default=""),),
        plan=lambda service, v: plans.plan_deregister_image(service, image.id, reason=v["reason"]),
        destructive=True,
        verb="Deregister",
        notes=("The AMI's snapshots are kept; delete them separately if you mean to.",),
    )


def typed_id_matches(typed: str, resource_id: str, *, minimum: int = 6) -> bool:
    """The whole id, or at least its last *minimum* characters (k9s/console style)."""
    typed = typed.strip()
    if typed == resource_id:
        return True
    return len(typed) >= minimum and resource_id.endswith(typed) and "-" not in typed
