"""Patch 5: the EBS direct APIs (start/complete snapshot, list blocks, changed blocks)."""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from typing import Any

from moto.core.exceptions import ServiceException

from ._patching import replace

BLOCK_SIZE = 524288  # bytes; what AWS reports (stock moto: 512)
EBS_VOLUME_ID = "vol-ffffffff"  # what AWS shows as VolumeId of snapshots made through EBS direct
MIN_BLOCKS, MAX_BLOCKS = 100, 10000


class EBSDirectError(ServiceException):
    """An EBS direct API error with its ``Reason``. Defined outside moto's packages on purpose:
    moto looks the error shape up in the service the exception's module is named after."""

    def __init__(self, code: str, message: str, reason: str) -> None:
        super().__init__(code, message)
        self.reason = reason


def _validation_error(message: str, reason: str) -> Exception:
    return EBSDirectError("ValidationException", message, reason)


def _page_token(index: int) -> str:
    return base64.urlsafe_b64encode(f"block:{index}".encode()).decode()


def _token_index(token: str) -> int:
    try:
        kind, index = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        if kind != "block":
            raise ValueError(kind)
        return int(index)
    except (ValueError, binascii.Error, UnicodeError):
        raise _validation_error("The pagination token is invalid.", "INVALID_PAGE_TOKEN") from None


def _page(
    indexes: list[int], max_results: Any, next_token: str | None, starting_index: Any
) -> tuple[list[int], str | None]:
    """Blocks in ascending index order from the token (or StartingBlockIndex), MaxResults each."""
    size = MAX_BLOCKS if max_results is None else int(max_results)
    if not MIN_BLOCKS <= size <= MAX_BLOCKS:
        raise _validation_error(
            f"MaxResults must be between {MIN_BLOCKS} and {MAX_BLOCKS}.", "INVALID_PARAMETER_VALUE"
        )
    start = _token_index(next_token) if next_token else int(starting_index or 0)
    remaining = [index for index in sorted(indexes) if index >= start]
    page = remaining[:size]
    token = _page_token(remaining[size]) if len(remaining) > size else None
    return page, token


BlockTokens = tuple[str | None, str | None]


def changed_block_indexes(first: Any | None, second: Any) -> dict[int, BlockTokens]:
    """Union of changed blocks: present in either snapshot, differing by content or presence."""
    first_blocks = first.blocks if first is not None else {}
    changed: dict[int, BlockTokens] = {}
    for index in first_blocks.keys() | second.blocks.keys():
        block1, block2 = first_blocks.get(index), second.blocks.get(index)
        if block1 is not None and block2 is not None and block1.block_data == block2.block_data:
            continue
        changed[index] = (
            block1.block_token if block1 is not None else None,
            block2.block_token if block2 is not None else None,
        )
    return changed


def _expiry() -> Any:
    from moto.core.utils import utcnow

    return utcnow() + timedelta(days=7)


def _snapshot_or_error(backend: Any, snapshot_id: str | None) -> Any:
    if snapshot_id not in backend.snapshots:
        raise EBSDirectError(
            "ResourceNotFoundException",
            f"The snapshot '{snapshot_id}' does not exist.",
            "SNAPSHOT_NOT_FOUND",
        )
    return backend.snapshots[snapshot_id]


