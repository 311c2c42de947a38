"""Where snaptui logs, and the filter that keeps credentials out of every log line.

The log goes to a file (``snaptui.log`` in the state directory), never to the terminal, which
belongs to the UI. ``--debug`` (or ``SNAPTUI_DEBUG=1``) adds botocore's wire-level DEBUG
records -- request headers included, which carry ``Authorization`` and
``X-Amz-Security-Token``. Every record is redacted once, as it is created (a log-record
factory), so every handler sees it clean -- also one a library adds later; snaptui's own
handlers carry ``RedactingFilter`` besides, which redacts whatever reaches them by another
path. Both rewrite the message, its arguments and any traceback text through
``snaptui.aws.redaction.redact``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from snaptui import locations
from snaptui.aws.redaction import redact

__all__ = ["RedactingFilter", "debug_requested", "setup_logging"]

NOISY = ("botocore", "aiobotocore", "urllib3", "werkzeug", "moto", "asyncio")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Rewrite a record in place: message with its arguments, traceback, stack."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: log what there is rather than nothing
        message = f"{record.msg!r} {record.args!r}"
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactingFilter(logging.Filter):
    """Redacts a record in place; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


class _RedactingFactory:
    """Wraps the log-record factory so that every record is born redacted."""

    def __init__(self, base: Callable[..., logging.LogRecord]) -> None:
        self.base = base

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(self.base(*args, **kwargs))


def debug_requested(flag: bool = False) -> bool:
    return flag or os.environ.get("SNAPTUI_DEBUG", "").lower() in ("1", "true", "yes")


def setup_logging(*, debug: bool = False, path: Path | None = None) -> Path | None:
    """Log to ``path`` (default: the state directory's snaptui.log); returns the file used.

    Without ``debug``: INFO from snaptui, WARNING from the libraries. With it: DEBUG from
    everything except moto and werkzeug (the demo backend's own chatter).
    """
    handler: logging.Handler
    try:
        path = path or locations.log_file()
        handler = logging.FileHandler(path, encoding="utf-8")
        os.chmod(path, 0o600)
    except OSError:
        handler, path = logging.NullHandler(), None
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for noisy in NOISY:
        quiet = noisy in ("moto", "werkzeug") or not debug
        logging.getLogger(noisy).setLevel(logging.WARNING if quiet else logging.DEBUG)
    install_filter(root)
    if not isinstance(logging.getLogRecordFactory(), _RedactingFactory):
        logging.setLogRecordFactory(_RedactingFactory(logging.getLogRecordFactory()))
    logging.captureWarnings(True)
    return path


def install_filter(logger: logging.Logger) -> None:
    """Put one RedactingFilter on every handler of ``logger`` (and on the last resort)."""
    handlers = [*logger.handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
