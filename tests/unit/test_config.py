import pytest

from portal import config


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="PORTAL_SECRET_KEY"):
        config.load_config("production")


def test_production_starts_with_a_secret_key(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "s3cret-from-the-environment")
    assert config.load_config("production") is config.ProductionConfig


def test_development_and_testing_have_their_own_keys():
    assert config.load_config("development").SECRET_KEY
    assert config.load_config("testing").SECRET_KEY


def test_an_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="PORTAL_ENV"):
        config.load_config("staging")


def test_the_environment_chooses_the_config(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "testing")
    assert config.load_config() is config.TestingConfig