def apply_ebs_direct() -> None:
    """Make the EBS direct APIs behave like AWS where the demo's block compare depends on it.

    - StartSnapshot no longer creates a phantom EC2 volume: like AWS, the EC2 snapshot's VolumeId
      is ``vol-ffffffff``, and it stays ``pending`` in DescribeSnapshots until CompleteSnapshot
      (then it follows the ``ec2::snapshot`` transition; stock moto says completed at once).
    - BlockSize is 524288, as in AWS (stock: 512); block data is stored as sent.
    - ListChangedBlocks returns the union of both snapshots' blocks that differ by content or
      presence (stock walks only the first snapshot's blocks, missing blocks new in the second);
      FirstSnapshotId is optional (then every block of the second counts as changed).
    - ListChangedBlocks and ListSnapshotBlocks honour MaxResults (100..10000), NextToken and
      StartingBlockIndex, in ascending block order, and answer ResourceNotFoundException for an
      unknown snapshot instead of HTTP 500.
    """
    from moto.core.responses import ActionResult
    from moto.ebs.models import EBSBackend, EBSSnapshot
    from moto.ebs.responses import EBSResponse
    from moto.ec2.models.elastic_block_store import Snapshot, Volume
    from moto.ec2.utils import random_snapshot_id

    from .pending_snapshots import start_pending

    original_init = EBSSnapshot.__dict__["__init__"]

    def snapshot_init(self: Any, account_id: str, snapshot: Any) -> None:
        original_init(self, account_id, snapshot)
        self.block_size = BLOCK_SIZE

    def start_snapshot(
        self: Any, volume_size: int, tags: list[dict[str, str]] | None, description: str
    ) -> Any:
        ec2 = self.ec2_backend
        volume = Volume(ec2, EBS_VOLUME_ID, size=int(volume_size), zone=None)
        snapshot = Snapshot(ec2, random_snapshot_id(), volume, description)
        snapshot._snaptui_ebs_open = True
        ec2.snapshots[snapshot.id] = snapshot
        if tags:
            snapshot.add_tags({tag["Key"]: tag["Value"] for tag in tags})
        ebs_snapshot = EBSSnapshot(account_id=self.account_id, snapshot=snapshot)
        self.snapshots[ebs_snapshot.snapshot_id] = ebs_snapshot
        return ebs_snapshot

    def complete_snapshot(self: Any, snapshot_id: str) -> str:
        _snapshot_or_error(self, snapshot_id).status = "completed"
        ec2_snapshot = self.ec2_backend.snapshots.get(snapshot_id)
        if ec2_snapshot is not None and ec2_snapshot._snaptui_ebs_open:
            ec2_snapshot._snaptui_ebs_open = False
            start_pending(ec2_snapshot)
        return "completed"

    def list_changed_blocks(
        self: Any, first_snapshot_id: str | None, second_snapshot_id: str
    ) -> tuple[dict[int, BlockTokens], Any]:
        first = _snapshot_or_error(self, first_snapshot_id) if first_snapshot_id else None
        second = _snapshot_or_error(self, second_snapshot_id)
        return changed_block_indexes(first, second), second

    def list_changed_blocks_response(self: Any) -> ActionResult:
        changed, snapshot = self.ebs_backend.list_changed_blocks(
            first_snapshot_id=self._get_param("FirstSnapshotId"),
            second_snapshot_id=self._get_param("SecondSnapshotId"),
        )
        indexes, token = _page(
            list(changed),
            self._get_param("MaxResults"),
            self._get_param("NextToken"),
            self._get_param("StartingBlockIndex"),
        )
        result: dict[str, Any] = {
            "ChangedBlocks": [
                {
                    "BlockIndex": index,
                    "FirstBlockToken": changed[index][0],
                    "SecondBlockToken": changed[index][1],
                }
                for index in indexes
            ],
            "ExpiryTime": _expiry(),
            "VolumeSize": snapshot.volume_size,
            "BlockSize": snapshot.block_size,
        }
        if token:
            result["NextToken"] = token
        return ActionResult(result)

    def list_snapshot_blocks_response(self: Any) -> ActionResult:
        snapshot = _snapshot_or_error(self.ebs_backend, self._get_param("SnapshotId"))
        indexes, token = _page(
            list(snapshot.blocks),
            self._get_param("MaxResults"),
            self._get_param("NextToken"),
            self._get_param("StartingBlockIndex"),
        )
        result: dict[str, Any] = {
            "Blocks": [
                {"BlockIndex": index, "BlockToken": snapshot.blocks[index].block_token}
                for index in indexes
            ],
            "ExpiryTime": _expiry(),
            "VolumeSize": snapshot.volume_size,
            "BlockSize": snapshot.block_size,
        }
        if token:
            result["NextToken"] = token
        return ActionResult(result)

    replace(EBSSnapshot, "__init__", snapshot_init)
    replace(EBSBackend, "start_snapshot", start_snapshot)
    replace(EBSBackend, "complete_snapshot", complete_snapshot)
    replace(EBSBackend, "list_changed_blocks", list_changed_blocks)
    replace(EBSResponse, "list_changed_blocks", list_changed_blocks_response)
    replace(EBSResponse, "list_snapshot_blocks", list_snapshot_blocks_response)
