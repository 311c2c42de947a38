"""``snaptui doctor``: text and JSON, against the demo backend and against moto on loopback."""

from __future__ import annotations

import json
import subprocess

import pytest

from snaptui.aws.permission_tiers import TIERS
from snaptui.cli import EXIT_OK, EXIT_USAGE, main
from snaptui.commands.terminal_check import terminal_report
from tests.cli_process import run_snaptui
from tests.ui.auth_fakes import ExpiringEndpoint


def run_doctor(*args: str) -> subprocess.CompletedProcess[str]:
    return run_snaptui("doctor", *args, timeout=120)


def test_demo_text_report():
    result = run_doctor("--demo")
    assert result.returncode == EXIT_OK, result.stderr
    out = result.stdout
    for heading in ("Versions", "Files", "AWS session", "Terminal", "Permissions (IAM)"):
        assert heading in out
    assert "textual" in out and "aiobotocore" in out
    assert "identity" in out and "123456789012" in out
    assert "from --demo" in out
    for tier in TIERS:
        assert f"{tier.name}" in out and tier.policy_file in out
    assert "MISSING" not in out and "Traceback" not in result.stderr


def test_demo_json_report():
    result = run_doctor("--demo", "--json")
    assert result.returncode == EXIT_OK, result.stderr
    report = json.loads(result.stdout)
    assert report["identity"]["ok"] and report["identity"]["account"] == "123456789012"
    assert report["session"]["endpoint"]["source"] == "--demo"
    assert report["session"]["region"]["value"] == "us-east-1"
    assert report["clock"]["status"] == "ok"
    assert report["files"]["config"]["path"].endswith("config.toml")
    assert report["terminal"]["colors"]
    tiers = {t["name"]: t for t in report["permissions"]["tiers"]}
    assert set(tiers) == {t.name for t in TIERS}
    assert all(t["ok"] and not t["missing"] for t in tiers.values())
    assert report["permissions"]["dry_run"] == "done"


def test_read_only_skips_dry_run_and_says_so():
    result = run_doctor("--demo", "--read-only", "--json")
    assert result.returncode == EXIT_OK, result.stderr
    report = json.loads(result.stdout)
    permissions = report["permissions"]
    assert permissions["dry_run"].startswith("skipped: this session is read-only")
    tiers = {t["name"]: t for t in permissions["tiers"]}
    assert tiers["read-only"]["ok"] and tiers["compare"]["ok"]
    operator = tiers["snapshot-operator"]
    assert {c["status"] for c in operator["checks"]} == {"skipped"}
    assert operator["missing"] == []  # skipped is not missing
    assert report["session"]["read_only"] == {"value": True, "source": "--read-only"}

    text = run_doctor("--demo", "--read-only").stdout
    assert "DryRun checks skipped" in text and "MISSING" not in text


@pytest.fixture
def dev_profile(tmp_path, monkeypatch):
    path = tmp_path / "aws-config"
    path.write_text(
        "[profile dev]\nregion = us-west-2\naws_access_key_id = AKIADEVFAKE000000000\n"
        "aws_secret_access_key = dev-secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))


def test_sources_and_missing_actions_against_moto(moto, dev_profile, capsys, monkeypatch):
    from snaptui.demo.seed import seed

    monkeypatch.delenv("AWS_DEFAULT_REGION")

    seed("small")
    with ExpiringEndpoint(moto) as proxy:
        proxy.denied = {"DeleteSnapshot", "RunInstances"}
        code = main(["doctor", "--json", "--profile", "dev", "--endpoint-url", proxy.url])
    report = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    session = report["session"]
    assert session["profile"] == {"value": "dev", "source": "--profile"}
    assert session["region"] == {"value": "us-west-2", "source": "profile dev"}
    assert session["endpoint"] == {"value": proxy.url, "source": "--endpoint-url"}
    assert session["credentials"]["kind"] == "static keys"
    assert any(
        "AWS_ACCESS_KEY_ID is set but not used" in h for h in session["credentials"]["hints"]
    )
    tiers = {t["name"]: t for t in report["permissions"]["tiers"]}
    assert tiers["snapshot-operator"]["missing"] == ["ec2:DeleteSnapshot"]
    assert tiers["ami-launch"]["missing"] == ["ec2:RunInstances"]
    assert tiers["restore-operator"]["ok"] and tiers["read-only"]["ok"]


def test_no_region_is_reported_with_everything_else(monkeypatch, capsys):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    code = main(["doctor", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == EXIT_USAGE
    assert "--region" in report["session"]["error"]
    assert report["versions"]["snaptui"] and report["terminal"]


def test_terminal_hints_for_a_bastion():
    report = terminal_report({"TERM": "xterm", "SSH_CONNECTION": "10.0.0.1 5 10.0.0.2 22"})
    hints = " ".join(report["hints"])
    assert "SendEnv COLORTERM" in hints and "AcceptEnv COLORTERM" in hints
    assert "LANG=C.UTF-8" in hints  # no locale at all
    assert report["ssh"] is True

    good = terminal_report(
        {"TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "en_US.UTF-8"}
    )
    assert good["colors"] == "truecolor"
    assert good["hints"] == [] or all("UTF" not in h for h in good["hints"])
