"""Settings: read from the environment, checked, and every one documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.kernel.settings import Settings, SettingsError

README = Path(__file__).resolve().parents[3] / "README.md"


def test_every_setting_is_documented_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [name for name in Settings.documented_names() if f"`{name}`" not in text]
    assert not missing, f"settings missing from README.md: {missing}"


def test_production_without_secret_key_stops_with_a_clear_message(tmp_path):
    with pytest.raises(SettingsError, match="CHENGXIN_SECRET_KEY is not set"):
        Settings.from_env(
            {"CHENGXIN_ENV": "production", "CHENGXIN_DATA_DIR": str(tmp_path)}
        )


def test_values_are_coerced_and_bad_values_name_the_variable(tmp_path):
    settings = Settings.from_env(
        {
            "CHENGXIN_DATA_DIR": str(tmp_path),
            "CHENGXIN_MAX_UPLOAD_MB": "12",
            "CHENGXIN_SCREENING_PEERS": "yes",
            "CHENGXIN_SCREENING_THRESHOLD": "0.4",
        }
    )
    assert settings.max_upload_mb == 12
    assert settings.screening_peers is True
    assert settings.screening_threshold == 0.4
    assert settings.data_dir == tmp_path
    with pytest.raises(SettingsError, match="CHENGXIN_MAX_UPLOAD_MB"):
        Settings.from_env(
            {"CHENGXIN_DATA_DIR": str(tmp_path), "CHENGXIN_MAX_UPLOAD_MB": "lots"}
        )


def test_development_secret_is_generated_once_and_kept(tmp_path):
    first = Settings.from_env({"CHENGXIN_DATA_DIR": str(tmp_path)})
    second = Settings.from_env({"CHENGXIN_DATA_DIR": str(tmp_path)})
    assert len(first.secret_key) == 64
    assert first.secret_key == second.secret_key


def test_default_database_is_sqlite_under_the_data_dir(tmp_path):
    settings = Settings.from_env({"CHENGXIN_DATA_DIR": str(tmp_path)})
    assert (
        settings.effective_database_url
        == f"sqlite:///{tmp_path.resolve() / 'chengxin.sqlite3'}"
    )
