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
