"""The CLI's pure building blocks, in process: confirmation, progress, wait rules, errors."""

from __future__ import annotations

import io

import pytest

from snaptui.aws.action_errors import ActionBlockedError
from snaptui.aws.delete_checks import CheckLevel, DeleteCheck
from snaptui.aws.errors import NotFoundError, ReadOnlyError
from snaptui.aws.validation import ValidationError
from snaptui.aws.waiting import (
    NOT_FOUND_GRACE,
    Kind,
    Observation,
    Verdict,
    kind_of,
    parse_duration,
    poll_interval,
    verdict,
)
from snaptui.cli import EXIT_AWS, EXIT_FAILED, EXIT_REFUSED, EXIT_USAGE
from snaptui.commands._confirm import Declined, ask_typed_id
from snaptui.commands._progress import ProgressReporter
from snaptui.commands._runner import describe_failure


class Terminal(io.StringIO):
    """Typed input on a pretend terminal."""

    def isatty(self) -> bool:
        return True


# -- confirmation -------------------------------------------------------------------------------


def test_the_typed_id_confirms_and_anything_else_cancels():
    err = io.StringIO()
    how = ask_typed_id("snap-0123", "delete snap-0123", yes=False, stdin=Terminal("snap-0123\n"))
    assert how == "typed id"
    with pytest.raises(Declined) as declined:
        ask_typed_id("snap-0123", "delete snap-0123", yes=False, stdin=Terminal("y\n"), err=err)
    assert declined.value.code == EXIT_REFUSED
    assert "'y' is not snap-0123; nothing was changed" in str(declined.value)
    assert err.getvalue() == "Type snap-0123 to delete snap-0123 (anything else cancels): "
    with pytest.raises(Declined, match="nothing is not snap-0123"):
        ask_typed_id("snap-0123", "delete it", yes=False, stdin=Terminal(""), err=err)  # EOF


def test_without_a_terminal_only_yes_confirms():
    assert ask_typed_id("snap-0123", "delete it", yes=True, stdin=io.StringIO()) == "--yes"
    with pytest.raises(Declined, match="stdin is not a terminal: add --yes") as declined:
        ask_typed_id("snap-0123", "delete it", yes=False, stdin=io.StringIO("snap-0123\n"))
    assert declined.value.how == "no --yes without a terminal"


# -- progress -----------------------------------------------------------------------------------


def _snap(progress: int | None, state: str = "pending") -> Observation:
    result = verdict(Kind.SNAPSHOT, state)
    return Observation("snap-1", Kind.SNAPSHOT, state, progress, result)


def test_plain_progress_writes_a_line_per_change_and_a_heartbeat():
    out = io.StringIO()
    reporter = ProgressReporter(out, tty=False)
    for elapsed, progress in ((0, 10), (2, 12), (4, 25), (70, 25), (75, 25)):
        reporter.update([_snap(progress)], elapsed)
    reporter.update([_snap(100, "completed")], 80)
    reporter.finish()
    assert out.getvalue().splitlines() == [
        "snap-1 pending 10% (0:00)",
        "snap-1 pending 25% (0:04)",
        "still waiting for 1 of 1 (1:10)",
        "snap-1 completed (1:20)",
    ]


def test_terminal_progress_redraws_one_bar_in_place():
    out = io.StringIO()
    reporter = ProgressReporter(out, tty=True)
    reporter.update([_snap(50)], 3)
    reporter.update([_snap(100, "completed")], 9)
    reporter.finish()
    text = out.getvalue()
    assert text.startswith("waiting [############------------]  50%  0/1 done  0:03")
    assert "\r\x1b[2Ksnap-1 completed\nwaiting [########################] 100%  1/1 done" in text
    assert text.endswith("0:09\n")


# -- wait rules ---------------------------------------------------------------------------------


def test_wait_rules():
    assert kind_of("snap-0123") is Kind.SNAPSHOT and kind_of("i-0123") is Kind.INSTANCE
    assert kind_of("ami-0123") is Kind.IMAGE and kind_of("vol-0123") is Kind.VOLUME
    assert kind_of("subnet-0123") is None and kind_of("snap") is None
    assert verdict(Kind.SNAPSHOT, "completed") is Verdict.DONE
    assert verdict(Kind.SNAPSHOT, "error") is Verdict.FAILED
    assert verdict(Kind.VOLUME, "in-use") is Verdict.DONE
    assert verdict(Kind.VOLUME, "creating") is Verdict.WAITING
    assert verdict(Kind.IMAGE, "failed") is Verdict.FAILED
    assert verdict(Kind.INSTANCE, "stopped") is Verdict.FAILED
    assert verdict(Kind.INSTANCE, "pending") is Verdict.WAITING
    assert verdict(Kind.SNAPSHOT, None, missing_for=5) is Verdict.WAITING
    assert verdict(Kind.SNAPSHOT, None, missing_for=NOT_FOUND_GRACE) is Verdict.FAILED
    assert [poll_interval(s) for s in (0, 59, 60, 599, 600, 86400)] == [2, 2, 5, 5, 15, 15]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("90s", 90), ("30m", 1800), ("2h", 7200), ("1h30m", 5400), ("30d", 2592000),
     ("2w", 1209600), (" 1H 5M ", 3900), ("1.5h", 5400)],
)  # fmt: skip
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "10x", "m", "0", "-5m", "1h-"])
def test_bad_durations_say_what_is_accepted(text):
    with pytest.raises(ValueError, match="e.g. 90s, 30m, 2h"):
        parse_duration(text)


# -- failures -----------------------------------------------------------------------------------


def test_every_failure_becomes_one_line_and_an_exit_code():
    not_found = NotFoundError(
        "InvalidVolume.NotFound",
        "the volume does not exist",
        operation="DescribeVolumes",
        resource="vol-0123",
    )
    blocked = ActionBlockedError([DeleteCheck(CheckLevel.BLOCKED, "AMI ami-1 uses snap-1")])
    cases = {
        not_found: (EXIT_AWS, "error: InvalidVolume.NotFound: the volume does not exist"),
        ReadOnlyError("ReadOnly", "nothing was sent"): (EXIT_REFUSED, "refused: nothing was sent"),
        blocked: (EXIT_REFUSED, "refused: blocked: AMI ami-1 uses snap-1"),
        ValidationError(["size 5 is too small", "pick a zone"]): (
            EXIT_USAGE,
            "error: size 5 is too small; pick a zone",
        ),
        RuntimeError("boom\nsecond line"): (EXIT_FAILED, "unexpected RuntimeError: boom second"),
    }
    for error, (code, text) in cases.items():
        got_code, message = describe_failure(error)
        assert got_code == code and text in message and "\n" not in message
    assert "[vol-0123]" in describe_failure(not_found)[1]  # the resource, when not named
