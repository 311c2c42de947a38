"""The status line above the footer: what is loading, what is pending, when the next poll is.

The short state comes first and the latest error after it: a long error is cut at the
screen's edge, never the "paused" or "backing off" a user needs to see (the error's code
and operation lead it, and its whole text was a toast).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from rich.text import Text

from snaptui.ui.polling import PollSchedule


def jobs_text(
    *,
    pending: int,
    loading: Mapping[str, int],
    poll: PollSchedule,
    polling: bool,
    error: str | None = None,
) -> Text:
    text = Text(" ")
    for kind, count in loading.items():
        text.append(f"loading {kind}", style="yellow")
        text.append(f" {count:,}  " if count else "…  ")
    if pending:
        text.append(f"{pending} pending", style="bold yellow")
        if poll.paused:
            text.append(" · live refresh paused (p resumes)", style="bold")
        elif polling:
            text.append(" · refreshing…")
        else:
            wait = poll.seconds_until_next(time.monotonic())
            text.append(f" · next refresh in {wait:.0f}s")
            if poll.failures:
                why = f"{poll.reason}; " if poll.reason else ""
                text.append(f" ({why}backing off: every {poll.interval:.0f}s)", style="red")
    elif not loading and not error:
        text.append("nothing in flight", style="dim")
        if poll.paused:
            text.append(" · live refresh paused (p resumes)", style="bold")
    if error:
        if text.plain.strip():
            text.append("  ")
        text.append(error, style="bold red")
    return text
