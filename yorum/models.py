"""The plain typed values that flow between yorum's layers: no SQL, no HTTP."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Status(enum.StrEnum):
    """Where a comment stands in moderation."""

    APPROVED = "approved"
    PENDING = "pending"
    SPAM = "spam"
    DELETED = "deleted"


class Policy(enum.StrEnum):
    """A site's moderation policy for new comments."""

    OPEN = "open"
    HOLD_ALL = "hold_all"
    HOLD_NEW = "hold_new"  # hold comments of commenters with no approved comment yet
    HOLD_LINKS = "hold_links"  # hold comments containing links


class FieldRule(enum.StrEnum):
    """Whether a site's comment form shows a field, and whether it must be filled."""

    HIDDEN = "hidden"
    OPTIONAL = "optional"
    REQUIRED = "required"


class Sort(enum.StrEnum):
    """Orders of a thread's top-level comments; replies always read oldest first."""

    OLDEST = "oldest"
    NEWEST = "newest"
    BEST = "best"


class Erasure(enum.StrEnum):
    """What erasing a reader's data does to their comments."""

    DELETE = "delete"  # removed; a blank placeholder stays where others replied
    ANONYMIZE = "anonymize"  # the text stays, with no name, address, website or picture


class NotifyMode(enum.StrEnum):
    """How often a site's moderators are mailed about new comments."""

    EACH = "each"  # one mail per new or held comment
    HOURLY = "hourly"  # one digest an hour, when there was something
    DAILY = "daily"  # one digest a day
    OFF = "off"  # no mail; the admin queue only


@dataclass(frozen=True)
class Site:
    """One website whose pages carry yorum threads."""

    id: str
    name: str
    origins: tuple[str, ...]
    language: str
    policy: Policy
    created_at: float
    author_field: FieldRule = FieldRule.OPTIONAL
    email_field: FieldRule = FieldRule.OPTIONAL
    website_field: FieldRule = FieldRule.OPTIONAL
    report_threshold: int = 3  # reader reports that hold a comment; 0: reports never hold
    close_after_days: int = 0  # threads older than this take no comments; 0: never closed
    hold_score: float = 5.0  # a spam score from here up holds a comment for moderation
    spam_score: float = 10.0  # from here up the comment goes straight to spam
    notify_emails: tuple[str, ...] = ()  # who is mailed about new and held comments
    notify_mode: NotifyMode = NotifyMode.EACH
    reply_notifications: bool = True  # readers may ask to be mailed replies
    erasure: Erasure = Erasure.DELETE  # what erasing a reader's data does to their comments

    def closes_at(self, thread_created_at: float) -> float | None:
        """When a thread created at ``thread_created_at`` closes, or ``None`` if never."""
        if self.close_after_days <= 0:
            return None
        return thread_created_at + self.close_after_days * 86400.0

    def page_url(self, uri: str, server_url: str) -> str:
        """An absolute URL for a thread's page: the URI itself, or joined to the site's
        first origin (``server_url`` for a site that allows any origin)."""
        if not uri.startswith("/"):
            return uri
        origins = [o for o in self.origins if o != "*"]
        return (origins[0] if origins else server_url.rstrip("/")) + uri

    def field_rule(self, name: str) -> FieldRule:
        """The rule for the form field ``name`` (``author``, ``email`` or ``website``)."""
        rule: FieldRule = getattr(self, f"{name}_field")
        return rule

    def allows_origin(self, origin: str | None) -> bool:
        """Whether a browser request from ``origin`` may use this site."""
        if origin is None or "*" in self.origins:
            return True
        return origin.rstrip("/").lower() in self.origins


@dataclass(frozen=True)
class Thread:
    """The comments of one page (a URI) of one site."""

    id: int
    site_id: str
    uri: str
    title: str
    locked: bool
    created_at: float
    version: int


class Comment(NamedTuple):
    """One comment as stored; ``text_html`` is the only form ever shown.

    A named tuple rather than a frozen dataclass: thread reads build hundreds of these
    per request, and a tuple is built about ten times faster. Fields are in the order of
    the ``comments`` table's columns.
    """

    id: int
    thread_id: int
    parent_id: int | None
    depth: int
    author: str
    email: str
    website: str
    text_raw: str
    text_html: str
    status: Status
    created_at: float
    edited_at: float | None
    ip_hash: str
    likes: int
    dislikes: int
    avatar: str = ""
    pinned: bool = False  # a moderator pinned it: lists first among top-level comments
    locked: bool = False  # a moderator locked it: no replies to it
    hold_reason: str = ""  # why the policy held it (empty when it was not held)
    notify: bool = False  # the author asked to be mailed replies

    @property
    def is_visible(self) -> bool:
        """Whether readers other than the author see this comment's text."""
        return self.status is Status.APPROVED

    @property
    def score(self) -> int:
        """Net votes, used by the 'best' sort."""
        return self.likes - self.dislikes


