"""Keeps credentials out of every text snaptui writes: messages, the audit log, the debug log.

Two nets. Patterns catch what has a recognisable shape: access key ids, and the value after
any key that names a secret -- ``aws_secret_access_key = ...``, ``"SessionToken": "..."``,
botocore's debug dump of request headers (``'X-Amz-Security-Token': b'...'``,
``Authorization: AWS4-HMAC-SHA256 Credential=..., Signature=...``) and signed query strings.
Values with no shape (a secret key is 40 random characters) are caught because snaptui
remembers the credentials it resolves (``remember_secret``) and replaces them wherever they
appear.
"""

from __future__ import annotations

import re
import threading

__all__ = ["REDACTED", "forget_secrets", "redact", "remember_secret"]

REDACTED = "<redacted>"
_MIN_SECRET = 8
"""Shorter values are not remembered: replacing "demo" everywhere would mangle messages."""

_ACCESS_KEY_RE = re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|AGPA)[A-Z0-9]{12,}\b")
_SECRET_KV_RE = re.compile(
    r"(?i)\b(aws_secret_access_key|aws_session_token|aws_security_token|secret_?access_?key|"
    r"session_?token|security_?token|x-amz-security-token|x-amz-signature|x-amz-credential|"
    r"signature|credential|authorization|password|bearer_?token|x-amz-sso_bearer_token)"
    r"(['\"]?\s*[=:]\s*b?['\"]?)([^\s,;&'\"]+)"
)

_lock = threading.Lock()
_known: set[str] = set()


def remember_secret(*values: str | None) -> None:
    """Redact these exact values from now on (secret keys, session tokens)."""
    with _lock:
        _known.update(v for v in values if v and len(v) >= _MIN_SECRET)


def forget_secrets() -> None:
    """For tests: drop every remembered value."""
    with _lock:
        _known.clear()


def redact(text: str) -> str:
    """``text`` with access key ids, secrets, tokens and signatures replaced."""
    if _known:
        with _lock:
            known = sorted(_known, key=len, reverse=True)
        for value in known:
            if value in text:
                text = text.replace(value, REDACTED)
    text = _ACCESS_KEY_RE.sub("<access-key>", text)
    return _SECRET_KV_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
