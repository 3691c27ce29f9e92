"""yorum's configuration: one TOML file plus ``YORUM_*`` environment overrides.

Every setting is declared once, in ``yorum.setting_sections``, as a dataclass field with a
default and a help string. Its environment variable is named from its path (``server.port`` ->
``YORUM_SERVER_PORT``). Lookup order: environment, then the TOML file, then the default.
Settings are loaded once (by the CLI) and passed explicitly; no other module reads the
environment.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from yorum.setting_sections import (
    AbuseSettings,
    AdminSettings,
    CacheSettings,
    CommentSettings,
    DatabaseSettings,
    LogSettings,
    MetricsSettings,
    ModerationSettings,
    NotifySettings,
    RedisSettings,
    ServerSettings,
    SmtpSettings,
)

__all__ = [
    "AbuseSettings",
    "AdminSettings",
    "CacheSettings",
    "CommentSettings",
    "DatabaseSettings",
    "LOG_LEVELS",
    "LogSettings",
    "MetricsSettings",
    "ModerationSettings",
    "NotifySettings",
    "RedisSettings",
    "SECTIONS",
    "ServerSettings",
    "SettingInfo",
    "Settings",
    "SettingsError",
    "SmtpSettings",
    "describe",
    "env_name",
    "load",
    "metrics_networks",
    "rate_problem",
    "with_overrides",
]


@dataclass(frozen=True)
class Settings:
    """All of yorum's settings, one frozen section per TOML table."""

    server: ServerSettings = field(default_factory=ServerSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    comments: CommentSettings = field(default_factory=CommentSettings)
    abuse: AbuseSettings = field(default_factory=AbuseSettings)
    cache: CacheSettings = field(default_factory=CacheSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)
    moderation: ModerationSettings = field(default_factory=ModerationSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
    admin: AdminSettings = field(default_factory=AdminSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    log: LogSettings = field(default_factory=LogSettings)

    @property
    def data_path(self) -> Path:
        """The data directory as a path."""
        return Path(self.server.data_dir)

    @property
    def database_url(self) -> str:
        """The configured database URL, or SQLite inside the data directory."""
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.data_path.resolve() / 'yorum.sqlite3'}"


SECTIONS: dict[str, type] = {
    "server": ServerSettings,
    "database": DatabaseSettings,
    "comments": CommentSettings,
    "abuse": AbuseSettings,
    "cache": CacheSettings,
    "redis": RedisSettings,
    "moderation": ModerationSettings,
    "smtp": SmtpSettings,
    "notify": NotifySettings,
    "admin": AdminSettings,
    "metrics": MetricsSettings,
    "log": LogSettings,
}

LOG_LEVELS = ("debug", "info", "warning", "error")


class SettingsError(Exception):
    """The configuration has problems; ``problems`` lists each with its key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SettingInfo:
    """One declared setting, for docs and ``yorum check``."""

    key: str
    env: str
    type: str
    default: Any
    help: str


def describe() -> Iterator[SettingInfo]:
    """Every setting yorum knows, in declaration order."""
    for section_name, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            key = f"{section_name}.{f.name}"
            yield SettingInfo(key, env_name(key), _type_name(f.type), f.default, f.metadata["help"])


def env_name(key: str) -> str:
    """The environment variable that overrides ``key``."""
    return "YORUM_" + key.replace(".", "_").upper()


def _type_name(annotation: Any) -> str:
    return annotation if isinstance(annotation, str) else annotation.__name__


def load(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the TOML file (if any) and the environment into ``Settings``.

    Raises ``SettingsError`` listing every problem, each naming its key.
    """
    environ = environ or {}
    source = str(path) if path else "environment"
    problems: list[str] = []
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError([f"{path}: file not found"]) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError([f"{path}: not valid TOML: {exc}"]) from None

    sections: dict[str, Any] = {}
    for name in raw:
        if name not in SECTIONS:
            problems.append(f"{name}: unknown section ({source})")
    for section_name, cls in SECTIONS.items():
        table = raw.get(section_name, {})
        if not isinstance(table, dict):
            problems.append(f"{section_name}: expected a table ({source})")
            table = {}
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key in table:
            if key not in fields:
                problems.append(f"{section_name}.{key}: unknown setting ({source})")
        values: dict[str, Any] = {}
        for name, f in fields.items():
            key = f"{section_name}.{name}"
            env = env_name(key)
            if env in environ:
                value, where = environ[env], env
            elif name in table:
                value, where = table[name], source
            else:
                continue
            try:
                values[name] = _coerce(
                    value, _type_name(f.type), f.metadata["minimum"], f.metadata["maximum"]
                )
            except ValueError as exc:
                problems.append(f"{key}: {exc} ({where})")
        sections[section_name] = cls(**values)
    security = sections["smtp"].security
    if security not in ("starttls", "tls", "none"):
        problems.append(f"smtp.security: expected starttls, tls or none, got {security!r}")
    redis_url = sections["redis"].url
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        problems.append(f"redis.url: expected redis://, rediss:// or unix://, got {redis_url!r}")
    for key in ("client_rate", "thread_rate"):
        problem = rate_problem(getattr(sections["abuse"], key))
        if problem:
            problems.append(f"abuse.{key}: {problem} ({source})")
    installed = {ep.name for ep in entry_points(group="yorum.scorers")}
    for name in sections["moderation"].scorers.split(","):
        if name.strip() and name.strip() not in installed:
            known = ", ".join(sorted(installed))
            problems.append(
                f"moderation.scorers: no scorer named {name.strip()!r} is installed "
                f"(installed: {known}) ({source})"
            )
    problems.extend(_observability_problems(sections["metrics"], sections["log"], source))
    comments = sections["comments"]
    if comments.page_size > comments.max_page_size:
        problems.append(
            f"comments.page_size: must not exceed comments.max_page_size "
            f"({comments.max_page_size}), got {comments.page_size} ({source})"
        )
    if problems:
        raise SettingsError(problems)
    return Settings(**sections)


def _observability_problems(metrics: MetricsSettings, log: LogSettings, source: str) -> list[str]:
    """What is wrong with the ``metrics`` and ``log`` sections, each naming its key."""
    problems = []
    for network in metrics_networks(metrics.allow):
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            problems.append(f"metrics.allow: {network!r} is not a network or address ({source})")
    if log.format not in ("json", "text"):
        problems.append(f"log.format: expected json or text, got {log.format!r} ({source})")
    if log.level not in LOG_LEVELS:
        problems.append(
            f"log.level: expected one of {', '.join(LOG_LEVELS)}, got {log.level!r} ({source})"
        )
    return problems


def metrics_networks(allow: str) -> list[str]:
    """The networks listed in ``metrics.allow``."""
    return [part.strip() for part in allow.split(",") if part.strip()]


def rate_problem(text: str) -> str | None:
    """What is wrong with a rate-limit string like ``5/10 seconds; 20/minute``, if anything."""
    if not text.strip():
        return None
    from limits import parse_many  # here, so loading settings stays cheap elsewhere

    try:
        parse_many(text)
    except ValueError:
        return f"expected limits like '5/10 seconds; 20/minute', got {text!r}"
    return None


def _coerce(value: Any, type_name: str, minimum: int | None, maximum: int | None) -> Any:
    """Turn a TOML or environment value into the declared type, or raise ValueError."""
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"1", "true", "yes", "on"}:
            return True
        if isinstance(value, str) and value.lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"expected true or false, got {value!r}")
    if type_name == "int":
        if isinstance(value, bool):
            raise ValueError(f"expected an integer, got {value!r}")
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise ValueError(f"expected an integer, got {value!r}") from None
        if not isinstance(value, int):
            raise ValueError(f"expected an integer, got {value!r}")
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise ValueError(f"must be at most {maximum}, got {value}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def with_overrides(settings: Settings, **sections: Mapping[str, Any]) -> Settings:
    """A copy of ``settings`` with some fields replaced, e.g. ``server={"port": 9000}``."""
    replaced = {
        name: dataclasses.replace(getattr(settings, name), **dict(values))
        for name, values in sections.items()
    }
    return dataclasses.replace(settings, **replaced)
