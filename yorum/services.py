"""Wiring: ``build(settings)`` constructs the store and services once, for web and CLI."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from yorum import keys
from yorum.abuse import Gate
from yorum.accounts import AccountService
from yorum.admin import AdminService
from yorum.changes import RedisChanges
from yorum.comments import CommentService
from yorum.imports import ImportService
from yorum.moderation.bans import BanList
from yorum.moderation.bayes import AdaptiveFilter
from yorum.moderation.queue import ModerationService
from yorum.moderation.reports import ReportService
from yorum.moderation.scoring import Pipeline, ScorerEnv
from yorum.moderation.words import WordLists
from yorum.notify.actions import LinkActions
from yorum.notify.events import Notifier
from yorum.notify.links import Links
from yorum.notify.webhook import Webhooks
from yorum.privacy import AvatarSeeds, IpHasher
from yorum.readers import ReaderData
from yorum.settings import Settings
from yorum.sites import SiteService
from yorum.storage import Store, migrate
from yorum.tokens import EditTokens


@dataclass
class Services:
    """Everything a request or a command needs, built once per process."""

    settings: Settings
    store: Store
    sites: SiteService
    comments: CommentService
    moderation: ModerationService
    bans: BanList
    reports: ReportService
    words: WordLists
    adaptive: AdaptiveFilter
    accounts: AccountService
    admin: AdminService
    notifier: Notifier
    links: Links  # the signed links of notification mails
    link_actions: LinkActions  # what those links do
    webhooks: Webhooks  # each site's webhook endpoints
    readers: ReaderData  # readers' own data: export and erasure
    imports: ImportService  # comments from other systems' exports
    changes: RedisChanges | None = None  # announces thread changes when Redis is set up

    @property
    def reads_are_quick(self) -> bool:
        """Whether reads are local and never wait for a lock (SQLite in WAL mode).

        Such reads cost less than a hop to a worker thread, so the web layer runs them on
        the event loop; elsewhere (PostgreSQL, a network away) they go to the thread pool.
        """
        return self.store.is_sqlite

    def close(self) -> None:
        """Release the database (and Redis) connections."""
        self.store.close()
        if self.changes is not None:
            self.changes.close()


def build(
    settings: Settings,
    *,
    clock: Callable[[], float] = time.time,
    migrate_schema: bool = True,
) -> Services:
    """Open the database (migrating it unless told not to) and construct the services."""
    install_keys = keys.load_or_create(settings.data_path)
    store = Store.open(settings.database_url, busy_timeout=settings.database.busy_timeout)
    if migrate_schema:
        migrate.upgrade(store)
    changes = RedisChanges(settings.redis.url) if settings.redis.url else None
    sites = SiteService(store, clock, announce=changes.publish_site if changes else None)
    hash_ip = IpHasher(install_keys.ip_hash)
    bans = BanList(store, hash_ip, clock)
    pipeline = Pipeline.from_settings(ScorerEnv(store, settings.moderation, clock))
    adaptive = AdaptiveFilter(store)
    notifier = Notifier(settings, clock)
    comments = CommentService(
        store,
        sites,
        EditTokens(install_keys.edit_tokens, settings.comments.edit_window),
        hash_ip,
        settings.comments,
        Gate(settings.abuse, install_keys.challenges, settings.redis.url, clock),
        clock,
        AvatarSeeds(install_keys.avatar),
        announce=changes.publish if changes else None,
        bans=bans,
        pipeline=pipeline,
        notifier=notifier,
    )
    announce = changes.publish if changes else None
    moderation = ModerationService(
        store, clock, announce=announce, adaptive=adaptive, notifier=notifier
    )
    reports = ReportService(store, sites, hash_ip, clock, announce=announce, notifier=notifier)
    accounts = AccountService(store, settings.admin, clock)
    words = WordLists(store, clock)
    webhooks = Webhooks(store, clock)
    readers = ReaderData(store, sites, hash_ip, mail=notifier.mail, clock=clock)
    links = Links(install_keys.links, notifier.server_url, settings.notify.link_ttl, clock)
    return Services(
        settings=settings,
        store=store,
        sites=sites,
        comments=comments,
        moderation=moderation,
        bans=bans,
        reports=reports,
        words=words,
        adaptive=adaptive,
        accounts=accounts,
        admin=AdminService(
            store, sites, moderation, bans, accounts, words, webhooks, readers, clock
        ),
        notifier=notifier,
        links=links,
        link_actions=LinkActions(store, links, moderation, clock),
        webhooks=webhooks,
        readers=readers,
        imports=ImportService(
            store, sites, hash_ip, AvatarSeeds(install_keys.avatar), settings.comments, clock
        ),
        changes=changes,
    )
