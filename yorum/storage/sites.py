"""Site queries."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects import postgresql, sqlite

from yorum.models import Erasure, FieldRule, NotifyMode, Policy, Site
from yorum.storage import Tx
from yorum.storage.tables import sites

_BY_ID = select(sites).where(sites.c.id == bindparam("id"))
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")
CHANNEL = "yorum_sites"
"""The PostgreSQL notification channel that carries the ids of sites whose settings changed."""


def _site(row: Any) -> Site:
    return Site(
        id=row.id,
        name=row.name,
        origins=tuple(json.loads(row.origins)),
        language=row.language,
        policy=Policy(row.policy),
        created_at=row.created_at,
        author_field=FieldRule(row.author_field),
        email_field=FieldRule(row.email_field),
        website_field=FieldRule(row.website_field),
        hold_score=row.hold_score,
        report_threshold=row.report_threshold,
        close_after_days=row.close_after_days,
        spam_score=row.spam_score,
        notify_emails=tuple(json.loads(row.notify_emails)),
        notify_mode=NotifyMode(row.notify_mode),
        reply_notifications=bool(row.reply_notifications),
        erasure=Erasure(row.erasure),
    )


def _fields(site: Site) -> dict[str, str | int | float | bool]:
    return {
        "notify_emails": json.dumps(list(site.notify_emails)),
        "notify_mode": site.notify_mode.value,
        "reply_notifications": site.reply_notifications,
        "erasure": site.erasure.value,
        "hold_score": site.hold_score,
        "spam_score": site.spam_score,
        "author_field": site.author_field.value,
        "email_field": site.email_field.value,
        "website_field": site.website_field.value,
        "report_threshold": site.report_threshold,
        "close_after_days": site.close_after_days,
    }


def insert(tx: Tx, site: Site) -> bool:
    """Store a new site; False if a site with its id exists (perhaps added just now by
    another process)."""
    dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(sites).values(
        id=site.id,
        name=site.name,
        origins=json.dumps(list(site.origins)),
        language=site.language,
        policy=site.policy.value,
        created_at=site.created_at,
        **_fields(site),
    )
    inserted = tx.execute(statement.on_conflict_do_nothing().returning(sites.c.id)).first()
    return inserted is not None


def update(tx: Tx, site: Site) -> None:
    """Replace a site's settings; on PostgreSQL, tell other processes at commit."""
    tx.execute(
        sites.update()
        .where(sites.c.id == site.id)
        .values(
            name=site.name,
            origins=json.dumps(list(site.origins)),
            language=site.language,
            policy=site.policy.value,
            **_fields(site),
        )
    )
    if tx.dialect.name == "postgresql":
        tx.execute(_NOTIFY, {"channel": CHANNEL, "payload": site.id})


def get(tx: Tx, site_id: str) -> Site | None:
    """The site with this id, if any."""
    row = tx.execute(_BY_ID, {"id": site_id}).first()
    return _site(row) if row else None


def list_all(tx: Tx) -> list[Site]:
    """Every site, by id."""
    return [_site(r) for r in tx.execute(select(sites).order_by(sites.c.id))]
