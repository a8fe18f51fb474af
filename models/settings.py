"""What a deployment sets, in one place: read from the environment (``BEMANNA_*``, and ``DATABASE_URL``).

Every bound that protects the pool from one user (request sizes, calendar budgets, rate limits) is
here with its default, so an operator reads one class to know what to set. ``settings()`` reads the
environment again on each call (it is cheap), so tests can change a variable with ``monkeypatch``.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BEMANNA_", extra="ignore")

    database_url: str = Field(
        "",
        validation_alias=AliasChoices("DATABASE_URL", "BEMANNA_DATABASE_URL"),
        description="SQLAlchemy URL; empty: the SQLite file bemanna.sqlite3",
    )

    # Requests
    max_request_bytes: int = Field(1_000_000, ge=1_000, description="Largest request body, except calendar uploads")
    max_upload_bytes: int = Field(2_100_000, ge=1_000, description="Largest calendar upload request (file + form)")

    # Sign-in
    password_hash_slots: int = Field(4, ge=1, le=64, description="Argon2 hashes at once (64 MiB each)")
    password_hash_memory_kib: int = Field(
        65_536, ge=1_024, le=1_048_576, description="Argon2 memory per hash (KiB; OWASP asks for 19 MiB at least)"
    )
    password_hash_time_cost: int = Field(3, ge=1, le=20, description="Argon2 passes per hash")
    password_queue_seconds: float = Field(10.0, ge=0, description="Longest wait for a hashing slot before 503")
    rate_limit_storage: str = Field(
        "memory://",
        description="Where rate-limit counters live: memory:// (one server) or redis://host:6379 (all servers)",
    )
    sign_in_limit_per_email: str = Field("10/minute;50/hour", description="Failed sign-ins per e-mail")
    sign_in_limit_per_client: str = Field("60/minute", description="Sign-in attempts per client address")
    register_limit_per_client: str = Field("10/hour", description="Registrations per client address")

    # Web pages
    session_hours: float = Field(12.0, gt=0, le=24 * 30, description="How long a browser stays signed in")
    secure_cookies: bool = Field(
        True,
        description="Send session cookies over HTTPS only (browsers treat http://localhost as secure);"
        " false only for a pool served over plain HTTP on a trusted network",
    )

    # Calendar import: expansion runs in a child process with these hard budgets
    calendar_cpu_seconds: float = Field(5.0, gt=0, le=120, description="CPU time one .ics file may take to expand")
    calendar_memory_mb: int = Field(768, ge=128, description="Address space of the child that expands one file")
    calendar_slots: int = Field(2, ge=1, le=64, description="Files expanded at the same time, server-wide")
    calendar_queue_seconds: float = Field(10.0, ge=0, description="Longest wait for a slot before 503")

    # Calendar URLs
    allow_private_calendar_urls: bool = Field(False, description="Fetch from private addresses (an intranet pool)")
    calendar_hosts: str = Field(
        "",
        description="Comma-separated host names calendar URLs may name (a name also admits its subdomains);"
        " empty: any public host",
    )
    calendar_fetch_seconds: float = Field(20.0, gt=0, le=300, description="Deadline for one whole download")
    calendar_read_seconds: float = Field(5.0, gt=0, le=60, description="Longest wait for any one read")

    # Notifications (e-mail over SMTP; SMS and web push plug in through api.notifications.channels)
    public_url: str = Field(
        "http://127.0.0.1:8000", description="Where people reach this server: the base of links in messages"
    )
    smtp_host: str = Field("", description="SMTP server for e-mail; empty: messages wait in the outbox unsent")
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: str = Field(
        "starttls", pattern="^(starttls|tls|none)$", description="starttls, tls (implicit, port 465) or none"
    )
    smtp_user: str = Field("", description="SMTP user name; empty: no authentication")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP password (never logged)")
    smtp_from: str = Field("Bemanna <bemanna@localhost>", description="The From address of messages")
    smtp_timeout_seconds: float = Field(10.0, gt=0, le=120, description="Longest wait for the SMTP server")
    sms_provider: str = Field(
        "",
        description="A deployment's SMS channel as 'module:factory' (called with these settings, it returns a"
        " Channel); empty: no SMS is sent, and people who prefer SMS get e-mail",
        pattern=r"^$|^[A-Za-z_][\w.]*:[A-Za-z_]\w*$",
    )
    notify_check_seconds: float = Field(30.0, gt=0, le=3600, description="How often the sender looks for due messages")
    notify_max_attempts: int = Field(8, ge=1, le=50, description="Tries before a message is given up")
    offer_hours: float = Field(
        24.0, gt=0, le=24 * 14, description="How long an offer stands (sooner work: half the time left before it)"
    )
    action_link_hours: float = Field(48.0, gt=0, le=24 * 30, description="How long a one-click answer link works")
    digest_hour: int = Field(
        7, ge=0, le=23, description="Local hour from which the daily digest of pending approvals is sent"
    )


def settings() -> Settings:
    return Settings()
