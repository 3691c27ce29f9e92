"""Settings: defaults, TOML, environment overrides, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from yorum.settings import Settings, SettingsError, describe, env_name, load


def test_defaults_without_file_or_environment() -> None:
    settings = load(None, {})
    assert settings == Settings()
    assert settings.server.port == 8080
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("yorum-data/yorum.sqlite3")


def test_toml_then_environment_override(tmp_path: Path) -> None:
    config = tmp_path / "yorum.toml"
    config.write_text('[server]\nport = 9000\nhost = "0.0.0.0"\n[comments]\nedit_window = 60\n')
    settings = load(config, {"YORUM_SERVER_PORT": "9100", "YORUM_CACHE_ENABLED": "false"})
    assert settings.server.port == 9100
    assert settings.server.host == "0.0.0.0"
    assert settings.comments.edit_window == 60
    assert settings.cache.enabled is False


def test_every_problem_is_reported_with_its_key(tmp_path: Path) -> None:
    config = tmp_path / "yorum.toml"
    config.write_text(
        '[server]\nport = "abc"\nbogus = 1\n[comments]\nmax_text_length = 0\n[nope]\nx = 1\n'
    )
    with pytest.raises(SettingsError) as info:
        load(config, {"YORUM_CACHE_ENABLED": "maybe"})
    problems = info.value.problems
    assert f"server.port: expected an integer, got 'abc' ({config})" in problems
    assert f"server.bogus: unknown setting ({config})" in problems
    assert f"comments.max_text_length: must be at least 1, got 0 ({config})" in problems
    assert f"nope: unknown section ({config})" in problems
    assert "cache.enabled: expected true or false, got 'maybe' (YORUM_CACHE_ENABLED)" in problems


def test_upper_bounds_and_related_settings_are_checked() -> None:
    environ = {
        "YORUM_SERVER_PORT": "70000",
        "YORUM_COMMENTS_MAX_NAME_LENGTH": "201",
        "YORUM_COMMENTS_PAGE_SIZE": "300",
    }
    with pytest.raises(SettingsError) as info:
        load(None, environ)
    problems = info.value.problems
    assert "server.port: must be at most 65535, got 70000 (YORUM_SERVER_PORT)" in problems
    assert (
        "comments.max_name_length: must be at most 200, got 201 (YORUM_COMMENTS_MAX_NAME_LENGTH)"
        in problems
    )
    assert any(p.startswith("comments.page_size: must not exceed") for p in problems)
    assert load(None, {"YORUM_COMMENTS_PAGE_SIZE": "200"}).comments.page_size == 200


def test_unreadable_files_are_clear(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="file not found"):
        load(tmp_path / "missing.toml", {})
    broken = tmp_path / "broken.toml"
    broken.write_text("[server\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load(broken, {})


def test_every_setting_has_help_and_an_env_name() -> None:
    infos = list(describe())
    assert len(infos) > 10
    for info in infos:
        assert info.help and info.env == env_name(info.key)
        assert info.env.startswith("YORUM_")
