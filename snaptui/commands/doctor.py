"""``snaptui doctor``: everything worth knowing before (or instead of) opening an issue.

Versions, where the files are, which profile/region/endpoint would be used and why, who the
credentials belong to, whether the clock agrees with AWS, what the terminal can show, and which
IAM actions of each feature tier are missing (DryRun). ``--json`` for scripts; ``--demo``
runs it against the embedded demo backend.

Exit codes: 0 when AWS answered GetCallerIdentity, 3 when it did not, 2 when the session
cannot even be resolved (no region, unknown profile). Missing permissions are information.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from snaptui import __version__, config, locations
from snaptui.commands.terminal_check import terminal_report

PACKAGES = ("textual", "rich", "aiobotocore", "botocore", "boto3", "aiohttp", "platformdirs")


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from snaptui.cli import add_session_flags

    doctor = subparsers.add_parser(
        "doctor",
        help="check versions, config, credentials, clock, terminal and IAM permissions",
        description="Report what snaptui would use and why, and what is missing. "
        "Example: snaptui doctor --profile prod; snaptui doctor --demo --json",
    )
    add_session_flags(doctor, in_command=True)
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report, code = collect(args)
    print(json.dumps(report, indent=2, default=str) if args.json else render(report))
    return code


# ---------------------------------------------------------------------------------------------
# Collecting.


def versions() -> dict[str, Any]:
    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "snaptui": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "packages": packages,
    }


def files(loaded: config.LoadedConfig) -> dict[str, Any]:
    aws_config = Path(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config").expanduser()
    aws_credentials = Path(
        os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
    ).expanduser()
    state_file = locations.state_file()
    from snaptui import state

    remembered = state.load(state_file)
    return {
        "config": {
            "path": str(loaded.path),
            "exists": loaded.path.exists(),
            "problems": list(loaded.problems),
        },
        "state": {
            "path": str(state_file),
            "exists": state_file.exists(),
            "remembered": remembered.to_toml(),
        },
        "log": str(locations.log_file()),
        "aws_config": {"path": str(aws_config), "exists": aws_config.exists()},
        "aws_credentials": {"path": str(aws_credentials), "exists": aws_credentials.exists()},
    }


def _read_only_source(args: argparse.Namespace, cfg: config.Config, profile: str | None) -> str:
    if getattr(args, "read_only", False):
        return "--read-only"
    if cfg.read_only:
        return "config.toml read_only"
    if cfg.profile_settings(profile).read_only:
        return f"config.toml [profiles.{profile or 'default'}] read_only"
    return "off"


def _credentials(profile: str | None, demo: bool) -> dict[str, Any]:
    from snaptui.aws.credentials import (
        CredentialKind,
        mfa_serial_of,
        profile_kind,
        sso_login_command,
        sso_token,
    )

    if demo:
        return {"kind": "demo keys", "hints": []}
    kind = profile_kind(profile)
    info: dict[str, Any] = {"kind": kind.value, "hints": []}
    hints: list[str] = info["hints"]
    if kind is CredentialKind.SSO:
        token = sso_token(profile)
        info["sso_token_expires"] = (
            token.expires_at.isoformat() if token and token.expires_at else None
        )
        if token is None or token.expired():
            hints.append("no valid SSO token: run `" + " ".join(sso_login_command(profile)) + "`")
    if kind is CredentialKind.MFA_ROLE:
        info["mfa_serial"] = mfa_serial_of(profile)
        hints.append(
            "the TUI asks for the MFA code in a dialog; the role's credentials last "
            "duration_seconds (1 h by default) and cannot refresh, so it asks again then"
        )
    if profile and os.environ.get("AWS_ACCESS_KEY_ID"):
        hints.append(
            "AWS_ACCESS_KEY_ID is set but not used: with a profile, botocore ignores "
            "credentials in the environment"
        )
    return info


async def _aws(session: Any, args: argparse.Namespace) -> dict[str, Any]:
    from snaptui.aws.clock_skew import AWS_TOLERANCE, WARN_AFTER, ClockSkewMonitor, describe_offset
    from snaptui.aws.context import AwsContext
    from snaptui.aws.errors import AwsError
    from snaptui.aws.permission_checks import check_tiers

    settings = session.settings
    out: dict[str, Any] = {}
    monitor = ClockSkewMonitor()
    try:
        async with AwsContext(settings, prepare_session=monitor.install) as ctx:
            response = await ctx.call("sts", "GetCallerIdentity")
            out["identity"] = {
                "ok": True,
                "account": response.get("Account"),
                "arn": response.get("Arn"),
            }
            tiers = await check_tiers(ctx, skip_dry_run=settings.read_only)
    except AwsError as exc:
        out["identity"] = {"ok": False, "error": str(exc)}
        tiers = []
    if monitor.offset is None:
        out["clock"] = {"offset_seconds": None, "status": "unknown"}
    else:
        offset = monitor.offset
        status = "ok" if abs(offset) < WARN_AFTER else "warning"
        status = "error" if abs(offset) >= AWS_TOLERANCE else status
        out["clock"] = {
            "offset_seconds": round(offset, 1),
            "status": status,
            "message": describe_offset(offset),
        }
    out["permissions"] = {
        "dry_run": "skipped: this session is read-only, which refuses DryRun calls too"
        if settings.read_only
        else "done",
        "tiers": [
            {
                "name": t.tier.name,
                "policy": f"iam/{t.tier.policy_file}",
                "ok": t.ok,
                "missing": t.missing,
                "checks": [
                    {"action": c.action, "status": c.status, "detail": c.detail} for c in t.checks
                ],
            }
            for t in tiers
        ],
    }
    return out


def _session_section(args: argparse.Namespace, session: Any, cfg: config.Config) -> dict[str, Any]:
    from snaptui.aws.resolve import resolve_endpoint

    settings = session.settings
    if session.demo:
        profile = {"value": "demo", "source": "--demo (built-in demo keys)"}
        region_source = "--region" if getattr(args, "region", None) else "--demo default"
        region = {"value": settings.region, "source": region_source}
        endpoint = {"value": settings.endpoint_url, "source": "--demo"}
    else:
        resolved_profile = config.resolve_profile(getattr(args, "profile", None), cfg)
        resolved_region = config.resolve_region(
            getattr(args, "region", None), resolved_profile.value, cfg
        )
        resolved_endpoint = resolve_endpoint(getattr(args, "endpoint_url", None))
        profile = {"value": resolved_profile.value, "source": resolved_profile.source}
        region = {"value": resolved_region.value, "source": resolved_region.source}
        endpoint = {
            "value": resolved_endpoint.value or "AWS",
            "source": resolved_endpoint.source if resolved_endpoint.value else "default",
        }
    return {
        "profile": profile,
        "region": region,
        "endpoint": endpoint,
        "read_only": {
            "value": settings.read_only,
            "source": "--read-only"
            if session.demo and settings.read_only
            else _read_only_source(args, cfg, settings.profile),
        },
        "credentials": _credentials(settings.profile, session.demo),
    }


def collect(args: argparse.Namespace) -> tuple[dict[str, Any], int]:
    """The whole report, and the exit code."""
    from snaptui.cli import EXIT_AWS, EXIT_OK, EXIT_USAGE, UsageError, open_session
    from snaptui.demo.backend import DemoError

    loaded = config.load()
    report: dict[str, Any] = {
        "versions": versions(),
        "files": files(loaded),
        "terminal": terminal_report(),
    }
    code = EXIT_OK
    try:
        with open_session(args, quiet=True) as session:
            report["session"] = _session_section(args, session, loaded.config)
            report.update(asyncio.run(_aws(session, args)))
    except UsageError as exc:
        report["session"] = {"error": str(exc)}
        return report, EXIT_USAGE
    except DemoError as exc:
        report["session"] = {"error": str(exc)}
        return report, EXIT_AWS
    if not report.get("identity", {}).get("ok"):
        code = EXIT_AWS
    return report, code


# ---------------------------------------------------------------------------------------------
# Text output.

_MARK = {"allowed": "ok", "missing": "MISSING", "unverified": "?", "skipped": "skipped"}


def _line(label: str, value: object, note: str = "") -> str:
    text = f"  {label:<19}{value}"
    return f"{text}  ({note})" if note else text


def render(report: dict[str, Any]) -> str:
    lines: list[str] = ["snaptui doctor", ""]
    v = report["versions"]
    lines.append("Versions")
    lines.append(_line("snaptui", v["snaptui"]))
    lines.append(_line("python", v["python"], v["platform"]))
    for name, version in v["packages"].items():
        lines.append(_line(name, version or "not installed"))

    f = report["files"]
    lines += ["", "Files"]
    cfg = f["config"]
    lines.append(_line("config", cfg["path"], "exists" if cfg["exists"] else "none: defaults"))
    lines += [f"    problem: {p}" for p in cfg["problems"]]
    lines.append(_line("state", f["state"]["path"], "exists" if f["state"]["exists"] else "none"))
    lines.append(_line("log", f["log"]))
    for key, label in (("aws_config", "aws config"), ("aws_credentials", "aws creds")):
        lines.append(_line(label, f[key]["path"], "exists" if f[key]["exists"] else "missing"))

    s = report.get("session", {})
    lines += ["", "AWS session"]
    if "error" in s:
        lines.append(f"  error: {s['error']}")
    else:
        for key in ("profile", "region", "endpoint"):
            item = s[key]
            lines.append(_line(key, item["value"] or "(default chain)", f"from {item['source']}"))
        ro = s["read_only"]
        lines.append(_line("read-only", "yes" if ro["value"] else "no", ro["source"]))
        creds = s["credentials"]
        lines.append(_line("credentials", creds["kind"]))
        if creds.get("mfa_serial"):
            lines.append(_line("mfa serial", creds["mfa_serial"]))
        if "sso_token_expires" in creds:
            lines.append(_line("sso token", creds["sso_token_expires"] or "none", "expires"))
        lines += [f"    hint: {h}" for h in creds["hints"]]
    identity = report.get("identity")
    if identity:
        if identity["ok"]:
            lines.append(_line("identity", f"{identity['account']} {identity['arn']}"))
        else:
            lines.append(_line("identity", "FAILED", identity["error"]))
    clock = report.get("clock")
    if clock and clock["offset_seconds"] is not None:
        lines.append(_line("clock", f"{clock['offset_seconds']:+.0f} s vs AWS", clock["status"]))
        if clock["status"] != "ok":
            lines.append(f"    hint: {clock['message']}; fix the time sync (timedatectl, chronyc)")

    t = report["terminal"]
    lines += ["", "Terminal"]
    for key in ("term", "colorterm", "colors", "size", "encoding", "locale", "ssh", "multiplexer"):
        lines.append(_line(key, t.get(key) if t.get(key) not in (None, "") else "-"))
    lines += [f"    hint: {h}" for h in t["hints"]]

    p = report.get("permissions")
    if p:
        lines += ["", "Permissions (IAM)"]
        if p["dry_run"] != "done":
            lines.append(f"  DryRun checks {p['dry_run']}")
        for tier in p["tiers"]:
            problems = [c for c in tier["checks"] if c["status"] != "allowed"]
            if tier["ok"]:
                summary = "ok"
            elif all(c["status"] == "skipped" for c in problems):
                summary = f"not checked ({len(problems)} DryRun checks skipped: read-only)"
            else:
                summary = ", ".join(f"{c['action']} {_MARK[c['status']]}" for c in problems)
            lines.append(_line(tier["name"], summary, tier["policy"]))
    return "\n".join(lines)
