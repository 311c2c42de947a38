"""Confirmation of destructive commands: the typed id on a terminal, ``--yes`` otherwise.

Following the AWS console's "delete with additional confirmation": the user types the
resource id itself (not "y"), so a stray Enter or a pasted command line never deletes. When
stdin is not a terminal (a pipeline, cron, ``ssh host cmd``), nobody can type: the command
refuses unless ``--yes`` was given, and nothing is changed. The answer and how it was given
go to the audit log (``record``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from snaptui.cli import EXIT_REFUSED
from snaptui.commands._runner import CommandError, Context

if TYPE_CHECKING:
    from snaptui.aws.action_requests import ActionRequest

__all__ = ["Declined", "ask_typed_id", "confirm", "record"]


class Declined(CommandError):
    """The user did not confirm (or could not be asked): nothing was changed."""

    def __init__(self, message: str, how: str) -> None:
        super().__init__(message, EXIT_REFUSED)
        self.how = how


def ask_typed_id(
    expected: str,
    action: str,
    *,
    yes: bool,
    stdin: TextIO | None = None,
    err: TextIO | None = None,
) -> str:
    """How the action was confirmed (``--yes`` or ``typed id``); raises Declined otherwise.

    ``action`` completes "to ...", e.g. ``delete snap-0123``.
    """
    if yes:
        return "--yes"
    stdin = stdin or sys.stdin
    err = err or sys.stderr
    if not stdin.isatty():
        raise Declined(
            f"refused: {action} needs a confirmation and stdin is not a terminal: "
            "add --yes to confirm non-interactively; nothing was changed",
            "no --yes without a terminal",
        )
    err.write(f"Type {expected} to {action} (anything else cancels): ")
    err.flush()
    answer = stdin.readline()
    if answer.strip() != expected:
        got = "nothing" if not answer.strip() else repr(answer.strip())
        raise Declined(
            f"refused: cancelled: {got} is not {expected}; nothing was changed",
            "typed id did not match",
        )
    return "typed id"


async def record(ctx: Context, requests: Sequence[ActionRequest], decision: str, how: str) -> None:
    """One decision record per request: ``confirmed``/``cancelled`` and how it was given."""
    scope = await ctx.scope()
    for request in requests:
        ctx.audit.record_decision(
            scope,
            operation=request.OPERATION,
            decision=decision,  # type: ignore[arg-type]
            params={**request.audit_params(), "confirmed_by": how, "via": "cli"},
            snaptui_request_id=request.request_id,
        )


async def confirm(
    ctx: Context,
    requests: Sequence[ActionRequest],
    *,
    expected: str,
    action: str,
    yes: bool,
) -> str:
    """Ask (or take ``--yes``), record the decision for every request, raise Declined on no."""
    try:
        how = ask_typed_id(expected, action, yes=yes)
    except Declined as declined:
        await record(ctx, requests, "cancelled", declined.how)
        raise
    await record(ctx, requests, "confirmed", how)
    return how
