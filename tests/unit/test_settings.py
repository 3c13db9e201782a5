"""Settings refuse a default secret outside development."""

import pytest
from pydantic import ValidationError

from mentormatch.config import Settings


def test_default_secret_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", _env_file=None)  # type: ignore[call-arg]


def test_a_long_secret_is_accepted_in_production() -> None:
    settings = Settings(environment="production", secret_key="s" * 40, _env_file=None)  # type: ignore[call-arg]
    assert settings.environment == "production"


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORMATCH_MIN_RECOVERY_DAYS", "730")
    assert Settings(_env_file=None).min_recovery_days == 730  # type: ignore[call-arg]


def test_sign_in_throttle_defaults_match_the_documented_policy() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.login_free_failures, settings.login_client_free_failures) == (5, 20)
    assert (settings.login_first_delay_seconds, settings.login_max_delay_seconds) == (30, 900)
    assert settings.login_forget_seconds == 24 * 3600
    assert settings.forwarded_allow_ips == "127.0.0.1"


def test_sign_in_throttle_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORMATCH_LOGIN_FREE_FAILURES", "3")
    monkeypatch.setenv("MENTORMATCH_FORWARDED_ALLOW_IPS", "10.0.0.0/8,192.0.2.1")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.login_free_failures == 3
    assert settings.forwarded_allow_ips == "10.0.0.0/8,192.0.2.1"


def test_a_cap_below_the_first_delay_is_refused() -> None:
    with pytest.raises(ValidationError, match="MAX_DELAY"):
        Settings(login_first_delay_seconds=60, login_max_delay_seconds=30, _env_file=None)  # type: ignore[call-arg]
