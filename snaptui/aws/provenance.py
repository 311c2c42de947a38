"""Provides the provenance tags snaptui puts on everything it creates, at creation time (pure).

Tags are applied through ``TagSpecifications`` so a resource never exists untagged. The
``snaptui:request-id`` tag (a uuid per request) is the only way to find out whether a call
without a ClientToken (CreateSnapshot(s), CreateImage, RegisterImage, CopySnapshot) created
something before it failed ambiguously; calls with a ClientToken use the same uuid as token.

Tags copied from the source (a volume's own tags onto its snapshot, a snapshot's onto a restored
volume) leave out ``aws:*`` keys (reserved; AWS refuses them) and every ``snaptui:*`` key: the
source's provenance describes the source, and a copied ``snaptui:request-id`` would make the
duplicate check find the wrong resource.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from snaptui.aws.generations import SET_ID_TAG
from snaptui.aws.models import SOURCE_SNAPSHOT_TAG
from snaptui.aws.validation import MAX_TAG_VALUE, MAX_TAGS, RESERVED_PREFIX

__all__ = [
    "CREATED_AT_TAG",
    "CREATED_BY_TAG",
    "REASON_TAG",
    "REQUEST_ID_TAG",
    "SET_ID_TAG",
    "SOURCE_ARCHITECTURE_TAG",
    "SOURCE_DEVICE_TAG",
    "SOURCE_IMAGE_TAG",
    "SOURCE_INSTANCE_TAG",
    "SOURCE_SNAPSHOT_TAG",
    "SOURCE_VOLUME_TAG",
    "Provenance",
    "TagPlan",
    "TooManyTagsError",
    "copyable_tags",
    "new_request_id",
    "new_set_id",
    "plan_tags",
    "tag_list",
    "tag_specification",
]

REASON_TAG = "snaptui:reason"
CREATED_BY_TAG = "snaptui:created-by"
CREATED_AT_TAG = "snaptui:created-at"
SOURCE_INSTANCE_TAG = "snaptui:source-instance"
SOURCE_VOLUME_TAG = "snaptui:source-volume"
SOURCE_DEVICE_TAG = "snaptui:source-device"
SOURCE_IMAGE_TAG = "snaptui:source-image"
"""The AMI the source instance was launched from: where RegisterImage's defaults come from."""
SOURCE_ARCHITECTURE_TAG = "snaptui:source-architecture"
REQUEST_ID_TAG = "snaptui:request-id"


def new_request_id() -> str:
    """A fresh request id (uuid4, 36 ASCII characters: also valid as a ClientToken)."""
    return str(uuid.uuid4())


def new_set_id(instance_id: str, now: datetime | None = None) -> str:
    """``set-<UTC time>-<instance>-<4 hex>``: readable, sortable and unique."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"set-{moment:%Y%m%dT%H%M%SZ}-{instance_id}-{uuid.uuid4().hex[:4]}"


@dataclass(frozen=True)
class Provenance:
    """Where a new resource came from; None/empty fields are not tagged."""

    request_id: str
    created_by: str
    created_at: datetime
    reason: str = ""
    name: str | None = None
    source_instance: str | None = None
    source_volume: str | None = None
    source_device: str | None = None
    source_snapshot: str | None = None
    source_image: str | None = None
    source_architecture: str | None = None
    set_id: str | None = None

    def tags(self) -> dict[str, str]:
        """The tags this provenance stands for (values cut to AWS's 256 characters)."""
        values: dict[str, Any] = {
            "Name": self.name,
            REASON_TAG: self.reason,
            CREATED_BY_TAG: self.created_by,
            CREATED_AT_TAG: self.created_at.astimezone(UTC).isoformat(timespec="seconds"),
            SOURCE_INSTANCE_TAG: self.source_instance,
            SOURCE_VOLUME_TAG: self.source_volume,
            SOURCE_DEVICE_TAG: self.source_device,
            SOURCE_SNAPSHOT_TAG: self.source_snapshot,
            SOURCE_IMAGE_TAG: self.source_image,
            SOURCE_ARCHITECTURE_TAG: self.source_architecture,
            SET_ID_TAG: self.set_id,
            REQUEST_ID_TAG: self.request_id,
        }
        return {k: str(v)[:MAX_TAG_VALUE] for k, v in values.items() if v}


def copyable_tags(source: Mapping[str, str]) -> dict[str, str]:
    """A source's tags that may be copied: no ``aws:*`` and no ``snaptui:*`` keys."""
    return {
        k: v
        for k, v in source.items()
        if not k.lower().startswith("aws:") and not k.startswith(RESERVED_PREFIX)
    }


class TooManyTagsError(ValueError):
    """snaptui's own tags plus the user's exceed AWS's limit of 50 per resource."""


@dataclass(frozen=True)
class TagPlan:
    tags: Mapping[str, str]
    dropped: tuple[str, ...]
    """Copied keys left out to stay within 50 tags (they are listed in the summary)."""


def plan_tags(
    own: Mapping[str, str],
    user: Mapping[str, str] | None = None,
    copied: Mapping[str, str] | None = None,
) -> TagPlan:
    """Merge snaptui's tags, the user's and copied ones, in that order of precedence.

    Within AWS's 50-tag limit copied tags are dropped first (alphabetically last first, so
    the result is stable). Raises TooManyTagsError if snaptui's and the user's tags alone
    are more than 50.
    """
    merged = dict(own)
    for key, value in (user or {}).items():
        merged.setdefault(key, value)
    if len(merged) > MAX_TAGS:
        raise TooManyTagsError(
            f"{len(merged)} tags (snaptui's {len(own)} plus yours): AWS allows {MAX_TAGS}, "
            "remove some of yours"
        )
    room = MAX_TAGS - len(merged)
    candidates = sorted(k for k in copyable_tags(copied or {}) if k not in merged)
    kept, dropped = candidates[:room], candidates[room:]
    for key in kept:
        merged[key] = (copied or {})[key]
    return TagPlan(merged, tuple(dropped))


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def tag_specification(resource_type: str, tags: Mapping[str, str]) -> dict[str, Any]:
    return {"ResourceType": resource_type, "Tags": tag_list(tags)}
