"""Patch 1: O(1) tag lookup per EC2 resource."""

from __future__ import annotations

from typing import Any

from ._patching import replace


def apply_fast_tags() -> None:
    """Look a resource's tags up by its id instead of scanning every tag in the region.

    Stock moto builds each resource's tag list with
    ``describe_tags(filters={"resource-id": [id]})``, which walks every tag of every resource and
    compiles regexes: listing 10,000 tagged snapshots takes about two minutes, longer than
    botocore's read timeout. ``TagBackend.tags`` is already a dict keyed by resource id, so the
    lookup can read it directly. ``create_tags``/``delete_tags`` write to the same dict and
    ``tag:`` filters go through ``get_tags``, so both keep working.
    """
    from moto.ec2.models.core import TaggedEC2Resource
    from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix

    def get_tags(self: Any) -> list[dict[str, str]]:
        resource_id = self.id
        if not resource_id:
            return []
        # .get(): never let a read create an entry in the backend's defaultdict.
        tags = self.ec2_backend.tags.get(resource_id)
        if not tags:
            return []
        resource_type = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource_id), "")
        return [
            {"resource_id": resource_id, "key": key, "value": value, "resource_type": resource_type}
            for key, value in tags.items()
        ]

    replace(TaggedEC2Resource, "get_tags", get_tags)
