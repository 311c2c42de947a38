"""Provides the pure checks behind every action form (no I/O): each returns a list of problems.

A problem is one sentence that says what is wrong *and what to do*, e.g.
``size 50 GiB is smaller than the snapshot (100 GiB): choose 100 GiB or more``. An empty list
means the value is fine. ``require()`` turns collected problems into one ValidationError.

Volume limits follow the CreateVolume documentation in the installed botocore model
(botocore 1.43), which is newer than some older guides:

- gp3 is 1..65,536 GiB with 3,000..80,000 IOPS (at most 500 per GiB; 3,000 at any size) and
  125..2,000 MiB/s (at most 0.25 MiB/s per provisioned IOPS);
- io2 is treated as **io2 Block Express**, which every io2 volume is today: 4..65,536 GiB,
  100..256,000 IOPS, at most 1,000 IOPS per GiB. Instances not built on Nitro can use only
  32,000 of them; AWS checks that at attach time, not at creation.
- io1 4..16,384 GiB, 100..64,000 IOPS, at most 50 per GiB; gp2 1..16,384; st1/sc1 125..16,384;
  standard (magnetic) 1..1,024. gp2, st1, sc1 and standard take no IOPS or throughput.

Refusing a size AWS accepts would block a restore during an outage, so where older and newer
limits differ the newer (larger) ones are used: AWS itself rejects anything beyond them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from snaptui.aws.devices import DATA_DEVICES, is_device_taken, next_free_device
from snaptui.aws.models import Instance

__all__ = [
    "ATTACHABLE_STATES",
    "ID_PREFIXES",
    "MAX_TAGS",
    "VOLUME_LIMITS",
    "ValidationError",
    "VolumeLimits",
    "check_attach_target",
    "check_availability_zone",
    "check_description",
    "check_device_name",
    "check_id",
    "check_image_name",
    "check_region",
    "check_root_device_name",
    "check_tags",
    "check_text",
    "check_volume",
    "require",
]


class ValidationError(ValueError):
    """A request that must not be sent; ``problems`` say what to change."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems) or "invalid request")


def require(*problem_lists: Iterable[str]) -> None:
    """Raise ValidationError with every problem of every list, or return if there are none."""
    problems = [p for problems in problem_lists for p in problems]
    if problems:
        raise ValidationError(problems)


# ---------------------------------------------------------------------------------------------
# Ids.

ID_PREFIXES = {"snapshot": "snap", "volume": "vol", "instance": "i", "image": "ami"}
_ID_RE = {
    kind: re.compile(rf"^{prefix}-(?:[0-9a-f]{{8}}|[0-9a-f]{{17}})$")
    for kind, prefix in ID_PREFIXES.items()
}


def check_id(value: str, kind: str) -> list[str]:
    """``kind`` is snapshot, volume, instance or image."""
    prefix = ID_PREFIXES[kind]
    if _ID_RE[kind].match(value or ""):
        return []
    article = "an" if kind[0] in "aeiou" else "a"
    return [
        f"{value!r} is not {article} {kind} id: expected {prefix}- followed by 8 or 17 hex "
        f"digits (e.g. {prefix}-0123456789abcdef0)"
    ]


# ---------------------------------------------------------------------------------------------
# Volumes.


@dataclass(frozen=True)
class VolumeLimits:
    min_gib: int
    max_gib: int
    iops: tuple[int, int] | None = None
    """Allowed IOPS range; None: the type takes no IOPS value."""
    iops_per_gib: int | None = None
    iops_required: bool = False
    baseline_iops: int | None = None
    """IOPS allowed at any size (gp3's 3,000), whatever the per-GiB ratio says."""
    throughput: tuple[int, int] | None = None
    """Allowed MiB/s; None: the type takes no throughput value."""
    throughput_per_iops: float | None = None


