"""The single schema source: every table yorum stores, as SQLAlchemy Core.

Every change here comes with one Alembic revision in ``migrations/versions``;
``tests/storage/test_migrations.py`` fails when the two disagree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BigInteger ids on PostgreSQL; SQLite only makes INTEGER PRIMARY KEY an alias of rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")

sites = Table(
    "sites",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("origins", Text, nullable=False),  # JSON list of "scheme://host[:port]" or "*"
    Column("language", String(16), nullable=False),
    Column("policy", String(32), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("author_field", String(16), nullable=False, server_default="optional"),
    Column("email_field", String(16), nullable=False, server_default="optional"),
    Column("website_field", String(16), nullable=False, server_default="optional"),
    Column("report_threshold", Integer, nullable=False, server_default="3"),
    Column("close_after_days", Integer, nullable=False, server_default="0"),
    # Spam-score thresholds: a comment scoring at least hold_score waits for a moderator,
    # at least spam_score goes straight to spam.
    Column("hold_score", Float, nullable=False, server_default="5"),
    Column("spam_score", Float, nullable=False, server_default="10"),
    # Notifications: who hears of new comments, how often, and whether readers may ask to
    # hear of replies.
    Column("notify_emails", Text, nullable=False, server_default="[]"),  # JSON list
    Column("notify_mode", String(16), nullable=False, server_default="each"),
    Column("reply_notifications", Boolean, nullable=False, server_default=true()),
    # What erasing a reader's data does to their comments: delete or anonymize.
    Column("erasure", String(16), nullable=False, server_default="delete"),
)

threads = Table(
    "threads",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("uri", String(2048), nullable=False),
    Column("title", String(300), nullable=False),
    Column("locked", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    # Bumped in every transaction that changes what a reader of the thread sees;
    # page caches and ETags are keyed on it.
    Column("version", Integer, nullable=False),
    UniqueConstraint("site_id", "uri"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("thread_id", Id, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", Id, ForeignKey("comments.id", ondelete="CASCADE"), nullable=True),
    Column("depth", SmallInteger, nullable=False),  # 0 for top-level comments
    Column("author", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    Column("website", String(2048), nullable=False),
    Column("text_raw", Text, nullable=False),
    Column("text_html", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("edited_at", Float, nullable=True),
    Column("ip_hash", String(64), nullable=False),
    Column("likes", Integer, nullable=False),
    Column("dislikes", Integer, nullable=False),
    Column("avatar", String(16), nullable=False, server_default=""),
    Column("pinned", Boolean, nullable=False, server_default=false()),
    Column("locked", Boolean, nullable=False, server_default=false()),
    Column("hold_reason", Text, nullable=False, server_default=""),
    # The author asked to be mailed replies (sent once their address is confirmed).
    Column("notify", Boolean, nullable=False, server_default=false()),
    Index(None, "thread_id", "status", "created_at"),
    Index(None, "parent_id"),
    Index(None, "created_at"),
    Index(None, "ip_hash"),  # "has this commenter an approved comment?" (spam scoring)
    Index(None, "email"),
)

votes = Table(
    "votes",
    metadata,
    Column("comment_id", Id, ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    Column("voter_hash", String(64), primary_key=True),
    Column("value", SmallInteger, nullable=False),
    Column("created_at", Float, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site_id", String(64), nullable=False),
    Column("actor", String(200), nullable=False),  # who: a moderator, or "cli"
    Column("action", String(32), nullable=False),  # approve, reject, spam, lock, unlock
    Column("comment_id", Id, nullable=True),  # kept after the comment itself is gone
    Column("uri", String(2048), nullable=True),  # for actions on a whole thread
    Column("reason", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index(None, "site_id", "created_at"),
)

bans = Table(
    "bans",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # email, ip (a keyed hash), name (a pattern)
    Column("value", String(254), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=True),  # None: until lifted
    Index(None, "site_id", "kind"),
)

used_proofs = Table(
    "used_proofs",
    metadata,
    # The HMAC of a proof-of-work challenge whose solution came with a comment.
    Column("signature", String(64), primary_key=True),
    Column("expires_at", Float, nullable=False),
    Index(None, "expires_at"),
)

commenters = Table(
    "commenters",
    metadata,
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    # "email:<lower-case address>" when the commenter gave one, else "ip:<keyed hash>"
    Column("key", String(300), primary_key=True),
    Column("trusted", Boolean, nullable=False),  # a moderator trusts them: never held
    Column("known", Boolean, nullable=False),  # a comment of theirs was approved
    Column("updated_at", Float, nullable=False),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("comment_id", Id, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("reporter_hash", String(64), nullable=False),  # keyed hash of the reader's address
    Column("reason", String(16), nullable=False),  # spam, abuse, off_topic, other
    Column("note", String(500), nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("comment_id", "reporter_hash"),
)

comment_verdicts = Table(
    "comment_verdicts",
    metadata,
    Column("comment_id", Id, ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    Column("score", Float, nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list of {"scorer", "points", "text"}
)

spam_words = Table(
    "spam_words",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # banned (refused) or suspect (held)
    Column("word", String(200), nullable=False),  # as the moderator typed it
    Column("folded", String(200), nullable=False),  # as it is matched
    Column("created_at", Float, nullable=False),
    UniqueConstraint("site_id", "folded"),
)

spam_tokens = Table(
    "spam_tokens",
    metadata,
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("token", String(64), primary_key=True),  # "" holds the message totals
    Column("spam", Integer, nullable=False),
    Column("ham", Integer, nullable=False),
)

spam_trained = Table(
    "spam_trained",
    metadata,
    Column("comment_id", Id, primary_key=True),  # kept after the comment is gone
    Column("site_id", String(64), nullable=False),
    Column("spam", Boolean, nullable=False),
)

comment_signatures = Table(
    "comment_signatures",
    metadata,
    Column("comment_id", Id, ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("signature", LargeBinary, nullable=False),  # MinHash values, little-endian uint32
    Index(None, "site_id", "created_at"),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),  # argon2id, never the password
    Column("is_admin", Boolean, nullable=False),  # a global admin: every site, users, sites
    Column("totp_secret", String(64), nullable=True),  # base32; None: no second factor
    Column("created_at", Float, nullable=False),
)

site_moderators = Table(
    "site_moderators",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), nullable=False),  # moderator or admin (of this one site)
)

admin_sessions = Table(
    "admin_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # the cookie holds the token itself
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("verified", Boolean, nullable=False),  # False until the TOTP step is passed
    Column("created_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Index(None, "user_id"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(200), primary_key=True),  # "user:NAME" or "client:ADDRESS-HASH"
    Column("count", Integer, nullable=False),
    Column("until", Float, nullable=False),  # no sign-in attempts before this time
)

outbox = Table(
    "outbox",
    metadata,
    # One message to deliver: written in the transaction of the change it reports, then
    # claimed, delivered and retried by the delivery worker (yorum.notify.worker).
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),  # email or webhook
    Column("kind", String(32), nullable=False),  # moderator, digest, confirm, reply, event
    Column("site_id", String(64), nullable=False),
    Column("recipient", String(320), nullable=False),  # an e-mail address or a webhook id
    Column("payload", Text, nullable=False),  # JSON: what the channel needs to deliver it
    Column("status", String(8), nullable=False),  # pending, sent or dead
    Column("attempts", Integer, nullable=False),
    Column("due_at", Float, nullable=False),  # not before; a claim moves it ahead (a lease)
    Column("last_error", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("sent_at", Float, nullable=True),
    Index(None, "status", "due_at"),
    Index(None, "site_id", "created_at"),
)

subscribers = Table(
    "subscribers",
    metadata,
    # A reader's address for reply notifications on one site, after double opt-in.
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("email", String(254), primary_key=True),  # lower case
    Column("confirmed_at", Float, nullable=True),  # None: the confirmation mail is pending
    Column("unsubscribed_at", Float, nullable=True),
    Column("asked_at", Float, nullable=False),  # when the last confirmation mail was queued
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("secret", String(100), nullable=False),  # whsec_<base64>, Standard Webhooks
    Column("events", Text, nullable=False),  # comma-separated event types, or *
    Column("active", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    Index(None, "site_id"),
)

digests = Table(
    "digests",
    metadata,
    # When a site's last digest mail was queued (sites with hourly or daily notify_mode).
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("last_at", Float, nullable=False),
)

imported = Table(
    "imported",
    metadata,
    # What ``yorum import`` brought in: each record of a source, keyed on the source's own
    # id, so importing a file again changes nothing.
    Column("site_id", String(64), ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(32), primary_key=True),  # the importer's name: disqus, wordpress...
    Column("source_id", String(200), primary_key=True),
    # None: not kept (a deleted comment nobody answered), or removed since (deleted for good,
    # a reader's erasure). The row stays, so a new import does not bring the comment back.
    Column("comment_id", Id, ForeignKey("comments.id", ondelete="SET NULL"), nullable=True),
    # The source id of the comment replied to, while that comment is not found yet.
    Column("parent_source_id", String(200), nullable=True),
    Index(None, "comment_id"),
    sqlite_with_rowid=False,  # the key is the whole point: no second copy of it in an index
)
