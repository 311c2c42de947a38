"""Patch 4: EC2 snapshots go pending -> completed through moto's own state manager."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ._patching import add, replace

SNAPSHOT_MODEL = "ec2::snapshot"
TRANSITIONS = [("pending", "completed")]
DEFAULT_TRANSITION = {"progression": "immediate"}
STATES = ("pending", "completed", "error", "recoverable", "recovering")


def _elapsed_fraction(snapshot: Any, transition: dict[str, Any]) -> float:
    """How far a pending snapshot is along its transition, 0..1."""
    progression = transition.get("progression")
    if progression == "manual":
        times = max(int(transition.get("times", 1)), 1)
        return snapshot._tick / times
    if progression == "time":
        seconds = snapshot._snaptui_seconds or float(transition.get("seconds", 1)) or 1.0
        return (datetime.now() - snapshot._time_progressed).total_seconds() / seconds
    return 1.0


def _status(self: Any) -> str | None:
    """State of the snapshot, moved along by the ``ec2::snapshot`` transition when read.

    Same rules as ``ManagedState.status``, plus two demo needs: an EBS-direct snapshot stays
    pending until CompleteSnapshot, and a seeded snapshot may carry its own duration.
    """
    from moto.moto_api import state_manager

    if self._snaptui_ebs_open:
        return "pending"
    if self._status == "pending":
        transition = state_manager.get_transition(self.model_name)
        progression = transition.get("progression")
        if progression == "immediate":
            self._status = self._get_last_status(previous=self._status)
        elif progression == "manual":
            if self._tick >= int(transition.get("times", 1)):
                self._status = self._get_next_status(previous=self._status)
                self._tick = 0
        elif progression == "time" and _elapsed_fraction(self, transition) >= 1.0:
            self._status = self._get_next_status(previous=self._status)
            self._time_progressed = datetime.now()
    return self._status


def _set_status(self: Any, value: str) -> None:
    self._status = value


def _progress(self: Any) -> str:
    """``Progress`` derived from the transition: ``"45%"`` while pending, ``"100%"`` when done."""
    from moto.moto_api import state_manager

    status = self.status
    if status == "completed":
        return "100%"
    if status != "pending":
        return self._snaptui_frozen_progress
    if self._snaptui_ebs_open:
        return "0%"
    fraction = _elapsed_fraction(self, state_manager.get_transition(self.model_name))
    return f"{min(max(int(fraction * 100), 0), 99)}%"


def apply_pending_snapshots() -> None:
    """Make ``Snapshot`` a ManagedState model named ``ec2::snapshot`` (pending -> completed).

    Stock moto hard-codes ``completed``/``100%``, so no client ever sees a pending snapshot. The
    default transition is ``immediate`` (stock behaviour); opt in with moto's documented API, e.g.
    ``POST /moto-api/state-manager/set-transition`` with
    ``{"model_name": "ec2::snapshot", "transition": {"progression": "time", "seconds": 30}}``.
    ManagedState's ``_get_next_status``/``_get_last_status`` must be attached as well: without them
    the property raises AttributeError and moto's serializer silently drops State and Progress.
    Snapshots owned by other accounts (Amazon's AMIs) start completed. ``state`` aliases
    ``status`` because CreateSnapshots' SnapshotInfo names the field ``state`` (stock: missing).
    """
    from moto.ec2.models.elastic_block_store import Snapshot
    from moto.moto_api import state_manager
    from moto.moto_api._internal.managed_state_model import ManagedState

    original_init = Snapshot.__dict__["__init__"]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        ManagedState.__init__(self, SNAPSHOT_MODEL, TRANSITIONS)
        self._snaptui_ebs_open = False
        self._snaptui_seconds: float | None = None
        self._snaptui_frozen_progress = "0%"
        if self.owner_id != self.ec2_backend.account_id:
            self._status = "completed"

    replace(Snapshot, "__init__", __init__)
    replace(Snapshot, "progress", property(_progress))
    add(Snapshot, "status", property(_status, _set_status))
    add(Snapshot, "state", property(_status))
    add(Snapshot, "advance", ManagedState.advance)
    add(Snapshot, "_get_next_status", ManagedState._get_next_status)
    add(Snapshot, "_get_last_status", ManagedState._get_last_status)
    state_manager.register_default_transition(SNAPSHOT_MODEL, DEFAULT_TRANSITION)


def pin_completed(snapshot: Any) -> None:
    """Seeded history: completed whatever the transition says later."""
    snapshot._snaptui_ebs_open = False
    snapshot._status = "completed"


def start_pending(snapshot: Any, *, seconds: float | None = None, elapsed: float = 0.0) -> None:
    """Restart the snapshot's pending phase; ``seconds`` overrides the transition's duration under
    ``time`` progression and ``elapsed`` pretends it started that many seconds ago."""
    from datetime import timedelta

    snapshot._status = "pending"
    snapshot._tick = 0
    snapshot._snaptui_seconds = seconds
    snapshot._time_progressed = datetime.now() - timedelta(seconds=elapsed)


def force_state(snapshot: Any, state: str, *, progress: str | None = None) -> None:
    """Put a snapshot in ``state`` (``error`` for error rows). Its Progress freezes at
    ``progress`` if given, else where it was."""
    if state not in STATES:
        raise ValueError(f"unknown snapshot state {state!r}; expected one of {', '.join(STATES)}")
    if state == "pending":
        start_pending(snapshot)
        return
    snapshot._snaptui_frozen_progress = progress or snapshot.progress
    snapshot._snaptui_ebs_open = False
    snapshot._status = state