VOLUME_LIMITS: Mapping[str, VolumeLimits] = {
    "gp3": VolumeLimits(
        1,
        65536,
        iops=(3000, 80000),
        iops_per_gib=500,
        baseline_iops=3000,
        throughput=(125, 2000),
        throughput_per_iops=0.25,
    ),
    "gp2": VolumeLimits(1, 16384),
    "io2": VolumeLimits(4, 65536, iops=(100, 256000), iops_per_gib=1000, iops_required=True),
    "io1": VolumeLimits(4, 16384, iops=(100, 64000), iops_per_gib=50, iops_required=True),
    "st1": VolumeLimits(125, 16384),
    "sc1": VolumeLimits(125, 16384),
    "standard": VolumeLimits(1, 1024),
}


def _max_iops(limits: VolumeLimits, size_gib: int) -> int:
    assert limits.iops is not None
    ceiling = limits.iops[1]
    if limits.iops_per_gib is not None:
        ceiling = min(ceiling, limits.iops_per_gib * size_gib)
    if limits.baseline_iops is not None:
        ceiling = max(ceiling, limits.baseline_iops)
    return ceiling


def _or_another_type(size_gib: int) -> str:
    """``, or another type (gp3, io2)``: the types that take ``size_gib``; empty if none does."""
    fits = [name for name, lim in VOLUME_LIMITS.items() if lim.min_gib <= size_gib <= lim.max_gib]
    return f", or another type ({', '.join(fits)})" if fits else ""


def check_volume(
    volume_type: str,
    size_gib: int,
    iops: int | None = None,
    throughput: int | None = None,
    *,
    snapshot_size_gib: int | None = None,
) -> list[str]:
    """Size, IOPS and throughput for a new ``volume_type`` volume (from a snapshot, if sized)."""
    limits = VOLUME_LIMITS.get(volume_type)
    if limits is None:
        return [f"unknown volume type {volume_type!r}: choose one of {', '.join(VOLUME_LIMITS)}"]
    problems: list[str] = []
    if snapshot_size_gib is not None and size_gib < snapshot_size_gib:
        problems.append(
            f"size {size_gib} GiB is smaller than the snapshot ({snapshot_size_gib} GiB): "
            f"choose {snapshot_size_gib} GiB or more"
        )
    if size_gib < limits.min_gib:
        problems.append(
            f"{volume_type} volumes are at least {limits.min_gib} GiB: choose "
            f"{limits.min_gib} GiB or more{_or_another_type(size_gib)}"
        )
    elif size_gib > limits.max_gib:
        fits = _or_another_type(size_gib) or " (no volume type is larger)"
        problems.append(
            f"size {size_gib} GiB is above the {volume_type} maximum ({limits.max_gib} GiB): "
            f"choose at most {limits.max_gib} GiB{fits}"
        )
    iops_problems = _check_iops(volume_type, limits, size_gib, iops)
    problems += iops_problems
    # Throughput per IOPS is judged against a valid IOPS value: fix that first.
    problems += _check_throughput(volume_type, limits, iops, throughput, per_iops=not iops_problems)
    return problems


