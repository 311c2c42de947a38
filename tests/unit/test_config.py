"""config.toml: defaults when absent, values when valid, a named problem when malformed."""

import pytest

from snaptui import config
from snaptui.aws.resolve import Resolved


def test_missing_file_gives_defaults(tmp_path):
    loaded = config.load(tmp_path / "absent.toml")
    assert loaded.config == config.Config()
    assert loaded.problem is None


def test_values_are_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        'profile = "ops"\nregion = "eu-west-1"\nrefresh_interval = 3\n'
        "[profiles.prod]\nread_only = true\n[profiles.dev]\nread_only = false\n"
    )
    cfg = config.load(path).config
    assert (cfg.profile, cfg.region, cfg.refresh_interval) == ("ops", "eu-west-1", 3.0)
    assert cfg.read_only_profiles == frozenset({"prod"})


def test_malformed_toml_names_the_line_and_falls_back(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('region = "eu-west-1"\nread_only = yes\n')
    loaded = config.load(path)
    assert loaded.config == config.Config()
    assert "line 2" in loaded.problem and "using defaults" in loaded.problem


def test_wrong_type_is_explained(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("refresh_interval = 0\n")
    assert "`refresh_interval` must be a number of seconds" in config.load(path).problem


EVERY_KEY = """\
profile = "ops"
region = "eu-west-1"
read_only = false
refresh_interval = 3
theme = "nord"

[tags]
team = "platform"

[restore]
volume_type = "gp3"
attach = "never"

[keys]
refresh = "f5, r"

[profiles.prod]
read_only = true
region = "us-east-1"
tags = { environment = "prod", team = "sre" }
"""


def test_every_key_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(EVERY_KEY)
    loaded = config.load(path)
    assert loaded.problem is None
    cfg = loaded.config
    assert cfg.theme == "nord"
    assert cfg.keys == {"refresh": "f5,r"}
    assert cfg.restore == config.RestoreDefaults(volume_type="gp3", attach="never")
    assert cfg.restore.fixed_volume_type == "gp3"
    assert cfg.read_only_profiles == frozenset({"prod"})
    assert cfg.is_read_only("prod") and not cfg.is_read_only("dev")
    assert cfg.region_for("prod") == "us-east-1" and cfg.region_for("dev") is None


def test_tags_for_merges_global_and_profile_tags(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(EVERY_KEY)
    cfg = config.load(path).config
    assert cfg.tags_for("prod") == {"team": "sre", "environment": "prod"}
    assert cfg.tags_for("dev") == {"team": "platform"}
    assert cfg.tags_for(None) == {"team": "platform"}


def test_a_wrong_value_names_its_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('region = "eu-west-1"\n\n[profiles.prod]\nread_only = "yes"\n')
    loaded = config.load(path)
    assert "line 4" in loaded.problem and "`read_only` must be true or false" in loaded.problem
    assert loaded.used_defaults


def test_unusable_file_that_marks_read_only_starts_read_only(tmp_path):
    """A typo elsewhere must not make a prod profile writable."""
    path = tmp_path / "config.toml"
    path.write_text('[profiles.prod]\nread_only = true\n[profiles.dev\nregion = "x"\n')
    loaded = config.load(path)
    assert "line 3" in loaded.problem
    assert loaded.config.read_only is True
    assert "read-only" in loaded.problem


def test_credentials_are_refused_and_the_rest_applies(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        'region = "eu-west-1"\naws_secret_access_key = "wJalrXUtnFEMI"\n'
        '[profiles.prod]\nread_only = true\naws_session_token = "IQoJb3JpZ2lu"\n'
    )
    loaded = config.load(path)
    assert loaded.config.region == "eu-west-1"
    assert loaded.config.read_only_profiles == frozenset({"prod"})
    assert "line 2: `aws_secret_access_key` is a credential" in loaded.problem
    assert "line 5: `profiles.prod.aws_session_token` is a credential" in loaded.problem
    assert "wJalrXUtnFEMI" not in loaded.problem and "IQoJb3JpZ2lu" not in loaded.problem


def test_unknown_keys_are_reported_not_fatal(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('regoin = "eu-west-1"\n[profiles.prod]\nread_ony = true\n')
    loaded = config.load(path)
    assert "line 1: unknown key `regoin`" in loaded.problem
    assert "line 3: unknown key `profiles.prod.read_ony`" in loaded.problem
    assert not loaded.used_defaults


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tags]\n"aws:name" = "x"\n', "reserved"),
        ("[tags]\nteam = 3\n", "must have a string value"),
        ('[restore]\nvolume_type = "gp9"\n', "`volume_type` must be one of"),
        ('[restore]\nattach = "always"\n', "`attach` must be one of"),
        ('region = "Europe"\n', "is not a region like"),
        ('[keys]\nquit = ""\n', "must be keys as a string"),
    ],
)
def test_invalid_values_are_explained(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    loaded = config.load(path)
    assert message in loaded.problem and "line " in loaded.problem
    assert loaded.config == config.Config()


def test_resolution_order_flag_env_profile_config(monkeypatch, tmp_path):
    aws_config = tmp_path / "aws-config"
    aws_config.write_text("[profile prod]\nregion = us-west-2\n[profile dev]\nregion = us-east-2\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws_config))
    cfg = config.Config(
        profile="dev",
        region="eu-north-1",
        profiles={"prod": config.ProfileSettings(region="eu-west-1")},
    )
    env: dict[str, str] = {}
    assert config.resolve_profile(None, cfg, env) == Resolved("dev", "snaptui config")
    assert config.resolve_profile(None, cfg, {"AWS_PROFILE": "prod"}).source == "AWS_PROFILE"
    assert config.resolve_profile("prod", cfg, env).source == "--profile"
    # [profiles.prod] region beats the profile's region in ~/.aws/config...
    assert config.resolve_region(None, "prod", cfg, env).value == "eu-west-1"
    # ...but not the flag or the environment.
    assert config.resolve_region("ap-south-1", "prod", cfg, env).source == "--region"
    env_region = config.resolve_region(None, "prod", cfg, {"AWS_DEFAULT_REGION": "sa-east-1"})
    assert env_region == Resolved("sa-east-1", "AWS_DEFAULT_REGION")
    assert config.resolve_region(None, "dev", cfg, env) == Resolved("us-east-2", "profile dev")


def test_network_settings_reach_the_aws_settings(tmp_path, monkeypatch):
    import argparse

    from snaptui.cli import open_session

    path = tmp_path / "config.toml"
    path.write_text("[network]\nconnect_timeout = 2\nread_timeout = 7.5\nmax_attempts = 3\n")
    monkeypatch.setenv("SNAPTUI_CONFIG", str(path))
    args = argparse.Namespace(endpoint_url="http://127.0.0.1:9", region="us-east-1")
    with open_session(args) as session:
        settings = session.settings
    assert (settings.connect_timeout, settings.read_timeout, settings.max_attempts) == (2, 7.5, 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[network]\nread_timeout = 0",
            "[network] `read_timeout` must be a number from 0.1 to 900",
        ),
        ("[network]\nmax_attempts = 2.5", "[network] `max_attempts` must be a whole number"),
        (
            '[network]\nconnect_timeout = "5"',
            "[network] `connect_timeout` must be a number from 0.1 to 300",
        ),
        ("[network]\nretries = 3", "unknown key `network.retries` ignored"),
    ],
)
def test_bad_network_settings_name_the_key(tmp_path, text, message):
    loaded = config.parse_text(text, tmp_path / "c.toml")
    assert message in (loaded.problem or "")