@dataclass(frozen=True)
class NewComment:
    """A comment as a reader submits it, already checked for shape and length."""

    site_id: str
    uri: str
    text: str
    author: str = ""
    email: str = ""
    website: str = ""
    parent_id: int | None = None
    title: str = ""
    notify: bool = False  # mail the author replies (after they confirm their address)


@dataclass(frozen=True)
class CommentEdit:
    """An author's change to their own comment; ``None`` leaves a field as it is."""

    text: str
    author: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class ClientInfo:
    """Who is asking, as far as yorum needs to know: never stored raw."""

    ip: str
    origin: str | None = None
    proof: str | None = None  # a solved proof-of-work challenge (ALTCHA payload)
    page: bool = False  # posted through the plain page's form, not the JSON API
    form_stamp: str | None = None  # the plain form's signed render time
    trap: str = ""  # the hidden field people leave empty
    unproven: bool = False  # a client that can neither solve a challenge nor carry a form stamp


@dataclass(frozen=True)
class Posted:
    """The result of posting: the comment and the token that lets its author edit it."""

    comment: Comment
    thread: Thread
    edit_token: str
    edit_until: float


@dataclass
class CommentNode:
    """A comment in a thread page with the replies shown under it."""

    comment: Comment
    replies: list[CommentNode] = field(default_factory=list)
    hidden_replies: int = 0
    reply_count: int = 0


@dataclass(frozen=True)
class ThreadPage:
    """One page of a thread: its top-level comments (or one comment's replies)."""

    site_id: str
    uri: str
    thread: Thread | None
    total: int
    nodes: list[CommentNode]
    hidden: int
    next_cursor: str | None
    closed: bool = False  # older than the site's close_after_days: takes no comments


@dataclass(frozen=True)
class VoteResult:
    """A comment's vote tally after a vote, and the voter's current vote."""

    comment_id: int
    likes: int
    dislikes: int
    vote: int


@dataclass(frozen=True)
class SiteComment:
    """A comment with the thread it belongs to, for site-wide lists and feeds."""

    comment: Comment
    uri: str
    title: str


@dataclass(frozen=True)
class AuditEntry:
    """One moderation action, as the audit log keeps it."""

    site_id: str
    actor: str
    action: str
    comment_id: int | None
    reason: str
    at: float
    uri: str | None = None


@dataclass(frozen=True)
class Webhook:
    """An endpoint of a site that receives its events as signed JSON POSTs.

    ``secret`` (``whsec_`` and base64) keys the signatures; it is left out of ``repr`` so
    it never lands in a log. ``events`` holds event types, or ``("*",)`` for all of them.
    """

    id: int
    site_id: str
    url: str
    secret: str = field(repr=False)
    events: tuple[str, ...]
    active: bool
    created_at: float


class BanKind(enum.StrEnum):
    """What a ban matches: an e-mail address, a client address (by its hash), or a name."""

    EMAIL = "email"
    IP = "ip"
    NAME = "name"


@dataclass(frozen=True)
class Ban:
    """One entry of a site's ban list."""

    id: int
    site_id: str
    kind: BanKind
    value: str  # a lower-case e-mail address, an address hash, or a name pattern (* and ?)
    reason: str
    created_at: float
    expires_at: float | None


class ReportReason(enum.StrEnum):
    """Why a reader reports a comment."""

    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


@dataclass(frozen=True)
class Report:
    """One reader's report of a comment (the reader known only by a keyed address hash)."""

    comment_id: int
    reason: ReportReason
    note: str
    created_at: float


@dataclass(frozen=True)
class ReportResult:
    """What a report did: the comment's report count, and whether it is now held."""

    comment_id: int
    reports: int
    held: bool


@dataclass(frozen=True)
class ReportedComment:
    """A comment with open reports, for moderators: counts per reason and the notes."""

    comment: SiteComment
    reports: int
    reasons: dict[str, int]
    notes: list[str]


