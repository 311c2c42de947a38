"""Patches 2 and 3: server-side paging (and OwnerIds) for DescribeSnapshots and DescribeVolumes.

Stock moto ignores OwnerIds, MaxResults and NextToken there and returns everything in one page,
so a client's NextToken loop is never exercised. AWS's rules, as documented in botocore's model:
MaxResults is 5..1000 and a larger value returns 1000; it cannot be combined with explicit ids.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from ._patching import replace

MIN_RESULTS = 5
MAX_RESULTS = 1000


def _client_error(code: str, message: str) -> Exception:
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def encode_token(operation: str, key: tuple[float, str]) -> str:
    """An opaque token naming the last item of a page (robust to deletions between pages)."""
    raw = json.dumps({"op": operation, "after": [key[0], key[1]]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(operation: str, token: str) -> tuple[float, str]:
    """The page cursor in ``token``; InvalidParameterValue (as EC2 answers) if it is not ours."""
    try:
        padded = token + "=" * (-len(token) % 4)
        body = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if body["op"] != operation:
            raise ValueError(operation)
        moment, item_id = body["after"]
        return float(moment), str(item_id)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise _client_error(
            "InvalidParameterValue",
            f"Value ( {token} ) for parameter nextToken is invalid. The token is invalid.",
        ) from None


def page_size(max_results: Any) -> int | None:
    """Validate MaxResults like EC2: below 5 is an error, above 1000 is capped at 1000."""
    if max_results is None:
        return None
    try:
        size = int(max_results)
    except (TypeError, ValueError):
        size = -1
    if size < MIN_RESULTS:
        raise _client_error(
            "InvalidParameterValue",
            f"Value ( {max_results} ) for parameter maxResults is invalid. "
            f"Expecting a value greater than {MIN_RESULTS}.",
        )
    return min(size, MAX_RESULTS)


def paginate(
    operation: str,
    items: Sequence[Any],
    key: Callable[[Any], tuple[float, str]],
    max_results: Any,
    next_token: str | None,
) -> tuple[list[Any], str | None]:
    """One page of ``items`` in a stable (time, id) order, and the token for the next page."""
    size = page_size(max_results)
    ordered = sorted(items, key=key)
    start = 0
    if next_token:
        cursor = decode_token(operation, next_token)
        start = bisect.bisect_right([key(item) for item in ordered], cursor)
    if size is None:
        return ordered[start:], None
    page = ordered[start : start + size]
    more = start + size < len(ordered)
    return page, (encode_token(operation, key(page[-1])) if more and page else None)


def _reject_ids_with_max_results(ids_param: str, ids: list[str], max_results: Any) -> None:
    if ids and max_results is not None:
        raise _client_error(
            "InvalidParameterCombination",
            f"The parameter {ids_param} cannot be used with the parameter maxResults",
        )


def _snapshot_key(snapshot: Any) -> tuple[float, str]:
    return (_timestamp(snapshot.start_time), snapshot.id)


def _volume_key(volume: Any) -> tuple[float, str]:
    return (_timestamp(volume.create_time), volume.id)


def _owner_filter(backend: Any, owner_ids: list[str]) -> set[str]:
    """Owner ids an ``OwnerIds`` list stands for: ``self`` is the caller's account; ``amazon`` the
    owners of Amazon's public AMIs (none, with MOTO_EC2_LOAD_DEFAULT_AMIS=false)."""
    wanted: set[str] = set()
    for owner in owner_ids:
        if owner == "self":
            wanted.add(backend.account_id)
        elif owner == "amazon":
            wanted.update(
                image.owner_id
                for image in backend.amis.values()
                if getattr(image, "owner_alias", None) == "amazon"
            )
        else:
            wanted.add(owner)
    return wanted


def apply_snapshot_paging() -> None:
    """Make DescribeSnapshots honour OwnerIds, MaxResults and NextToken (see module docstring).

    Also advances each returned snapshot's ManagedState tick, which the ``manual`` progression of
    the ``ec2::snapshot`` state-manager model counts (one describe = one tick).
    """
    from moto.core.responses import ActionResult
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    def describe_snapshots(self: Any) -> ActionResult:
        filters = self._filters_from_querystring()
        snapshot_ids = self._get_param("SnapshotIds", []) or []
        owner_ids = self._get_param("OwnerIds", []) or []
        max_results = self._get_param("MaxResults")
        next_token = self._get_param("NextToken")
        _reject_ids_with_max_results("snapshotIds", snapshot_ids, max_results)
        snapshots = self.ec2_backend.describe_snapshots(snapshot_ids=snapshot_ids, filters=filters)
        if owner_ids:
            owners = _owner_filter(self.ec2_backend, owner_ids)
            snapshots = [snapshot for snapshot in snapshots if snapshot.owner_id in owners]
        page, token = paginate("snapshots", snapshots, _snapshot_key, max_results, next_token)
        for snapshot in page:
            advance = getattr(snapshot, "advance", None)
            if advance is not None:
                advance()
        result: dict[str, Any] = {"Snapshots": page}
        if token:
            result["NextToken"] = token
        return ActionResult(result)

    replace(ElasticBlockStore, "describe_snapshots", describe_snapshots)


def apply_volume_paging() -> None:
    """Make DescribeVolumes honour MaxResults (5..1000, capped) and NextToken."""
    from moto.core.responses import ActionResult
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    def describe_volumes(self: Any) -> ActionResult:
        filters = self._filters_from_querystring()
        volume_ids = self._get_param("VolumeIds", []) or []
        max_results = self._get_param("MaxResults")
        next_token = self._get_param("NextToken")
        _reject_ids_with_max_results("volumeIds", volume_ids, max_results)
        volumes = self.ec2_backend.describe_volumes(volume_ids=volume_ids, filters=filters)
        page, token = paginate("volumes", volumes, _volume_key, max_results, next_token)
        result: dict[str, Any] = {"Volumes": page}
        if token:
            result["NextToken"] = token
        return ActionResult(result)

    replace(ElasticBlockStore, "describe_volumes", describe_volumes)
