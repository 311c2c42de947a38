"""Region/profile/endpoint resolution follows the documented order and fails helpfully."""

import pytest

from snaptui.aws.resolve import ResolveError, resolve_endpoint, resolve_profile, resolve_region

CONFIG = """
[default]
region = eu-central-1

[profile prod]
region = eu-west-1

[profile noregion]
output = json
"""


@pytest.fixture
def aws_config(tmp_path, monkeypatch):
    path = tmp_path / "config"
    path.write_text(CONFIG)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    return path


@pytest.mark.parametrize(
    ("flag", "env", "profile", "expected", "source"),
    [
        ("ap-south-1", {"AWS_REGION": "us-west-2"}, "prod", "ap-south-1", "--region"),
        (
            None,
            {"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-east-2"},
            "prod",
            "us-west-2",
            "AWS_REGION",
        ),
        (None, {"AWS_DEFAULT_REGION": "us-east-2"}, "prod", "us-east-2", "AWS_DEFAULT_REGION"),
        (None, {}, "prod", "eu-west-1", "profile prod"),
        (None, {}, None, "eu-central-1", "profile default"),
    ],
)
def test_region_order(aws_config, flag, env, profile, expected, source):
    resolved = resolve_region(flag, profile, env)
    assert (resolved.value, resolved.source) == (expected, source)


def test_config_region_is_the_last_resort(aws_config):
    assert resolve_region(None, "noregion", {}, configured="sa-east-1").value == "sa-east-1"


def test_no_region_names_the_three_ways(aws_config):
    with pytest.raises(ResolveError) as info:
        resolve_region(None, "noregion", {})
    message = str(info.value)
    assert "--region" in message and "AWS_REGION" in message and "~/.aws/config" in message


def test_unknown_profile_is_a_clear_error(aws_config):
    with pytest.raises(ResolveError, match="'nope' is not in"):
        resolve_region(None, "nope", {})


def test_unknown_profile_fails_even_with_a_region(aws_config):
    with pytest.raises(ResolveError, match="'nope' is not in"):
        resolve_profile("nope", {})
    with pytest.raises(ResolveError, match="'gone' is not in"):
        resolve_profile(None, {"AWS_PROFILE": "gone"})


def test_profile_and_endpoint_sources(aws_config):
    assert resolve_profile("prod", {"AWS_PROFILE": "noregion"}).value == "prod"
    assert resolve_profile(None, {"AWS_PROFILE": "noregion"}).source == "AWS_PROFILE"
    assert resolve_profile(None, {}).value is None
    env = {"AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_EC2": "http://b:2"}
    assert resolve_endpoint(None, env).value == "http://b:2"
    assert resolve_endpoint("http://c:3", env).source == "--endpoint-url"
