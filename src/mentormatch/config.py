"""Settings: one pydantic-settings class, read from MENTORMATCH_* variables, built lazily."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "dev-only-secret-change-me"
PROJECT_DATA = Path(__file__).resolve().parents[2] / "data"


class Settings(BaseSettings):
    """Everything configurable about one MentorMatch deployment."""

    model_config = SettingsConfigDict(env_prefix="MENTORMATCH_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    secret_key: str = DEFAULT_SECRET
    database_url: str = f"sqlite:///{PROJECT_DATA / 'mentormatch.db'}"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # Spreadsheet imports (docs/spreadsheets.md): the largest file and the most rows taken.
    import_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    import_max_rows: int = Field(default=20_000, ge=1)
    token_ttl_minutes: int = Field(default=8 * 60, ge=1)
    page_size_max: int = Field(default=100, ge=1)
    # Program rules (BRIEF §3): per-program settings with the brief's defaults.
    min_recovery_days: int = Field(default=365, ge=0)
    min_age: int = Field(default=18, ge=0)
    serves_youth: bool = False
    consent_version: str = "2026-11"
    # The country the installation's programs serve (ISO 3166-1 alpha-2): phone numbers
    # without a +country code are read as its numbers, places are its ZIP codes and towns,
    # and distances are shown in its unit (miles in the US).
    country: str = Field(default="US", pattern=r"^[A-Z]{2}$")
    pairing_expiry_days: int = Field(default=3, ge=1)
    overlap_saturation_hours: float = Field(default=3.0, gt=0)
    match_weights: dict[str, float] = Field(default_factory=dict)
    smtp_url: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    # Sign-in throttle (docs/accounts.md): failures free per (account, client) and per
    # client across accounts, then a wait doubling from the first delay up to the cap.
    login_free_failures: int = Field(default=5, ge=0)
    login_client_free_failures: int = Field(default=20, ge=0)
    login_first_delay_seconds: int = Field(default=30, ge=1)
    login_max_delay_seconds: int = Field(default=15 * 60, ge=1)
    login_forget_seconds: int = Field(default=24 * 60 * 60, ge=60)
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (uvicorn's
    # forwarded-allow-ips): addresses or networks, comma-separated, or "*" for any.
    forwarded_allow_ips: str = "127.0.0.1"
    # Single-use links to set a password (accounts/passwords.py).
    invitation_ttl_hours: int = Field(default=7 * 24, ge=1)
    reset_ttl_minutes: int = Field(default=60, ge=1)
    # Before serving: compile the ranking kernel (or load it from numba's disk cache) and
    # fit each open program's ranker, so that no request pays for either.
    warm_up: bool = True

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError("MENTORMATCH_SECRET_KEY must be set outside development")
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("MENTORMATCH_SECRET_KEY must be at least 32 characters")
        if self.login_max_delay_seconds < self.login_first_delay_seconds:
            raise ValueError("MENTORMATCH_LOGIN_MAX_DELAY_SECONDS is below the first delay")
        return self

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        if not value.strip():
            return value  # no proxy in front: every X-Forwarded-* header is ignored
        for item in (part.strip() for part in value.split(",")):
            if item == "*" and value.strip() == "*":
                continue
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"MENTORMATCH_FORWARDED_ALLOW_IPS: {item!r} is not an address or network"
                ) from None
        return value

    @property
    def uses_https(self) -> bool:
        """Whether people reach the service over HTTPS (Secure cookies and HSTS)."""
        return self.public_base_url.lower().startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
