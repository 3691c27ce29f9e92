"""What can be set: one frozen dataclass per table of yorum's configuration file.

Each field is one setting, declared with ``_setting``: its default, the help text that
``yorum check``, the docs' settings table and the environment overrides are made from,
and for whole numbers their bounds. Reading the file and the environment into these is
``yorum.settings``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class AbuseSettings:
    """Gatekeeping before a comment exists: rate limits, proof of work, form checks."""

    client_rate: str = _setting(
        "5/10 seconds; 20/minute; 300/day",
        "Comments one client (by address) may post, as limits separated by ';' "
        "(N/second, N/minute, N/10 seconds, N/hour, N/day); empty: no limit.",
    )
    thread_rate: str = _setting(
        "60/minute",
        "Comments one thread takes from all clients together, in the same form; empty: no limit.",
    )
    proof_of_work: bool = _setting(
        True,
        "Require a solved proof-of-work challenge (ALTCHA format) with each comment posted "
        "through the API; comments from the page without JavaScript are held instead.",
    )
    pow_max_number: int = _setting(
        50000,
        "Normal difficulty: the largest number a challenge may hide (about half of it is "
        "tried on average).",
        minimum=1000,
        maximum=10_000_000,
    )
    pow_flood_posts: int = _setting(
        30,
        "Comment attempts a minute on one site above which challenges get harder.",
        minimum=1,
    )
    pow_max_factor: int = _setting(
        16, "How many times harder than normal a challenge gets under a flood.", minimum=1
    )
    challenge_ttl: int = _setting(
        600, "Seconds a challenge may be solved and used in.", minimum=30, maximum=86400
    )
    min_submit_seconds: int = _setting(
        3,
        "Least seconds between showing the form (or fetching the challenge) and posting; "
        "faster posts are refused as automated. 0: no minimum.",
        minimum=0,
        maximum=600,
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
class MetricsSettings:
    """Prometheus metrics at ``/metrics``, and who may read them."""

    enabled: bool = _setting(True, "Serve Prometheus metrics at /metrics.")
    allow: str = _setting(
        "127.0.0.0/8, ::1",
        "Comma-separated client networks allowed to read /metrics (the client address as "
        "yorum sees it, after server.forwarded_allow_ips); empty: none.",
    )
    token: str = _setting(
        "",
        "A bearer token that also admits a scraper from anywhere (Authorization: Bearer "
        "TOKEN; prefer YORUM_METRICS_TOKEN); empty: none.",
    )


@dataclass(frozen=True)
class LogSettings:
    """What yorum writes to standard error, and in which form."""

    format: str = _setting(
        "json",
        "json (one JSON object a line, for journald, Docker and log collectors) or text "
        "(aligned, for reading on a terminal).",
    )
    level: str = _setting("info", "Least severe level written: debug, info, warning or error.")
    requests: bool = _setting(
        False,
        "Write a line per request: method, route template, status, duration and request "
        "id (never the address or the page).",
    )


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server yorum sends notifications through."""

    host: str = _setting("", "SMTP server host name; empty: yorum sends no e-mail.")
    port: int = _setting(
        587, "SMTP port (587 for STARTTLS, 465 for TLS, 25 plain).", minimum=1, maximum=65535
    )
    security: str = _setting(
        "starttls", "starttls (upgrade after connecting), tls (from the start) or none."
    )
    username: str = _setting("", "User name to log in with; empty: no login.")
    password: str = _setting("", "Password to log in with (prefer YORUM_SMTP_PASSWORD).")
    sender: str = _setting(
        "yorum@localhost", "From address of every mail, e.g. 'Comments <comments@example.org>'."
    )
    timeout: int = _setting(15, "Seconds to wait for the mail server.", minimum=1)


@dataclass(frozen=True)
class NotifySettings:
    """Delivering notifications from the outbox: e-mail and webhooks."""

    worker: bool = _setting(
        True, "Deliver from inside yorum serve; false: run yorum worker separately."
    )
    poll_interval: int = _setting(
        2, "Seconds between looks at the outbox when it is idle.", minimum=1
    )
    max_attempts: int = _setting(
        10, "Attempts before a message is marked dead (shown in the admin).", minimum=1
    )
    retry_base: int = _setting(
        10,
        "Seconds before the first retry; each further one waits about twice as long.",
        minimum=1,
    )
    retry_max: int = _setting(3600, "Longest wait between two attempts, in seconds.", minimum=1)
    link_ttl: int = _setting(
        604800, "Seconds a moderation or confirmation link in a mail stays valid.", minimum=60
    )
    webhook_timeout: int = _setting(
        10, "Seconds a webhook receiver has to answer.", minimum=1, maximum=120
    )


@dataclass(frozen=True)
class ModerationSettings:
    """The spam scorers every new comment goes through."""

    scorers: str = _setting(
        "heuristics,words,bayes,flood",
        "Comma-separated names of the spam scorers to run, in order (entry points of the "
        "yorum.scorers group; built-in: heuristics, words, bayes, flood, offensive).",
    )
    flood_window: int = _setting(
        3600, "Seconds of a site's recent comments the flood scorer compares with.", minimum=1
    )
    flood_recent: int = _setting(
        500, "Most recent comments of a site the flood scorer compares with.", minimum=1
    )
    flood_similarity: int = _setting(
        80,
        "Percent of likeness (estimated Jaccard) from which two comments count as copies.",
        minimum=1,
        maximum=100,
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
