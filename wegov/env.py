"""Small typed readers for settings that come from the environment.

Each raises ImproperlyConfigured on a value it cannot understand, so a typo in
production configuration stops the process instead of being silently ignored.
"""

import os
import secrets
from datetime import date
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def dev_secret_key(path: Path) -> str:
    """A development SECRET_KEY kept in `path` (created on first use, readable by
    its owner only). Never used when DEBUG is off: production sets SECRET_KEY."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 50:
        key = "dev-" + secrets.token_urlsafe(50)
        path.touch(mode=0o600)
        path.write_text(key + "\n")
    return key


def env_date(name: str) -> date | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date (YYYY-MM-DD), got {raw!r}") from None


def require_secret_key() -> None:
    """For the server entry points: stop at start-up, not at the first request,
    when DEBUG is off and no SECRET_KEY is set."""
    from django.conf import settings

    try:
        settings.SECRET_KEY  # noqa: B018 -- Django refuses an empty key on reading it
    except ImproperlyConfigured:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.") from None
