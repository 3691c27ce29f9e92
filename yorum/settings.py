"""yorum's configuration: one TOML file plus ``YORUM_*`` environment overrides.

Every setting is declared once, below, as a dataclass field with a default and a help
string. Its environment variable is named from its path (``server.port`` ->
``YORUM_SERVER_PORT``). Lookup order: environment, then the TOML file, then the default.
Settings are loaded once (by the CLI) and passed explicitly; no other module reads the
environment.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _setting(
    default: Any, help: str, *, minimum: int | None = None, maximum: int | None = None
) -> Any:
    """Declare one setting: its default, its help text and, for integers, its bounds."""
    return field(default=default, metadata={"help": help, "minimum": minimum, "maximum": maximum})


@dataclass(frozen=True)
class ServerSettings:
    """How ``yorum serve`` listens."""

    host: str = _setting("127.0.0.1", "Address to listen on.")
    port: int = _setting(8080, "TCP port to listen on.", minimum=1, maximum=65535)
    workers: int = _setting(1, "Number of worker processes.", minimum=1)
    data_dir: str = _setting(
        "yorum-data", "Directory for the SQLite database and the generated secret."
    )
    public_url: str = _setting(
        "", "Public base URL of this server (used in feeds); empty means the request's URL."
    )
    forwarded_allow_ips: str = _setting(
        "127.0.0.1",
        "Comma-separated proxy addresses whose X-Forwarded-For is trusted for client IPs.",
    )


@dataclass(frozen=True)
class DatabaseSettings:
    """Where comments are stored."""

    url: str = _setting(
        "",
        "SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db; "
        "empty means SQLite in the data directory.",
    )
    busy_timeout: int = _setting(
        30, "Seconds a SQLite writer waits for the lock before giving up.", minimum=1
    )


@dataclass(frozen=True)
class CommentSettings:
    """Limits and windows for comments."""

    edit_window: int = _setting(
        900, "Seconds after posting during which the author may edit or delete.", minimum=0
    )
    max_text_length: int = _setting(10000, "Longest comment text, in characters.", minimum=1)
    max_name_length: int = _setting(
        64,
        "Longest author name, in characters (the database holds up to 200).",
        minimum=1,
        maximum=200,
    )
    max_depth: int = _setting(16, "Deepest reply nesting (top-level comments are 0).", minimum=0)
    max_body_bytes: int = _setting(65536, "Largest accepted JSON request body.", minimum=1024)
    page_size: int = _setting(50, "Top-level comments per thread page by default.", minimum=1)
    max_page_size: int = _setting(200, "Largest page a client may ask for.", minimum=1)
    reply_page_size: int = _setting(
        10, "Replies shown under each comment before 'show more'.", minimum=0
    )
    duplicate_window: int = _setting(
        60, "Seconds during which the same text from the same client is refused.", minimum=0
    )
    post_rate_per_minute: int = _setting(
        20,
        "Comments one client (by address) may post per minute, per process; 0: no limit.",
        minimum=0,
    )
    post_burst: int = _setting(
        10, "Comments one client may post in a quick burst before that rate applies.", minimum=1
    )


@dataclass(frozen=True)
class CacheSettings:
    """The in-memory cache of rendered thread pages."""

    enabled: bool = _setting(True, "Cache rendered thread pages in memory.")
    max_entries: int = _setting(4096, "Thread pages kept per process.", minimum=1)


@dataclass(frozen=True)
class RedisSettings:
    """Redis, when several machines share the work."""

    url: str = _setting(
        "",
        "Redis URL (redis://host:6379/0) through which processes tell each other of new "
        "comments for live updates; empty: they learn it from the database instead.",
    )


@dataclass(frozen=True)
class AdminSettings:
    """Signing in to the admin: sessions and the throttling of wrong passwords."""

    session_idle: int = _setting(
        1800, "Seconds an admin session lasts without a request before it ends.", minimum=60
    )
    session_max: int = _setting(
        43200, "Seconds an admin session lasts at most, however busy.", minimum=60
    )
    login_free_failures: int = _setting(
        3,
        "Wrong passwords allowed per account and per client before signing in is delayed.",
        minimum=1,
    )
    login_delay: int = _setting(
        2,
        "Seconds of the first delay after too many wrong passwords; each further failure "
        "doubles it, up to login_lockout.",
        minimum=1,
    )
    login_lockout: int = _setting(
        900, "Longest wait, in seconds, after repeated wrong passwords.", minimum=1
    )


@dataclass(frozen=True)
class Settings:
    """All of yorum's settings, one frozen section per TOML table."""

    server: ServerSettings = field(default_factory=ServerSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    comments: CommentSettings = field(default_factory=CommentSettings)
    cache: CacheSettings = field(default_factory=CacheSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)
    admin: AdminSettings = field(default_factory=AdminSettings)

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
    "cache": CacheSettings,
    "redis": RedisSettings,
    "admin": AdminSettings,
}


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
    redis_url = sections["redis"].url
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        problems.append(f"redis.url: expected redis://, rediss:// or unix://, got {redis_url!r}")
    comments = sections["comments"]
    if comments.page_size > comments.max_page_size:
        problems.append(
            f"comments.page_size: must not exceed comments.max_page_size "
            f"({comments.max_page_size}), got {comments.page_size} ({source})"
        )
    if problems:
        raise SettingsError(problems)
    return Settings(**sections)


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
