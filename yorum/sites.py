"""SiteService: the sites this server hosts, their allowed origins, language and policy."""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from urllib.parse import urlsplit

from yorum.errors import Conflict, Invalid, OriginNotAllowed, UnknownSite
from yorum.models import Erasure, FieldRule, NotifyMode, Policy, Site
from yorum.storage import Store
from yorum.storage import sites as site_rows

SITE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


class _Unread:
    """The type of ``_UNREAD``: no change token was handed in; read one."""


_UNREAD = _Unread()
_TTL = 10.0  # seconds a site is cached where no change token and no listener keep it true


def normalize_origin(origin: str) -> str:
    """``scheme://host[:port]`` in lower case, or ``*``; raises ``Invalid`` otherwise."""
    if origin == "*":
        return origin
    parts = urlsplit(origin.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"}:
        raise Invalid(f"{origin!r} is not an origin like https://example.org", field="origins")
    if parts.query or parts.fragment or parts.username:
        raise Invalid(f"{origin!r} is not an origin like https://example.org", field="origins")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


MAX_SCORE = 1000.0  # the highest hold_score or spam_score a site may have
MAX_NOTIFY_EMAILS = 20


def _addresses(value: object) -> tuple[str, ...]:
    """A site's moderator addresses, checked: a few plain e-mail addresses."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise Invalid("notify_emails is a list of e-mail addresses.", field="notify_emails")
    found = tuple(dict.fromkeys(str(a).strip().lower() for a in value if str(a).strip()))
    if len(found) > MAX_NOTIFY_EMAILS:
        raise Invalid(f"At most {MAX_NOTIFY_EMAILS} addresses are mailed.", field="notify_emails")
    for address in found:
        local, _, domain = address.partition("@")
        if (
            not local
            or "." not in domain
            or len(address) > 254
            or any(c.isspace() or c in '<>,;"' for c in address)
        ):
            raise Invalid(f"{address!r} is not an e-mail address.", field="notify_emails")
    return found


class SiteService:
    """Creates and looks up sites; answers whether an origin may use one."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float] = time.time,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        # Called with a site's id after its settings changed, to tell other processes.
        self.announce = announce or (lambda site_id: None)
        self._cache: dict[str, tuple[object, Site]] = {}
        self._heard = 0  # changes heard of from other processes (and gaps in hearing)
        self._listening = False
        self._heard_lock = threading.Lock()

    def add(
        self,
        site_id: str,
        *,
        name: str = "",
        origins: Sequence[str] = ("*",),
        language: str = "en",
        policy: Policy = Policy.OPEN,
        author_field: FieldRule = FieldRule.OPTIONAL,
        email_field: FieldRule = FieldRule.OPTIONAL,
        website_field: FieldRule = FieldRule.OPTIONAL,
    ) -> Site:
        """Create a site; ``Conflict`` if the id is taken."""
        if not SITE_ID.match(site_id):
            raise Invalid("A site id is 1-64 lower-case letters, digits, '-' or '_'.", field="site")
        if not LANGUAGE.match(language):
            raise Invalid(
                f"{language!r} is not a language tag like 'en' or 'pt-BR'", field="language"
            )
        if not origins:
            raise Invalid("A site needs at least one origin (or '*').", field="origins")
        site = Site(
            id=site_id,
            name=(name or site_id)[:200],
            origins=tuple(dict.fromkeys(normalize_origin(o) for o in origins)),
            language=language,
            policy=policy,
            created_at=self.clock(),
            author_field=author_field,
            email_field=email_field,
            website_field=website_field,
        )
        with self.store.write() as tx:
            if not site_rows.insert(tx, site):
                raise Conflict(f"A site named {site_id!r} exists already.", field="site")
        return site

    def update(self, site_id: str, **changes: object) -> Site:
        """Change some of a site's settings (any ``Site`` field but ``id`` and ``created_at``).

        Values are checked as ``add`` checks them; ``UnknownSite`` if there is no such site.
        """
        settable = {f.name for f in fields(Site)} - {"id", "created_at"}
        unknown = sorted(set(changes) - settable)
        if unknown:
            raise Invalid(f"Sites have no setting {unknown[0]!r}.", field=unknown[0])
        if "language" in changes and not LANGUAGE.match(str(changes["language"])):
            raise Invalid(
                f"{changes['language']!r} is not a language tag like 'en' or 'pt-BR'",
                field="language",
            )
        if "origins" in changes:
            origins = changes["origins"]
            assert isinstance(origins, (list, tuple))
            if not origins:
                raise Invalid("A site needs at least one origin (or '*').", field="origins")
            changes["origins"] = tuple(dict.fromkeys(normalize_origin(str(o)) for o in origins))
        for score in ("hold_score", "spam_score"):
            if score in changes:
                value = changes[score]
                if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                    raise Invalid(f"{score} must be a number.", field=score)
                try:
                    changes[score] = number = float(value)
                except ValueError:
                    raise Invalid(f"{score} must be a number.", field=score) from None
                if not math.isfinite(number) or not 0 < number <= MAX_SCORE:
                    raise Invalid(
                        f"{score} is a number above 0 and at most {MAX_SCORE:g}.", field=score
                    )
        if "name" in changes:
            changes["name"] = str(changes["name"])[:200] or site_id
        if "notify_emails" in changes:
            changes["notify_emails"] = _addresses(changes["notify_emails"])
        if "erasure" in changes:
            try:
                changes["erasure"] = Erasure(str(changes["erasure"]))
            except ValueError:
                raise Invalid("erasure is delete or anonymize.", field="erasure") from None
        if "notify_mode" in changes:
            try:
                changes["notify_mode"] = NotifyMode(str(changes["notify_mode"]))
            except ValueError:
                raise Invalid(
                    "notify_mode is each, hourly, daily or off.", field="notify_mode"
                ) from None
        for name in ("report_threshold", "close_after_days"):
            value = changes.get(name)
            if name in changes and (
                not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100000
            ):
                raise Invalid(f"{name} is a whole number from 0 to 100000.", field=name)
        with self.store.write() as tx:
            site = site_rows.get(tx, site_id)
            if site is None:
                raise UnknownSite(f"There is no site {site_id!r}.", field="site")
            site = replace(site, **changes)  # type: ignore[arg-type]
            if not 0 < site.hold_score <= site.spam_score:
                raise Invalid(
                    "hold_score must be above 0 and at most spam_score.", field="hold_score"
                )
            site_rows.update(tx, site)
        self._cache.pop(site_id, None)
        self.announce(site_id)
        return site

    def heard(self, site_id: str) -> None:
        """Another process changed site ``site_id``: no cached site is trusted any more.

        Called by the listener (``yorum.site_changes``) on PostgreSQL, where no change
        token tells this process of other processes' writes. Site changes are rare, so the
        whole cache goes; that keeps a read racing with the news from caching stale data.
        """
        with self._heard_lock:
            self._heard += 1

    def listening(self, on: bool) -> None:
        """The listener started (or stopped) hearing of other processes' changes.

        While it hears, cached sites are kept until ``heard``; otherwise for ``_TTL``
        seconds. Either way the cache starts over, as changes may have gone unheard.
        """
        with self._heard_lock:
            self._heard += 1
            self._listening = on

    def ensure_default(self) -> Site:
        """The ``default`` site, created (allowing any origin) if there are no sites at all."""
        with self.store.read() as tx:
            existing = site_rows.list_all(tx)
        if existing:
            return existing[0]
        try:
            return self.add("default", name="Default site")
        except Conflict:
            return self.get("default")

    def list(self) -> list[Site]:
        """Every site."""
        with self.store.read() as tx:
            return site_rows.list_all(tx)

    def get(self, site_id: str, *, token: int | None | _Unread = _UNREAD) -> Site:
        """The site with this id; ``UnknownSite`` if there is none. Cached briefly.

        ``token``: the store's change token, when the caller has just read it.
        """
        if isinstance(token, _Unread):
            token = self.store.change_token()
        key: object = token
        if token is None:
            key = ("heard", self._heard) if self._listening else int(self.clock() // _TTL)
        hit = self._cache.get(site_id)
        if hit is not None and hit[0] == key:
            return hit[1]
        with self.store.read() as tx:
            site = site_rows.get(tx, site_id)
        if site is None:
            raise UnknownSite(f"There is no site {site_id!r}.", field="site")
        if len(self._cache) > 1024:
            self._cache.clear()
        self._cache[site_id] = (key, site)
        return site

    def for_origin(
        self, site_id: str, origin: str | None, *, token: int | None | _Unread = _UNREAD
    ) -> Site:
        """The site, provided a browser at ``origin`` may use it; else ``OriginNotAllowed``."""
        site = self.get(site_id, token=token)
        if not site.allows_origin(origin):
            raise OriginNotAllowed(f"{origin} may not use site {site_id!r}.")
        return site
