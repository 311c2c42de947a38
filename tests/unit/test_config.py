"""config.toml: defaults when absent, values when valid, a named problem when malformed."""

from snaptui import config


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
