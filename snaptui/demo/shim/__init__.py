"""A small, versioned shim over moto 5.2.5: class-level monkeypatches that make moto answer like
AWS where snaptui's demo and tests depend on it. Each patch lives in its own module with a
docstring saying why. Apply it in the process that runs the moto server, before serving.

moto's internals change between releases, so ``apply()`` refuses any other moto version.
"""

from __future__ import annotations

import threading

from ._patching import PATCHES, Patch, ShimError
from .pending_snapshots import SNAPSHOT_MODEL

MOTO_VERSION = "5.2.5"

__all__ = [
    "MOTO_VERSION",
    "SNAPSHOT_MODEL",
    "ShimError",
    "apply",
    "force_snapshot_state",
    "patches",
    "reset_snapshot_transition",
]

_lock = threading.Lock()


def _check_version() -> None:
    try:
        import moto
    except ImportError as error:
        raise ShimError(
            "moto is not installed: install the demo extra: pip install 'snaptui[demo]'"
        ) from error
    if moto.__version__ != MOTO_VERSION:
        raise ShimError(
            f"snaptui's demo shim is written for moto {MOTO_VERSION}, found {moto.__version__}: "
            "update snaptui/demo/shim/"
        )


def apply() -> None:
    """Install every patch (idempotent). Raises ShimError for any moto but 5.2.5."""
    _check_version()
    from .ami_snapshots import apply_ami_snapshots
    from .client_tokens import apply_client_tokens
    from .ebs_direct import apply_ebs_direct
    from .fast_tags import apply_fast_tags
    from .paging import apply_snapshot_paging, apply_volume_paging
    from .pending_snapshots import apply_pending_snapshots
    from .snapshot_copy import apply_copy_volume_id
    from .snapshot_sets import apply_snapshot_set_exclusions

    with _lock:
        apply_fast_tags()
        apply_snapshot_paging()
        apply_volume_paging()
        apply_pending_snapshots()
        apply_ebs_direct()
        apply_copy_volume_id()
        apply_ami_snapshots()
        apply_snapshot_set_exclusions()
        apply_client_tokens()


def patches() -> list[Patch]:
    """What the shim replaced or added (for tests that check it really took effect)."""
    return list(PATCHES.values())


def reset_snapshot_transition() -> None:
    """Back to the default ``immediate`` transition (custom ones survive /moto-api/reset)."""
    from moto.moto_api import state_manager

    state_manager.unset_transition(SNAPSHOT_MODEL)


def force_snapshot_state(
    snapshot_id: str,
    state: str,
    *,
    region: str = "us-east-1",
    account_id: str = "123456789012",
) -> None:
    """Put a snapshot in ``state`` (e.g. ``error``) in this process's moto backend."""
    from moto.ec2.models import ec2_backends

    from .pending_snapshots import force_state

    force_state(ec2_backends[account_id][region].get_snapshot(snapshot_id), state)