@dataclass(frozen=True)
class Commenter:
    """A commenter's standing on a site; ``key`` is ``email:<address>`` or ``ip:<hash>``."""

    site_id: str
    key: str
    trusted: bool
    known: bool


@dataclass(frozen=True)
class Reason:
    """One scorer's contribution to a comment's spam score, said for a moderator."""

    scorer: str
    points: float
    text: str


@dataclass(frozen=True)
class Verdict:
    """What the spam scorers made of a comment: a status, the total and the reasons."""

    status: Status  # approved, pending or spam
    score: float
    reasons: tuple[Reason, ...] = ()

    def overrule(self, status: Status) -> Status:
        """The stricter of ``status`` (from the site's policy) and this verdict's status."""
        order = (Status.APPROVED, Status.PENDING, Status.SPAM)
        return max(status, self.status, key=order.index)


class WordKind(enum.StrEnum):
    """What a word on a site's word list does to a comment containing it."""

    BANNED = "banned"  # refused outright
    SUSPECT = "suspect"  # held for a moderator


@dataclass(frozen=True)
class Word:
    """One entry of a site's word list."""

    id: int
    site_id: str
    kind: WordKind
    word: str
    folded: str
    created_at: float


class Role(enum.StrEnum):
    """What a user may do on one site. Global admins (``User.is_admin``) may do everything."""

    MODERATOR = "moderator"  # the queue, threads, bans and the audit log
    ADMIN = "admin"  # all that, plus the site's settings and its moderators


@dataclass(frozen=True)
class User:
    """An account that signs in to the admin; never carries its password hash."""

    id: int
    name: str
    is_admin: bool
    totp_enabled: bool
    created_at: float
    roles: dict[str, Role] = field(default_factory=dict)  # site id -> role

    def role_on(self, site_id: str) -> Role | None:
        """The user's role on a site (global admins are admins everywhere)."""
        return Role.ADMIN if self.is_admin else self.roles.get(site_id)


@dataclass(frozen=True)
class AdminSession:
    """A signed-in browser: its user, its CSRF token, and whether TOTP is still owed."""

    user: User
    csrf: str
    verified: bool


@dataclass(frozen=True)
class QueueFilter:
    """Which comments an admin list shows; ``sites`` is what the viewer may see."""

    sites: tuple[str, ...]
    status: Status | None = Status.PENDING  # None: every status but deleted
    site_id: str = ""
    uri: str = ""
    author: str = ""
    text: str = ""
    offset: int = 0
    limit: int = 50
    reported: bool = False  # only comments with open reader reports


@dataclass(frozen=True)
class QueueItem:
    """A comment as the moderation queue lists it, with its site and thread."""

    comment: Comment
    site_id: str
    uri: str
    title: str


@dataclass(frozen=True)
class CommentNotes:
    """Why a comment is where it is, for moderators: the hold, the spam score, the reports."""

    hold_reason: str = ""  # what the site's policy or the gate said, "" if nothing held it
    score: float | None = None  # the spam scorers' total; None for comments never scored
    reasons: tuple[Reason, ...] = ()
    reports: tuple[tuple[str, str], ...] = ()  # open reader reports: (reason, note)


@dataclass(frozen=True)
class DayStats:
    """Comments posted on one UTC day (``day`` is ``YYYY-MM-DD``), by status."""

    day: str
    counts: dict[str, int]


class OutboxMessage(NamedTuple):
    """One queued notification: an e-mail to one address, or one webhook event."""

    id: int
    channel: str  # email or webhook
    kind: str  # moderator, digest, confirm, reply, reported; event for webhooks
    site_id: str
    recipient: str  # an e-mail address, or the webhook's id
    payload: dict[str, Any]
    status: str  # pending, sent or dead
    attempts: int
    due_at: float
    last_error: str
    created_at: float
    sent_at: float | None


class NotifyEvent(enum.StrEnum):
    """What webhooks (and moderators) are told about."""

    CREATED = "comment.created"  # a comment approved on arrival
    HELD = "comment.held"  # a new comment waiting for moderation
    APPROVED = "comment.approved"  # a moderator approved a held comment
    REPORTED = "comment.reported"  # readers' reports reached the site's threshold


@dataclass(frozen=True)
class Subscriber:
    """A reader's address for reply notifications on one site."""

    site_id: str
    email: str
    confirmed_at: float | None  # None: the confirmation mail is still unanswered
    unsubscribed_at: float | None
    asked_at: float
