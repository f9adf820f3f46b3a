"""Settings from the environment (`CHENGXIN_*`), read once into one frozen object.

Web, CLI, worker and tests all build `Settings` here; tests pass one directly. Every field
is documented in the README's settings table (a test enforces it).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PREFIX = "CHENGXIN_"
ENVIRONMENTS = ("development", "test", "production")


class SettingsError(RuntimeError):
    """A setting is missing or malformed; start-up stops with this message."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with development defaults (SQLite, in-process jobs)."""

    env: str = "development"
    data_dir: Path = Path("chengxin-data")
    database_url: str = ""
    redis_url: str = ""
    index_redis_url: str = ""
    secret_key: str = ""
    audit_key: str = ""
    audit_anchor_file: str = ""
    jobs_mode: str = "thread"
    queue_name: str = "chengxin"
    job_timeout_seconds: int = 1800
    job_nice: int = 10
    default_locale: str = "zh_Hans_CN"
    login_rate_limit: str = "10 per minute"
    tip_rate_limit: str = "10 per minute"
    upload_rate_limit: str = "60 per minute"
    ratelimit_storage_url: str = ""
    trusted_proxies: int = 0
    session_cookie_secure: bool | None = None
    max_upload_mb: int = 50
    max_batch_files: int = 200
    screening_threshold: float = 0.5
    num_perm: int = 64
    min_match_chars: int = 13
    screening_peers: bool = False
    demo_corpus_dir: str = ""
    case_screening_working_days: int = 15
    investigation_months: int = 6
    respondent_comment_days: int = 15
    appeal_days: int = 30
    student_appeal_days: int = 10
    appeal_review_days: int = 15
    reminder_days: int = 5
    case_min_panel_size: int = 3
    case_appeal_working_days: bool = False
    case_evidence_types: str = "pdf,docx,doc,txt,jpg,jpeg,png,tif,tiff,mp3,m4a,wav,zip"
    case_university_name: str = "本校"
    credit_repair_review_working_days: int = 10
    public_base_url: str = "http://127.0.0.1:5000"
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def effective_database_url(self) -> str:
        """The URL to connect to: the setting, or a SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'chengxin.sqlite3').resolve()}"

    @property
    def is_production(self) -> bool:
        """True outside development and test, where secrets must be given explicitly."""
        return self.env == "production"

    @property
    def ratelimit_storage(self) -> str:
        """Where rate-limit counters live: the setting, else the jobs' Redis, else memory."""
        return self.ratelimit_storage_url or self.redis_url or "memory://"

    @property
    def cookies_secure(self) -> bool:
        """Send cookies over HTTPS only: the setting, else on in production."""
        if self.session_cookie_secure is None:
            return self.is_production
        return self.session_cookie_secure

    @property
    def max_upload_bytes(self) -> int:
        """The upload limit in bytes."""
        return self.max_upload_mb * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read `CHENGXIN_*` variables, coerce them to their types, and check them."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if f.name == "extra":
                continue
            raw = environ.get(PREFIX + f.name.upper())
            if raw is None:
                continue
            values[f.name] = _coerce(f.name, raw, hints[f.name])
        settings = cls(**values)  # type: ignore[arg-type]
        return settings.checked()

    @property
    def index_redis(self) -> str:
        """Where the screening index lives in Redis ("" = files under data_dir)."""
        return self.index_redis_url or self.redis_url

    def checked(self) -> Settings:
        """Validate, and fill a development secret key when none is set outside production."""
        if self.env not in ENVIRONMENTS:
            raise SettingsError(
                f"CHENGXIN_ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.env!r}"
            )
        if self.jobs_mode not in ("thread", "sync"):
            raise SettingsError("CHENGXIN_JOBS_MODE must be 'thread' or 'sync'")
        if not 0 <= self.job_nice <= 19:
            raise SettingsError("CHENGXIN_JOB_NICE must be between 0 and 19")
        if not self.secret_key:
            if self.is_production:
                raise SettingsError(
                    "CHENGXIN_SECRET_KEY is not set. In production a secret key is required: "
                    "generate one with `python -c 'import secrets; print(secrets.token_hex(32))'` "
                    "and set CHENGXIN_SECRET_KEY."
                )
            return dataclasses.replace(
                self, secret_key=_development_secret(self.data_dir)
            )
        return self

    @staticmethod
    def documented_names() -> list[str]:
        """Every environment variable name this object reads."""
        return [
            PREFIX + f.name.upper()
            for f in dataclasses.fields(Settings)
            if f.name != "extra"
        ]


def masked_url(url: str) -> str:
    """A service URL safe to print or log: any password replaced by `***`.

    Redis and database URLs carry credentials (`redis://:secret@host/0`); messages and
    logs name the service without them.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    if parts.password is None and not (parts.username and "@" in parts.netloc):
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    auth = f"{user}:***" if parts.password is not None else "***"
    return urlunsplit(parts._replace(netloc=f"{auth}@{host}"))


def scrubbed(text: str, url: str) -> str:
    """`text` (an error message) with the URL's password masked wherever it appears."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    return text.replace(password, "***") if password else text


def _coerce(name: str, raw: str, hint: object) -> object:
    """Turn an environment string into the field's type, naming the variable on failure."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    try:
        if hint is bool:
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(raw)
        if hint is int:
            return int(raw)
        if hint is float:
            return float(raw)
        if hint is Path:
            return Path(raw).expanduser()
        return raw
    except ValueError as exc:
        raise SettingsError(
            f"{PREFIX}{name.upper()}={raw!r} is not a valid {hint}"
        ) from exc


def _development_secret(data_dir: Path) -> str:
    """A random key kept in the data directory so development sessions survive restarts."""
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key
