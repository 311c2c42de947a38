"""The steps every mutating command shares: summary, DryRun preflight, decision, the action.

1. the request's summary (what will be created or deleted, where, what it costs) on stderr;
2. the permission preflight (a DryRun of the main call, after validation): a missing
   permission stops the command before anything is sent (exit code 3);
3. the decision in the audit log: the command line itself for creating commands
   (``confirmed_by: command line``), the typed id or ``--yes`` for destructive ones;
4. the action, through the actions layer (tagged, audited, never blindly retried).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from snaptui.cli import EXIT_AWS
from snaptui.commands._args import parse_tags, parse_timeout, require_plain_text
from snaptui.commands._confirm import record
from snaptui.commands._output import note, print_summary
from snaptui.commands._runner import Body, CommandError, Context, run_command

if TYPE_CHECKING:
    from snaptui.aws.action_requests import ActionRequest
    from snaptui.aws.action_results import Permission

__all__ = ["check_permission", "create", "preflight", "run_creating", "show"]


def run_creating(args: argparse.Namespace, body: Body) -> int:
    """The end of every creating command's ``run``, after its own id checks: no control
    characters in any text flag, ``--tag`` and ``--timeout`` parsed, then the body."""
    require_plain_text(args)
    args.tags = parse_tags(args.tag)
    args.timeout_seconds = parse_timeout(args.timeout)
    return run_command(args, body, mutating=True)


def show(request: ActionRequest) -> None:
    print_summary(f"{request.TITLE}:", request.summary())


async def preflight(ctx: Context, request: ActionRequest) -> Permission:
    """Validate and DryRun ``request``; print the verdict on stderr."""
    permission = await ctx.client.run(ctx.actions().preflight, request)
    verdict = "ok" if permission.allowed else "DENIED"
    note(f"permission check (DryRun {request.OPERATION}): {verdict}: {permission.message}")
    return permission


def check_permission(permission: Permission, request: ActionRequest) -> None:
    """Stop (exit 3) when the DryRun said IAM does not allow the call."""
    if permission.allowed:
        return
    missing = permission.missing_action or f"ec2:{request.OPERATION}"
    raise CommandError(
        f"error: UnauthorizedOperation: IAM does not allow {missing}; nothing was sent "
        "(see iam/ for the policies snaptui needs)",
        EXIT_AWS,
    )


async def create(ctx: Context, request: ActionRequest) -> Any:
    """Summary, preflight, decision and action for a command that creates something.

    The config's ``[tags]`` (and the profile's) go on it first, beneath ``--tag``, as in the
    TUI."""
    from snaptui.aws.action_requests import with_tags_under

    session = ctx.session
    request = with_tags_under(request, session.config.tags_for(session.settings.profile))
    show(request)
    check_permission(await preflight(ctx, request), request)
    await record(ctx, [request], "confirmed", "command line")
    result = await ctx.client.run(ctx.actions().execute, request)
    tell_recovery(request, result)
    return result


def tell_recovery(request: ActionRequest, result: Any) -> None:
    """Say so when the reply was lost and the result was found by its request-id tag, or when
    AWS applied the call more than once (what to clean up)."""
    from snaptui.aws.provenance import REQUEST_ID_TAG

    tag = f"{REQUEST_ID_TAG}={request.request_id}"
    if getattr(result, "recovered", False):
        note(
            f"the reply to {request.OPERATION} was lost; found what it made by its tag {tag}: "
            "nothing was created twice"
        )
    duplicates = list(getattr(result, "duplicates", ()) or ())
    if duplicates:
        note(
            f"warning: AWS applied {request.OPERATION} more than once: {', '.join(duplicates)} "
            f"also carry {tag}; delete the extra ones"
        )