def _check_iops(
    volume_type: str, limits: VolumeLimits, size_gib: int, iops: int | None
) -> list[str]:
    if limits.iops is None:
        if iops is not None:
            return [
                f"{volume_type} takes no IOPS value (its performance follows its size): "
                "leave IOPS empty, or choose gp3, io1 or io2"
            ]
        return []
    low = limits.iops[0]
    high = _max_iops(limits, max(size_gib, 0))
    if iops is None:
        if limits.iops_required:
            return [f"{volume_type} needs an IOPS value: choose {low}..{high}"]
        return []
    if iops < low:
        return [f"IOPS {iops} is below the {volume_type} minimum ({low}): choose {low}..{high}"]
    if iops > limits.iops[1]:
        return [
            f"IOPS {iops} is above the {volume_type} maximum ({limits.iops[1]}): "
            f"choose {low}..{high}"
        ]
    if iops > high:
        needed = -(-iops // limits.iops_per_gib) if limits.iops_per_gib else size_gib
        return [
            f"IOPS {iops} is more than {limits.iops_per_gib} per GiB for a {size_gib} GiB "
            f"{volume_type} volume: choose at most {high} IOPS, or a size of {needed} GiB or more"
        ]
    return []


def _check_throughput(
    volume_type: str,
    limits: VolumeLimits,
    iops: int | None,
    throughput: int | None,
    *,
    per_iops: bool = True,
) -> list[str]:
    if throughput is None:
        return []
    if limits.throughput is None:
        return [f"throughput can only be set for gp3 volumes: leave it empty for {volume_type}"]
    low, high = limits.throughput
    if not low <= throughput <= high:
        return [
            f"throughput {throughput} MiB/s is outside the {volume_type} range: "
            f"choose {low}..{high} MiB/s"
        ]
    if per_iops and limits.throughput_per_iops is not None:
        effective = iops if iops is not None else (limits.baseline_iops or 0)
        allowed = int(effective * limits.throughput_per_iops)
        if throughput > allowed:
            needed = int(-(-throughput // limits.throughput_per_iops))
            return [
                f"throughput {throughput} MiB/s needs at least {needed} IOPS "
                f"({limits.throughput_per_iops} MiB/s per IOPS, {effective} IOPS now): "
                f"raise IOPS to {needed} or lower throughput to {allowed} MiB/s"
            ]
    return []


# ---------------------------------------------------------------------------------------------
# Regions, zones, attachment.

_REGION_RE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$")
_ZONE_SUFFIX_RE = re.compile(r"^(?:[a-z]|(?:-[a-z0-9]+)+)$")


def check_region(region: str) -> list[str]:
    if _REGION_RE.match(region or ""):
        return []
    return [f"{region!r} is not a region name: use a name like us-east-1 or eu-west-2"]


def check_availability_zone(
    az: str, region: str, known_zones: Iterable[str] | None = None
) -> list[str]:
    """Format, region membership and (when ``known_zones`` is given) existence of ``az``."""
    known = sorted(known_zones) if known_zones is not None else None
    choose = f"choose one of {', '.join(known)}" if known else f"choose a zone like {region}a"
    if not az:
        return [f"no availability zone chosen: {choose}"]
    if not az.startswith(region) or not _ZONE_SUFFIX_RE.match(az[len(region) :]):
        if _REGION_RE.match(az[:-1]) and az[-1].isalpha():
            return [f"availability zone {az} is not in region {region}: {choose}"]
        return [f"{az!r} is not an availability zone name: {choose}"]
    if known is not None and az not in known:
        return [f"availability zone {az} does not exist (or is not available) here: {choose}"]
    return []


ATTACHABLE_STATES = ("running", "stopped")

_DEVICE_RE = re.compile(r"^/dev/(?:sd|xvd)[b-z]$")
_ROOT_DEVICE_RE = re.compile(r"^/dev/(?:sda1|sda|xvda)$")


def check_device_name(device: str, taken: Iterable[str] = ()) -> list[str]:
    """A Linux data-volume device name (``/dev/sdf``) not already used (``xvdf`` == ``sdf``)."""
    suggestion = f"use {DATA_DEVICES[0]} ... {DATA_DEVICES[-1]}"
    if not _DEVICE_RE.match(device or ""):
        return [f"device name {device!r} is not valid for a data volume: {suggestion}"]
    taken = list(taken)
    if is_device_taken(device, taken):
        free = next_free_device(taken)
        if free is None:
            return [
                f"device {device} is already used on this instance, and so is every other "
                f"data device ({DATA_DEVICES[0]} ... {DATA_DEVICES[-1]}): choose another instance"
            ]
        return [f"device {device} is already used on this instance: choose a free one, e.g. {free}"]
    return []


def check_root_device_name(device: str) -> list[str]:
    if _ROOT_DEVICE_RE.match(device or ""):
        return []
    return [
        f"root device name {device!r} is not one AWS boots from: use /dev/xvda "
        "(Amazon Linux and most current AMIs) or /dev/sda1 (Ubuntu, RHEL, older AMIs)"
    ]


def check_attach_target(
    instance: Instance, az: str, device: str, taken: Iterable[str] = ()
) -> list[str]:
    """The instance must be running or stopped, in the volume's zone, with ``device`` free."""
    problems = []
    if instance.state not in ATTACHABLE_STATES:
        problems.append(
            f"instance {instance.id} is {instance.state}: choose a running or stopped instance"
        )
    if instance.az != az:
        problems.append(
            f"instance {instance.id} is in {instance.az or 'an unknown zone'} but the volume "
            f"will be in {az}: create the volume in {instance.az or 'its zone'}, "
            "or choose an instance in that zone"
        )
    return problems + check_device_name(device, taken)


# ---------------------------------------------------------------------------------------------
# Tags, descriptions, names.

MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
MAX_DESCRIPTION = 255
RESERVED_PREFIX = "snaptui:"


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates: they reorder what a terminal shows after them."""


def _control_chars(text: str) -> list[str]:
    """The characters of ``text`` that must not be sent nor shown raw, as escaped reprs.

    C0/C1 controls (line breaks, tabs, ESC of terminal escape codes, NUL), the Unicode line and
    paragraph separators, and the bidirectional overrides. Other Unicode (accents, CJK, emoji)
    is fine: EC2 takes UTF-8 descriptions, names and tags.
    """
    return sorted(
        {
            repr(c)
            for c in text
            if unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in _BIDI_CONTROLS
        }
    )


def check_text(text: str, what: str) -> list[str]:
    """``text`` (a description, name, reason, tag) has no control characters."""
    bad = _control_chars(text)
    if not bad:
        return []
    return [
        f"{what} contains control characters ({', '.join(bad)}): remove them (line breaks, "
        "tabs and terminal escape codes cannot be sent)"
    ]


def check_tags(tags: Mapping[str, str], *, reserved: Iterable[str] = ()) -> list[str]:
    """User tags: no ``aws:`` keys, none of snaptui's ``reserved`` keys, AWS length limits."""
    problems: list[str] = []
    reserved = set(reserved)
    for key, value in tags.items():
        if not key or not key.strip():
            problems.append("a tag key is empty: give every tag a key")
        elif key.lower().startswith("aws:"):
            problems.append(f"tag key {key!r} starts with 'aws:', which AWS reserves: rename it")
        elif key in reserved or key.startswith(RESERVED_PREFIX):
            problems.append(f"tag key {key!r} is set by snaptui itself: choose another key")
        if len(key) > MAX_TAG_KEY:
            problems.append(
                f"tag key {key[:20]!r}... is {len(key)} characters: shorten it to {MAX_TAG_KEY}"
            )
        if len(value) > MAX_TAG_VALUE:
            problems.append(
                f"tag {key[:40]!r} has a value of {len(value)} characters: "
                f"shorten it to {MAX_TAG_VALUE}"
            )
        problems += check_text(key + value, f"tag {key[:40]!r}")
    if len(tags) > MAX_TAGS:
        problems.append(f"{len(tags)} tags given: AWS allows {MAX_TAGS} per resource, remove some")
    return problems


def check_description(
    text: str, what: str = "description", limit: int = MAX_DESCRIPTION
) -> list[str]:
    problems = []
    if len(text) > limit:
        problems.append(f"{what} is {len(text)} characters: shorten it to {limit}")
    return problems + check_text(text, what)


_IMAGE_NAME_RE = re.compile(r"^[A-Za-z0-9()\[\] ./\-'@_]+$")


def check_image_name(name: str) -> list[str]:
    """AMI names: 3..128 letters, digits and ( ) [ ] space . / - ' @ _ (AWS's rule)."""
    problems = []
    if not 3 <= len(name) <= 128:
        problems.append(f"image name is {len(name)} characters: use 3 to 128")
    if name and not _IMAGE_NAME_RE.match(name):
        bad = sorted({c for c in name if not _IMAGE_NAME_RE.match(c)})
        problems.append(
            f"image name contains {', '.join(repr(c) for c in bad)}: use only letters, digits, "
            "spaces and ( ) [ ] . / - ' @ _"
        )
    return problems
