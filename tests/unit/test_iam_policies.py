"""iam/*.json: valid policies, one per tier, holding every action snaptui's code calls."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import botocore.session
import pytest

from snaptui.aws.permission_tiers import TIERS, all_actions

ROOT = Path(__file__).resolve().parents[2]
IAM = ROOT / "iam"
SERVICES = ("ec2", "ebs", "sts")
NEEDS_NO_POLICY = {"sts:AssumeRole"}
"""Allowed by the role's trust policy, not by an identity policy snaptui could ship."""


def policy_actions(path: Path) -> set[str]:
    document = json.loads(path.read_text())
    actions: set[str] = set()
    for statement in document["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        value = statement["Action"]
        actions.update([value] if isinstance(value, str) else value)
    return actions


def operations_named_in_code() -> set[str]:
    """``service:Operation`` for every string constant in snaptui/ that is an API operation."""
    session = botocore.session.get_session()
    by_name: dict[str, list[str]] = {}
    for service in SERVICES:
        for operation in session.get_service_model(service).operation_names:
            by_name.setdefault(operation, []).append(service)
    found: set[str] = set()
    for path in (ROOT / "snaptui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for service in by_name.get(node.value, ()):
                    found.add(f"{service}:{node.value}")
    return found


def test_there_is_one_policy_file_per_tier():
    assert sorted(p.name for p in IAM.glob("*.json")) == sorted(t.policy_file for t in TIERS)


@pytest.mark.parametrize("tier", TIERS, ids=lambda t: t.name)
def test_each_policy_is_valid_iam_json_with_its_tier(tier):
    document = json.loads((IAM / tier.policy_file).read_text())
    assert document["Version"] == "2012-10-17"
    sids = [s.get("Sid") for s in document["Statement"]]
    assert len(sids) == len(set(sids)), "Sids must be unique"
    for statement in document["Statement"]:
        assert statement["Effect"] in ("Allow", "Deny")
        assert statement["Action"] and statement["Resource"]
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource", "Condition"}
    actions = policy_actions(IAM / tier.policy_file)
    assert set(tier.actions) <= actions
    # Every policy stands alone: it repeats the read-only tier.
    assert set(TIERS[0].actions) <= actions
    assert all(":" in a and "*" not in a for a in actions), "name actions, no wildcards"


def test_every_operation_the_code_calls_is_in_some_tier():
    named = operations_named_in_code() - NEEDS_NO_POLICY
    assert "ec2:DescribeSnapshots" in named and "ebs:ListChangedBlocks" in named  # the scan works
    missing = named - all_actions()
    assert missing == set(), f"add these to a tier in permission_tiers.py and iam/: {missing}"


def test_every_action_request_is_in_a_tier():
    from snaptui.aws import action_requests

    requests = [
        cls
        for cls in vars(action_requests).values()
        if isinstance(cls, type)
        and issubclass(cls, action_requests.ActionRequest)
        and getattr(cls, "OPERATION", "")
    ]
    assert requests
    assert {f"ec2:{cls.OPERATION}" for cls in requests} <= all_actions()
