import subprocess
import sys
from pathlib import Path

import pytest

from portal import config

ROOT = Path(__file__).resolve().parents[2]


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", None)
    monkeypatch.setattr(config.ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    with pytest.raises(RuntimeError, match="PORTAL_SECRET_KEY"):
        config.load_config("production")


def test_production_refuses_to_start_without_a_database_url(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.setattr(config.ProductionConfig, "SQLALCHEMY_DATABASE_URI", None)
    with pytest.raises(RuntimeError, match="PORTAL_DATABASE_URL"):
        config.load_config("production")


def test_production_starts_with_a_secret_key_and_a_database(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.setattr(config.ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    assert config.load_config("production") is config.ProductionConfig


def test_without_an_environment_it_is_production(monkeypatch):
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "s3cret-from-the-environment")
    monkeypatch.setattr(config.ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    assert config.load_config() is config.ProductionConfig


def test_no_secret_key_is_written_in_the_code():
    source = (ROOT / "portal" / "config.py").read_text()
    assert "SECRET_KEY = \"" not in source and "SECRET_KEY = '" not in source
    assert config.load_config("testing").SECRET_KEY


def test_development_keeps_a_random_key_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.setattr(config.DevelopmentConfig, "SECRET_KEY", None)
    first = config.load_config("development").SECRET_KEY
    monkeypatch.setattr(config.DevelopmentConfig, "SECRET_KEY", None)
    assert first == config.load_config("development").SECRET_KEY
    assert len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_an_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="PORTAL_ENV"):
        config.load_config("staging")


def test_the_environment_chooses_the_config(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "testing")
    assert config.load_config() is config.TestingConfig


def run_wsgi(env):
    """Import wsgi.py in a fresh process, as gunicorn does, with only `env` set."""
    return subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_server_started_without_settings_refuses_to_start():
    result = run_wsgi({"PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "PORTAL_SECRET_KEY and PORTAL_DATABASE_URL" in result.stderr


def test_a_server_with_settings_starts_in_production(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi; print(wsgi.app.config['DEBUG'], "
                               "wsgi.app.config['SESSION_COOKIE_SECURE'])"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PORTAL_SECRET_KEY": "s3cret-from-the-environment",
             "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
