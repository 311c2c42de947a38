"""Provides Actions: validate, permission-check and run the mutating actions of snaptui.

Every action runs the same steps:

1. **refuse in read-only mode** before anything at all is sent (ReadOnlyError);
2. **validate**: the pure checks of ``validation.py`` on the request, plus checks against a
   fresh read of what it acts on (ValidationError, or ActionBlockedError for a blocked delete);
3. (``preflight()``, called by the UI before confirming: a DryRun of the same call, reported
   as a Permission. It checks IAM only, never the parameters);
4. **the call**, tagged at creation with provenance tags, recorded in the audit log;
5. a frozen **result** with the created ids.

Use from the UI through AwsClient, whose ``run`` passes the service first::

    actions = Actions(AuditLog())
    request = await client.run(plan_restore, "snap-...", attach_to="i-...")
    permission = await client.run(actions.preflight, request)
    result = await client.run(actions.restore_volume, request)

Retries. Nothing is retried blindly. A call with a ClientToken (CreateVolume, RunInstances)
that fails ambiguously (timeout, reset, 5xx) is sent once more with the same token, which AWS
makes idempotent. A call without one (CreateSnapshot(s), CreateImage, RegisterImage,
CopySnapshot) is never re-sent: snaptui looks for what it would have created by its
``snaptui:request-id`` tag and returns that, or raises AmbiguousOutcomeError; running the same
request again later looks first too. Snapshot rate-limit refusals are retried only with a
``rate_limit_retry`` policy (15 s, 30 s, ... bounded).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from snaptui.aws.action_errors import (
    AmbiguousOutcomeError,
    RetryPolicy,
    explain,
    is_ambiguous,
    retry_snapshot_limits,
)
from snaptui.aws.action_requests import (
    ActionRequest,
    CopySnapshotRequest,
    CreateImageRequest,
    DeleteSnapshotRequest,
    DeregisterImageRequest,
    LaunchRequest,
    RegisterImageRequest,
    RestoreRequest,
    SnapshotRequest,
    SnapshotSetRequest,
)
from snaptui.aws.action_results import (
    CopyResult,
    DeleteResult,
    DeregisterResult,
    ImageResult,
    LaunchResult,
    Permission,
    RestoreResult,
    SetResult,
    SnapshotResult,
    VolumeOutcome,
)
from snaptui.aws.action_specs import CallSpec, build_spec
from snaptui.aws.audit import AuditError, AuditLog, AuditScope
from snaptui.aws.context import AwsContext, CallListener
from snaptui.aws.errors import (
    AccessDeniedError,
    AwsError,
    NotFoundError,
    ReadOnlyError,
    request_id_of,
    translate,
)
from snaptui.aws.lookups import find_images_by_request_id, find_snapshots_by_request_id, get_volume
from snaptui.aws.models import Identity, Instance, Volume
from snaptui.aws.provenance import REQUEST_ID_TAG, tag_list
from snaptui.aws.regions import other_region
from snaptui.aws.service import Ec2Service
from snaptui.aws.set_outcomes import member_tags, set_outcomes
from snaptui.aws.validation import ValidationError

__all__ = ["Actions", "permission_from_error"]

log = logging.getLogger(__name__)


def permission_from_error(error: BaseException, operation: str) -> Permission:
    """The verdict of a DryRun that raised ``error`` (botocore's ClientError or an AwsError).

    ``DryRunOperation`` means allowed; ``UnauthorizedOperation`` (any access-denied code)
    means not allowed, naming the missing IAM action when AWS or the operation tells it.
    Anything else is not a permission verdict and is raised as an AwsError.
    """
    if isinstance(error, ClientError):
        if (error.response.get("Error") or {}).get("Code") == "DryRunOperation":
            return _allowed(operation)
        error = translate(error, operation=operation, service="ec2")
    if isinstance(error, AccessDeniedError):
        return Permission(False, error.action, error.message)
    raise error


def _allowed(operation: str) -> Permission:
    return Permission(
        True,
        None,
        f"IAM allows {operation} (a DryRun checks permissions only: the real call can still "
        "fail on quotas, capacity or parameters)",
    )


def _subject(request: ActionRequest) -> str | None:
    for name in ("volume", "instance", "snapshot", "image"):
        model = getattr(request, name, None)
        if model is not None:
            return str(model.id)
    return None


def _retried(response: Mapping[str, Any]) -> bool:
    return int((response.get("ResponseMetadata") or {}).get("RetryAttempts") or 0) > 0


class Actions:
    """The mutating actions. One per app: it remembers requests whose outcome is unknown.

    ``audit`` records every mutating call (None: no audit, for tests and tools only).
    Methods take the Ec2Service first, so ``AwsClient.run(actions.method, request)`` works;
    they run on the service's loop.
    """

    def __init__(
        self,
        audit: AuditLog | None,
        *,
        rate_limit_retry: RetryPolicy | None = None,
        on_rate_limit_wait: Callable[[AwsError, float, int], None] | None = None,
        settle_delays: Sequence[float] = (2.0, 5.0),
        attach_wait: float = 120.0,
        poll_interval: float = 2.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        region_listeners: Sequence[CallListener] = (),
    ) -> None:
        self._audit = audit
        self._region_listeners = tuple(region_listeners)
        """Told the CallRecords of the short-lived other-region contexts (CopySnapshot)."""
        self._rate_limit_retry = rate_limit_retry
        self._on_rate_limit_wait = on_rate_limit_wait
        self._settle_delays = tuple(settle_delays)
        """Waits before looking again for an ambiguously created resource (eventual
        consistency: a new resource may not be listed at once)."""
        self._attach_wait = attach_wait
        self._poll_interval = poll_interval
        self._sleep = sleep
        self._clock = clock
        self._unknown_outcome: set[str] = set()
        """Request ids whose call failed ambiguously with nothing found yet."""
        self._first_sent: dict[str, datetime] = {}
        """When each request id was first sent: its ``snaptui:created-at``. Sending the same
        request again must send the same parameters, or AWS answers a reused ClientToken with
        IdempotentParameterMismatch once the clock has moved past a second."""

    # -- public: validation and permission -----------------------------------------------------

    async def validate(self, service: Ec2Service, request: ActionRequest) -> None:
        """Raise ValidationError (ActionBlockedError for a blocked delete) or return."""
        await self._spec(service, request)

    async def preflight(self, service: Ec2Service, request: ActionRequest) -> Permission:
        """Validate, then DryRun the request's main call: would IAM allow it?

        Raises ReadOnlyError in read-only mode (nothing is sent) and ValidationError for an
        invalid request. A restore checks CreateVolume only: AttachVolume cannot be dry-run
        before the volume exists.
        """
        spec = await self._spec(service, request)
        if spec.target_region:
            async with other_region(
                service.ctx, spec.target_region, listeners=self._region_listeners
            ) as ctx:
                return await self._dry_run(ctx, spec)
        return await self._dry_run(service.ctx, spec)

    async def _dry_run(self, ctx: AwsContext, spec: CallSpec) -> Permission:
        params = {k: v for k, v in spec.params.items() if k != "ClientToken"}
        try:
            await ctx.dry_run("ec2", spec.operation, **params)
        except AccessDeniedError as error:
            return permission_from_error(error, spec.operation)
        return _allowed(spec.operation)

    async def execute(self, service: Ec2Service, request: ActionRequest) -> Any:
        """Run whichever action ``request`` is for."""
        method = {
            SnapshotRequest: self.create_snapshot,
            SnapshotSetRequest: self.create_snapshot_set,
            RestoreRequest: self.restore_volume,
            CreateImageRequest: self.create_image,
            RegisterImageRequest: self.register_image,
            LaunchRequest: self.launch_instance,
            CopySnapshotRequest: self.copy_snapshot,
            DeleteSnapshotRequest: self.delete_snapshot,
            DeregisterImageRequest: self.deregister_image,
        }[type(request)]
        return await method(service, request)  # type: ignore[operator]

    # -- common steps --------------------------------------------------------------------------

    async def _begin(self, service: Ec2Service, request: ActionRequest) -> Identity:
        ctx = service.ctx
        if ctx.settings.read_only:
            raise ReadOnlyError(
                "ReadOnly",
                "snaptui is in read-only mode; nothing was sent",
                operation=request.OPERATION,
                resource=_subject(request),
                service="ec2",
            )
        if request.region != ctx.settings.region:
            raise ValidationError(
                [
                    f"this request was planned in {request.region} but snaptui is connected to "
                    f"{ctx.settings.region}: plan it again (or switch back to {request.region})"
                ]
            )
        return await service.identity()

    async def _spec(self, service: Ec2Service, request: ActionRequest) -> CallSpec:
        identity = await self._begin(service, request)
        scope = AuditScope.of(service.ctx.settings, identity)
        now = self._first_sent.setdefault(request.request_id, self._clock())
        return await build_spec(service, request, identity, scope, now)

    def _check_audit(self) -> None:
        if self._audit is not None:
            self._audit.check_writable()

    def _record(
        self,
        spec: CallSpec,
        operation: str,
        params: Mapping[str, Any],
        outcome: str,
        *,
        resource_ids: Sequence[str] = (),
        aws_request_id: str | None = None,
        message: str | None = None,
        recovered_from: str | None = None,
        client_token: str | None = None,
    ) -> None:
        if self._audit is None:
            return
        try:
            self._audit.record_call(
                spec.scope,
                operation=operation,
                params=params,
                outcome=outcome,
                resource_ids=resource_ids,
                aws_request_id=aws_request_id,
                snaptui_request_id=spec.request.request_id,
                client_token=client_token,
                message=message,
                recovered_from=recovered_from,
            )
        except AuditError:
            # The call already happened; hiding its result would be worse than a lost line.
            log.exception("could not record %s in the audit log", operation)

    async def _settle(
        self, find: Callable[[], Awaitable[Mapping[str, Any] | None]]
    ) -> Mapping[str, Any] | None:
        """Look for an ambiguously created resource now and after each settle delay."""
        for delay in (0.0, *self._settle_delays):
            if delay:
                await self._sleep(delay)
            try:
                found = await find()
            except AwsError as error:  # still cut off: cannot tell yet
                log.info("duplicate check failed: %s", error)
                continue
            if found is not None:
                return found
        return None

    async def _call(
        self,
        ctx: AwsContext,
        spec: CallSpec,
        operation: str,
        params: Mapping[str, Any],
        *,
        audit_params: Mapping[str, Any] | None = None,
        ids_of: Callable[[Mapping[str, Any]], list[str]] | None = None,
        recover: Callable[[], Awaitable[Mapping[str, Any] | None]] | None = None,
        client_token: str | None = None,
    ) -> tuple[Mapping[str, Any], str | None]:
        """One mutating call, audited. Returns (response, error code it recovered from).

        ``client_token``: an ambiguous failure is retried once with the same token.
        ``recover``: an ambiguous failure looks for the resource instead (see module doc).
        """
        audit_params = audit_params if audit_params is not None else spec.request.audit_params()
        ids_of = ids_of or spec.ids_of
        attempt = 0
        while True:
            attempt += 1
            try:
                response: Mapping[str, Any] = await ctx.call("ec2", operation, **params)
            except AwsError as error:
                if is_ambiguous(error) and client_token and attempt == 1:
                    self._record(
                        spec,
                        operation,
                        audit_params,
                        error.code,
                        aws_request_id=error.request_id,
                        client_token=client_token,
                        message=f"{error}; sending again with the same ClientToken",
                    )
                    continue
                if is_ambiguous(error) and recover is not None:
                    found = await self._settle(recover)
                    if found is not None:
                        self._record(
                            spec,
                            operation,
                            audit_params,
                            "ok",
                            resource_ids=ids_of(found),
                            aws_request_id=error.request_id,
                            recovered_from=error.code,
                            message=f"{error}; found by {REQUEST_ID_TAG}",
                        )
                        return found, error.code
                    self._unknown_outcome.add(spec.request.request_id)
                    self._record(
                        spec,
                        operation,
                        audit_params,
                        error.code,
                        aws_request_id=error.request_id,
                        message=f"{error}; outcome unknown",
                    )
                    raise AmbiguousOutcomeError(
                        "AmbiguousOutcome",
                        f"{operation} failed with {error.code}, which does not say whether AWS "
                        f"applied it, and nothing tagged {REQUEST_ID_TAG}="
                        f"{spec.request.request_id} is visible: look again in a minute before "
                        "trying again (running this same request again checks first)",
                        operation=operation,
                        resource=error.resource,
                        request_id=error.request_id,
                        service="ec2",
                    ) from error
                self._record(
                    spec,
                    operation,
                    audit_params,
                    error.code,
                    aws_request_id=error.request_id,
                    message=str(error),
                    client_token=client_token,
                )
                explained = explain(error)
                if explained is error:
                    raise
                raise explained from error
            self._record(
                spec,
                operation,
                audit_params,
                "ok",
                resource_ids=ids_of(response),
                aws_request_id=request_id_of(response),
                client_token=client_token,
            )
            return response, None

    async def _limited(self, call: Callable[[], Awaitable[Any]]) -> Any:
        """``call()`` with the optional snapshot rate-limit retry."""
        if self._rate_limit_retry is None:
            return await call()
        return await retry_snapshot_limits(
            call, self._rate_limit_retry, sleep=self._sleep, on_wait=self._on_rate_limit_wait
        )

    async def _create_once(
        self,
        ctx: AwsContext,
        spec: CallSpec,
        operation: str,
        recover: Callable[[], Awaitable[Mapping[str, Any] | None]],
        *,
        limited: bool = False,
    ) -> tuple[Mapping[str, Any], str | None]:
        """Send a creating call that has no ClientToken, unless an earlier attempt of the
        same request already created it. Returns (response, what it was recovered from).

        ``recover`` finds the resource by its request-id tag; it is asked first when an
        earlier attempt failed ambiguously, and by ``_call`` after an ambiguous failure.
        ``limited``: retry on the snapshot creation rate limits.
        """
        rid = spec.request.request_id
        if rid in self._unknown_outcome:
            earlier = await recover()
            if earlier is not None:
                self._unknown_outcome.discard(rid)
                return earlier, "earlier attempt"

        def send() -> Awaitable[tuple[Mapping[str, Any], str | None]]:
            return self._call(ctx, spec, operation, spec.params, recover=recover)

        response, recovered_from = await (self._limited(send) if limited else send())
        self._unknown_outcome.discard(rid)
        return response, recovered_from

    @staticmethod
    async def _duplicates(
        find: Callable[[], Awaitable[Sequence[Mapping[str, Any]]]],
        key: str,
        kept: str,
        response: Mapping[str, Any],
        recovered_from: str | None,
    ) -> tuple[str, ...]:
        """Ids of other resources tagged with the same request id, looked for only when the
        call was retried or recovered (when a duplicate could exist)."""
        if not (recovered_from or _retried(response)):
            return ()
        return tuple(str(item[key]) for item in await find() if item[key] != kept)

    # -- CreateSnapshot ------------------------------------------------------------------------

    async def _recover_snapshot(self, ctx: AwsContext, request_id: str) -> Mapping[str, Any] | None:
        found = await find_snapshots_by_request_id(ctx, request_id)
        return found[0] if found else None

    async def create_snapshot(
        self, service: Ec2Service, request: SnapshotRequest
    ) -> SnapshotResult:
        """CreateSnapshot of one volume, tagged with provenance and the volume's own tags."""
        spec = await self._spec(service, request)
        self._check_audit()
        ctx = service.ctx
        rid = request.request_id

        response, recovered_from = await self._create_once(
            ctx,
            spec,
            "CreateSnapshot",
            lambda: self._recover_snapshot(ctx, rid),
            limited=True,
        )
        snapshot_id = str(response["SnapshotId"])
        return SnapshotResult(
            snapshot_id=snapshot_id,
            volume_id=str(response.get("VolumeId") or request.volume.id),
            state=str(response.get("State") or "pending"),
            request_id=rid,
            aws_request_id=request_id_of(response),
            recovered=recovered_from is not None,
            duplicates=await self._duplicates(
                lambda: find_snapshots_by_request_id(ctx, rid),
                "SnapshotId",
                snapshot_id,
                response,
                recovered_from,
            ),
        )

    # -- CreateSnapshots -----------------------------------------------------------------------

    async def _recover_set(self, ctx: AwsContext, request_id: str) -> Mapping[str, Any] | None:
        found = await find_snapshots_by_request_id(ctx, request_id)
        return {"Snapshots": found} if found else None

    async def create_snapshot_set(
        self, service: Ec2Service, request: SnapshotSetRequest
    ) -> SetResult:
        """CreateSnapshots: all volumes of the instance at one instant, one outcome per volume.

        The set-level tags (provenance, set id, request id) go on at creation; each
        snapshot's own tags (source volume and device, Name, the volume's tags) follow with
        one CreateTags per snapshot, because TagSpecifications apply to every snapshot alike.
        CopyTagsFromSource is not used: it would also copy a restored volume's snaptui tags.
        """
        spec = await self._spec(service, request)
        self._check_audit()
        ctx = service.ctx
        rid = request.request_id
        response, recovered_from = await self._create_once(
            ctx, spec, "CreateSnapshots", lambda: self._recover_set(ctx, rid), limited=True
        )
        outcomes, unexpected = set_outcomes(request, spec.facts["instance"], response)
        tagged_outcomes = [await self._tag_set_member(ctx, spec, o) for o in outcomes]
        tagged_unexpected = [await self._tag_set_member(ctx, spec, o) for o in unexpected]
        return SetResult(
            set_id=request.set_id,
            instance_id=request.instance.id,
            request_id=rid,
            outcomes=tuple(tagged_outcomes),
            unexpected=tuple(tagged_unexpected),
            aws_request_id=request_id_of(response),
            recovered=recovered_from is not None,
        )

    async def _tag_set_member(
        self, ctx: AwsContext, spec: CallSpec, outcome: VolumeOutcome
    ) -> VolumeOutcome:
        if outcome.snapshot_id is None:
            return outcome
        tags = member_tags(
            outcome,
            spec.facts["instance"],
            spec.facts["volumes"].get(outcome.volume_id),
            spec.facts["set_tags"],
        )
        params = {"Resources": [outcome.snapshot_id], "Tags": tag_list(tags)}
        audit = {"snapshot_id": outcome.snapshot_id, "tag_keys": sorted(tags)}
        try:
            await self._call(
                ctx,
                spec,
                "CreateTags",
                params,
                audit_params=audit,
                ids_of=lambda _: [str(outcome.snapshot_id)],
            )
        except AwsError as error:
            return _replace_outcome(outcome, tags_error=str(error))
        return outcome

    # -- CreateVolume (+ AttachVolume) ---------------------------------------------------------

    async def restore_volume(self, service: Ec2Service, request: RestoreRequest) -> RestoreResult:
        """CreateVolume from the snapshot (ClientToken = request id), then AttachVolume if asked.

        Never modifies, detaches or deletes an existing volume. If the attach fails, the new
        volume is left in place and the result says why (``attach_error``).
        """
        spec = await self._spec(service, request)
        self._check_audit()
        ctx = service.ctx
        response, _ = await self._call(
            ctx, spec, "CreateVolume", spec.params, client_token=request.client_token
        )
        volume_id = str(response["VolumeId"])
        state = str(response.get("State") or "creating")
        base = RestoreResult(
            volume_id=volume_id,
            snapshot_id=request.snapshot.id,
            az=str(response.get("AvailabilityZone") or request.az),
            volume_type=str(response.get("VolumeType") or request.volume_type),
            size_gib=int(response.get("Size") or request.size_gib),
            state=state,
            request_id=request.request_id,
            aws_request_id=request_id_of(response),
        )
        target: Instance | None = spec.facts["target"]
        if target is None or not request.device:
            return base
        return await self._attach(ctx, spec, base, target, request.device)

    async def _attach(
        self, ctx: AwsContext, spec: CallSpec, base: RestoreResult, target: Instance, device: str
    ) -> RestoreResult:
        def done(error: str | None, state: str) -> RestoreResult:
            return _replace_restore(
                base,
                state=state,
                attached_to=None if error else target.id,
                device=device,
                attach_error=error,
            )

        volume = await self._wait_until_attachable(ctx, base.volume_id)
        if volume is None:
            return done(
                f"{base.volume_id} did not become available in time: attach it by hand", base.state
            )
        if volume.state == "in-use":
            mine = [a for a in volume.attachments if a.instance_id == target.id]
            if mine:  # the same request ran before (same ClientToken): already attached
                return _replace_restore(
                    base, state=volume.state, attached_to=target.id, device=mine[0].device
                )
            others = ", ".join(a.instance_id for a in volume.attachments)
            return done(f"{base.volume_id} is attached to {others}: not attached", volume.state)
        if volume.state != "available":
            return done(
                f"{base.volume_id} is {volume.state}: not attached (a volume that fails to "
                "create, e.g. for a KMS key problem, ends up deleted)",
                volume.state,
            )
        params = {"VolumeId": base.volume_id, "InstanceId": target.id, "Device": device}
        audit = {"volume_id": base.volume_id, "instance_id": target.id, "device": device}
        try:
            await self._call(
                ctx,
                spec,
                "AttachVolume",
                params,
                audit_params=audit,
                ids_of=lambda _: [base.volume_id],
            )
        except AwsError as error:
            return done(f"{base.volume_id} was created but not attached: {error}", volume.state)
        return done(None, "in-use")

    async def _wait_until_attachable(self, ctx: AwsContext, volume_id: str) -> Volume | None:
        """The volume once it is no longer ``creating`` (None after ``attach_wait`` seconds)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._attach_wait
        while True:
            try:
                volume = await get_volume(ctx, volume_id)
                if volume.state != "creating":
                    return volume
            except NotFoundError:
                pass  # eventual consistency right after CreateVolume
            if loop.time() >= deadline:
                return None
            await self._sleep(self._poll_interval)

    # -- CreateImage / RegisterImage -----------------------------------------------------------

    async def _recover_image(self, ctx: AwsContext, request_id: str) -> Mapping[str, Any] | None:
        found = await find_images_by_request_id(ctx, request_id)
        return found[0] if found else None

    async def _image_action(
        self, service: Ec2Service, request: ActionRequest, name: str
    ) -> ImageResult:
        spec = await self._spec(service, request)
        self._check_audit()
        ctx = service.ctx
        rid = request.request_id
        response, recovered_from = await self._create_once(
            ctx, spec, spec.operation, lambda: self._recover_image(ctx, rid)
        )
        image_id = str(response["ImageId"])
        return ImageResult(
            image_id=image_id,
            name=name,
            request_id=rid,
            aws_request_id=request_id_of(response),
            recovered=recovered_from is not None,
            duplicates=await self._duplicates(
                lambda: find_images_by_request_id(ctx, rid),
                "ImageId",
                image_id,
                response,
                recovered_from,
            ),
        )

    async def create_image(self, service: Ec2Service, request: CreateImageRequest) -> ImageResult:
        """CreateImage with an explicit NoReboot (``not request.reboot``); AMI and its
        snapshots tagged at creation."""
        return await self._image_action(service, request, request.name)

    async def register_image(
        self, service: Ec2Service, request: RegisterImageRequest
    ) -> ImageResult:
        """RegisterImage with the snapshot as root volume and every attribute sent explicitly."""
        return await self._image_action(service, request, request.name)

    # -- RunInstances --------------------------------------------------------------------------

    async def launch_instance(self, service: Ec2Service, request: LaunchRequest) -> LaunchResult:
        """RunInstances with ClientToken = request id, instance and volumes tagged."""
        spec = await self._spec(service, request)
        self._check_audit()
        response, _ = await self._call(
            service.ctx, spec, "RunInstances", spec.params, client_token=request.client_token
        )
        return LaunchResult(
            instance_ids=tuple(spec.ids_of(response)),
            reservation_id=response.get("ReservationId"),
            request_id=request.request_id,
            aws_request_id=request_id_of(response),
        )

    # -- CopySnapshot --------------------------------------------------------------------------

    async def copy_snapshot(self, service: Ec2Service, request: CopySnapshotRequest) -> CopyResult:
        """CopySnapshot, called in the target region through a short-lived context there."""
        spec = await self._spec(service, request)
        self._check_audit()
        rid = request.request_id
        async with other_region(
            service.ctx, request.target_region, listeners=self._region_listeners
        ) as target:
            response, recovered_from = await self._create_once(
                target, spec, "CopySnapshot", lambda: self._recover_snapshot(target, rid)
            )
            snapshot_id = str(response["SnapshotId"])
            duplicates = await self._duplicates(
                lambda: find_snapshots_by_request_id(target, rid),
                "SnapshotId",
                snapshot_id,
                response,
                recovered_from,
            )
        return CopyResult(
            snapshot_id=snapshot_id,
            source_snapshot_id=request.snapshot.id,
            source_region=request.region,
            target_region=request.target_region,
            request_id=rid,
            aws_request_id=request_id_of(response),
            recovered=recovered_from is not None,
            duplicates=duplicates,
        )

    # -- DeleteSnapshot / DeregisterImage ------------------------------------------------------

    async def delete_snapshot(
        self, service: Ec2Service, request: DeleteSnapshotRequest
    ) -> DeleteResult:
        """DeleteSnapshot after checking again (fresh) that nothing blocks it.

        Raises ActionBlockedError when an AMI uses the snapshot (checked from DescribeImages,
        since moto would not refuse) or AWS Backup owns it.
        """
        spec = await self._spec(service, request)
        self._check_audit()
        try:
            response, _ = await self._call(service.ctx, spec, "DeleteSnapshot", spec.params)
        except NotFoundError:  # deleted by someone else since the check: the goal is met
            return DeleteResult(request.snapshot.id, None, spec.facts["checks"], True)
        return DeleteResult(request.snapshot.id, request_id_of(response), spec.facts["checks"])

    async def deregister_image(
        self, service: Ec2Service, request: DeregisterImageRequest
    ) -> DeregisterResult:
        """DeregisterImage; its snapshots are kept (DeleteAssociatedSnapshots is never sent)."""
        spec = await self._spec(service, request)
        self._check_audit()
        response, _ = await self._call(service.ctx, spec, "DeregisterImage", spec.params)
        return DeregisterResult(
            image_id=request.image.id,
            kept_snapshot_ids=spec.facts["image"].snapshot_ids,
            aws_request_id=request_id_of(response),
        )


# ---------------------------------------------------------------------------------------------


def _replace_outcome(outcome: VolumeOutcome, **changes: Any) -> VolumeOutcome:
    return replace(outcome, **changes)


def _replace_restore(result: RestoreResult, **changes: Any) -> RestoreResult:
    return replace(result, **changes)
