"""Patch 9: ClientToken idempotency for CreateVolume and RunInstances."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ._patching import replace

TOKENS = "_snaptui_client_tokens"
_IGNORED = ("ClientToken", "DryRun")


def _fingerprint(params: dict[str, Any]) -> str:
    body = {k: v for k, v in params.items() if k not in _IGNORED}
    return json.dumps(body, sort_keys=True, default=str)


def _idempotent(
    operation: str,
    original: Callable[[Any], Any],
    id_of: Callable[[Any], str],
    lookup: Callable[[Any, str], Any],
) -> Callable[[Any], Any]:
    def handler(self: Any) -> Any:
        from moto.core.responses import ActionResult
        from moto.ec2.exceptions import EC2ClientError

        token = self._get_param("ClientToken")
        if not token or self._get_param("DryRun"):
            return original(self)
        backend = self.ec2_backend
        seen: dict[tuple[str, str], tuple[str, str]] = backend.__dict__.setdefault(TOKENS, {})
        fingerprint = _fingerprint(self.params)
        earlier = seen.get((operation, token))
        if earlier is not None:
            if earlier[0] != fingerprint:
                raise EC2ClientError(
                    "IdempotentParameterMismatch",
                    f"The client token {token} was used before with different parameters.",
                )
            found = lookup(backend, earlier[1])
            if found is not None:
                return ActionResult(found)
        result = original(self)
        seen[(operation, token)] = (fingerprint, id_of(result.result))
        return result

    return handler


def apply_client_tokens() -> None:
    """Stock moto creates a new volume or reservation for every call, whatever its
    ClientToken. AWS returns the first result again for the same token and parameters, and
    answers ``IdempotentParameterMismatch`` for the same token with other parameters; snaptui
    relies on that to retry CreateVolume/RunInstances safely after a timeout. Tokens live on
    the region's backend, so ``/moto-api/reset`` forgets them."""
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore
    from moto.ec2.responses.instances import InstanceResponse

    replace(
        ElasticBlockStore,
        "create_volume",
        _idempotent(
            "CreateVolume",
            ElasticBlockStore.__dict__["create_volume"],
            lambda volume: volume.id,
            lambda backend, volume_id: backend.volumes.get(volume_id),
        ),
    )
    replace(
        InstanceResponse,
        "run_instances",
        _idempotent(
            "RunInstances",
            InstanceResponse.__dict__["run_instances"],
            lambda reservation: reservation.id,
            lambda backend, reservation_id: backend.reservations.get(reservation_id),
        ),
    )
