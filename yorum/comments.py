"""CommentService: posting, editing, deleting, voting and reading comments.

The one orchestrator of comment rules. Every entry path (JSON API, pages, CLI) comes
through here, so every path gets the same checks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace

from yorum import listing, metrics, render
from yorum.abuse import Gate
from yorum.abuse.proof import Challenge
from yorum.errors import (
    CommentDeleted,
    CommentLocked,
    CommentNotFound,
    DuplicateComment,
    Invalid,
    ProofReplayed,
    ThreadClosed,
    ThreadLocked,
)
from yorum.models import (
    ClientInfo,
    Comment,
    CommentEdit,
    FieldRule,
    NewComment,
    Posted,
    Site,
    SiteComment,
    Sort,
    Status,
    Thread,
    ThreadPage,
    VoteResult,
)
from yorum.moderation import policy
from yorum.moderation.bans import BanList
from yorum.moderation.scoring import ModerationContext, Pipeline
from yorum.notify.events import Notifier
from yorum.privacy import AvatarSeeds, IpHasher
from yorum.settings import CommentSettings
from yorum.sites import SiteService
from yorum.storage import Store, Tx
from yorum.storage import comments as comment_rows
from yorum.storage import proofs as proof_rows
from yorum.storage import threads as thread_rows
from yorum.tokens import EditTokens

_VISIBLE = (Status.APPROVED, Status.DELETED)
_CLOSED = 1 << 40  # added to the version of a thread closed by age, so caches see it


class CommentService:
    """The comment rules of one yorum install."""

    def __init__(
        self,
        store: Store,
        sites: SiteService,
        tokens: EditTokens,
        hash_ip: IpHasher,
        settings: CommentSettings,
        gate: Gate,
        clock: Callable[[], float] = time.time,
        avatar_seed: AvatarSeeds | None = None,
        announce: Callable[[str, str], None] | None = None,
        bans: BanList | None = None,
        pipeline: Pipeline | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.store = store
        self.notifier = notifier  # writes the outbox rows of a new comment
        self.sites = sites
        self.tokens = tokens
        self.hash_ip = hash_ip
        self.avatar_seed = avatar_seed or AvatarSeeds(b"")
        # Called with (site, uri) after each committed change to a thread, for live updates.
        self.announce = announce or (lambda site_id, uri: None)
        self.bans = bans
        self.pipeline = pipeline or Pipeline([])
        self.settings = settings
        self.clock = clock
        self.gate = gate
        self._posts = 0
        self._versions: dict[tuple[str, str], tuple[int, tuple[int, int], float]] = {}
        self._versions_lock = threading.Lock()

    # -- writing -------------------------------------------------------------------------

    @metrics.counts_comments
    def post(self, new: NewComment, client: ClientInfo) -> Posted:
        """Store a reader's comment; approved or held per the site's policy."""
        site = self.sites.for_origin(new.site_id, client.origin)
        new = self._apply_field_rules(site, new)
        if new.notify and not new.email.strip():
            raise Invalid(
                "Give your e-mail address to be mailed replies.", field="email", code="required"
            )
        ip_hash = self.hash_ip(client.ip)
        now = self.clock()
        admission = self.gate.admit(site.id, new.uri, ip_hash, client)
        if self.bans is not None:
            self.bans.check(site.id, email=new.email, ip_hash=ip_hash, author=new.author)
        html = render.render(new.text)
        status, reasons = policy.screen(
            self.store, site, email=new.email, ip_hash=ip_hash, html=html
        )
        if admission.hold:
            status, reasons = Status.PENDING, [*reasons, *admission.hold]
        scoring = ModerationContext(site, ip_hash, now)
        verdict = self.pipeline.run(new, scoring)  # may refuse: BannedWord
        status = verdict.overrule(status)
        self._posts += 1
        tidy = self._posts % 256 == 0

        def store(tx: Tx) -> tuple[Comment, Thread]:
            thread = thread_rows.get_or_create(tx, site.id, new.uri, new.title, now)
            if thread.locked:
                raise ThreadLocked("This thread is locked; it takes no new comments.")
            closes_at = site.closes_at(thread.created_at)
            if closes_at is not None and now >= closes_at:
                raise ThreadClosed("This thread is closed; it takes no new comments.")
            # Bumping first also locks the thread row on PostgreSQL, so concurrent posts to
            # one thread serialize and the duplicate check below sees the others.
            thread_rows.bump(tx, thread.id, title=new.title if not thread.title else None)
            depth = self._reply_depth(tx, thread, new.parent_id)
            since = now - self.settings.duplicate_window
            if comment_rows.recent_duplicate(tx, thread.id, ip_hash, new.text, since):
                raise DuplicateComment("You posted this comment already.", field="text")
            proof = admission.proof
            if proof is not None and not proof_rows.use(tx, proof.signature, proof.expires_at):
                raise ProofReplayed("This solution was used already.", field="altcha")
            if tidy:
                proof_rows.forget_expired(tx, now)
            comment = comment_rows.insert(
                tx,
                thread_id=thread.id,
                parent_id=new.parent_id,
                depth=depth,
                author=new.author,
                email=new.email,
                website=new.website,
                text_raw=new.text,
                text_html=html,
                status=status,
                created_at=now,
                ip_hash=ip_hash,
                avatar=self.avatar_seed(new.email, new.author),
                hold_reason="; ".join(reasons),
                notify=new.notify and bool(new.email),
            )
            self.pipeline.record(tx, comment.id, new, scoring, verdict)
            if self.notifier is not None:
                self.notifier.posted(tx, site, thread, comment)
            return comment, thread

        comment, thread = self.store.write_grouped(store)
        self.announce(thread.site_id, thread.uri)
        return Posted(
            comment=comment,
            thread=thread,
            edit_token=self.tokens.issue(comment),
            edit_until=self.tokens.expires(comment),
        )

    @staticmethod
    def _apply_field_rules(site: Site, new: NewComment) -> NewComment:
        """Refuse a comment missing a field the site requires; drop fields it hides."""
        values = {}
        for name in ("author", "email", "website"):
            rule = site.field_rule(name)
            value: str = getattr(new, name)
            if rule is FieldRule.REQUIRED and not value.strip():
                raise Invalid(f"Please give {name}.", field=name, code="required")
            values[name] = "" if rule is FieldRule.HIDDEN else value
        return replace(
            new, author=values["author"], email=values["email"], website=values["website"]
        )

    def _reply_depth(self, tx: Tx, thread: Thread, parent_id: int | None) -> int:
        """The depth a reply to ``parent_id`` would have; checks the parent may be replied to."""
        if parent_id is None:
            return 0
        parent = comment_rows.get(tx, parent_id)
        if (
            parent is None
            or parent.thread_id != thread.id
            or parent.status
            in (
                Status.PENDING,
                Status.SPAM,
            )
        ):
            raise Invalid("There is no such comment in this thread.", field="parent")
        if parent.status is Status.DELETED:
            raise CommentDeleted("The comment you reply to was deleted.", field="parent")
        if parent.locked:
            raise CommentLocked("The comment you reply to is locked.", field="parent")
        if parent.depth >= self.settings.max_depth:
            raise Invalid(
                f"Replies nest at most {self.settings.max_depth} levels deep.",
                field="parent",
                code="too_deep",
            )
        return parent.depth + 1

    def source(self, comment_id: int, token: str | None, client: ClientInfo) -> Comment:
        """The author's own comment, with its Markdown source, inside the edit window."""
        with self.store.read() as tx:
            comment, _ = self._authorized(tx, comment_id, token, client)
        return comment

    def edit(
        self, comment_id: int, change: CommentEdit, token: str | None, client: ClientInfo
    ) -> Comment:
        """Replace the text of the author's own comment, inside the edit window."""
        html = render.render(change.text)
        now = self.clock()
        with self.store.write() as tx:
            comment, thread = self._authorized(tx, comment_id, token, client)
            thread_rows.bump(tx, thread.id)
            author = comment.author if change.author is None else change.author
            website = comment.website if change.website is None else change.website
            comment_rows.update_text(
                tx,
                comment.id,
                text_raw=change.text,
                text_html=html,
                author=author,
                website=website,
                avatar=self.avatar_seed(comment.email, author),
                edited_at=now,
            )
            edited = comment_rows.get(tx, comment.id)
        assert edited is not None
        self.announce(thread.site_id, thread.uri)
        return edited

    def delete(self, comment_id: int, token: str | None, client: ClientInfo) -> Comment | None:
        """Delete the author's own comment; returns the placeholder left if it had replies.

        Removing a comment may leave its deleted parent without replies; such placeholders
        are removed too, up the thread.
        """
        placeholder, thread = self._delete(comment_id, token, client)
        self.announce(thread.site_id, thread.uri)
        return placeholder

    def _delete(
        self, comment_id: int, token: str | None, client: ClientInfo
    ) -> tuple[Comment | None, Thread]:
        now = self.clock()
        with self.store.write() as tx:
            comment, thread = self._authorized(tx, comment_id, token, client)
            thread_rows.bump(tx, thread.id)
            if comment_rows.has_children(tx, comment.id):
                comment_rows.make_placeholder(tx, comment.id, now)
                return comment_rows.get(tx, comment.id), thread
            comment_rows.remove(tx, comment.id)
            parent_id = comment.parent_id
            while parent_id is not None:
                parent = comment_rows.get(tx, parent_id)
                if parent is None or parent.status is not Status.DELETED:
                    break
                if comment_rows.has_children(tx, parent.id):
                    break
                comment_rows.remove(tx, parent.id)
                parent_id = parent.parent_id
        return None, thread

    def _authorized(
        self, tx: Tx, comment_id: int, token: str | None, client: ClientInfo
    ) -> tuple[Comment, Thread]:
        """The comment and its thread, if ``token`` proves authorship inside the window."""
        comment = comment_rows.get(tx, comment_id)
        if comment is None:
            raise CommentNotFound(f"There is no comment {comment_id}.")
        thread = thread_rows.get(tx, comment.thread_id)
        assert thread is not None
        self.sites.for_origin(thread.site_id, client.origin)
        self.tokens.check(token, comment, self.clock())
        if comment.status is Status.DELETED:
            raise CommentDeleted("This comment was deleted.")
        return comment, thread

    def vote(self, comment_id: int, value: int, client: ClientInfo) -> VoteResult:
        """Record a reader's up (+1) or down (-1) vote, or withdraw it (0)."""
        voter = self.hash_ip(client.ip)
        with self.store.write() as tx:
            comment = comment_rows.get(tx, comment_id)
            if comment is None or comment.status is not Status.APPROVED:
                raise CommentNotFound(f"There is no comment {comment_id}.")
            thread = thread_rows.get(tx, comment.thread_id)
            assert thread is not None
            self.sites.for_origin(thread.site_id, client.origin)
            thread_rows.bump(tx, thread.id)
            comment_rows.vote(tx, comment.id, voter, value, self.clock())
            after = comment_rows.get(tx, comment.id)
        assert after is not None
        self.announce(thread.site_id, thread.uri)
        return VoteResult(after.id, after.likes, after.dislikes, value)

    # -- reading -------------------------------------------------------------------------

    def page(
        self,
        site_id: str,
        uri: str,
        *,
        origin: str | None = None,
        sort: Sort = Sort.OLDEST,
        limit: int | None = None,
        cursor: str | None = None,
        parent_id: int | None = None,
    ) -> ThreadPage:
        """One page of a thread's top-level comments (or of one comment's replies)."""
        site = self.sites.for_origin(site_id, origin)
        thread, tree = self._visible(site_id, uri)
        closes_at = site.closes_at(thread.created_at) if thread else None
        if parent_id is not None and not tree.contains(parent_id):
            raise CommentNotFound(
                f"There is no comment {parent_id} in this thread.", field="parent"
            )
        nodes, hidden, next_cursor = listing.page(
            tree,
            parent_id=parent_id,
            sort=sort,
            limit=limit or self.settings.page_size,
            cursor=cursor,
            reply_limit=self.settings.reply_page_size,
        )
        closed = closes_at is not None and self.clock() >= closes_at
        return ThreadPage(site_id, uri, thread, tree.total, nodes, hidden, next_cursor, closed)

    def tree(self, site_id: str, uri: str, origin: str | None = None) -> listing.Tree:
        """Everything readers see of a thread, for callers that page it their own way (the
        Isso-compatible API); an empty tree for a page without comments."""
        self.sites.for_origin(site_id, origin)
        return self._visible(site_id, uri)[1]

    def _visible(self, site_id: str, uri: str) -> tuple[Thread | None, listing.Tree]:
        with self.store.read() as tx:
            thread = thread_rows.find(tx, site_id, uri)
            comments = comment_rows.list_for_thread(tx, thread.id, _VISIBLE) if thread else []
        return thread, listing.Tree(comments)

    @property
    def versions_in_memory(self) -> bool:
        """Whether ``thread_version`` usually answers without a query (a cheap change probe)."""
        return self.store.has_change_token

    def thread_version(self, site_id: str, uri: str, origin: str | None) -> tuple[int, int]:
        """``(thread id, version)`` of a page's thread, ``(0, 0)`` if it has none yet.

        Checks first that the site exists and that a browser at ``origin`` may read it. The
        version changes with every write that changes what readers of the thread see, and
        when the thread closes with age (the site's ``close_after_days``).
        Where the database offers a change token this answers from memory until anything
        is committed anywhere, so a cache can check it on every request.
        """
        token = self.store.change_token()
        site = self.sites.for_origin(site_id, origin, token=token)
        key = (site_id, uri)
        hit = self._versions.get(key) if token is not None else None
        if hit is not None and hit[0] == token:
            found, created_at = hit[1], hit[2]
        else:
            with self.store.read() as tx:
                row = thread_rows.version(tx, site_id, uri)
            found, created_at = ((row[0], row[1]), row[2]) if row else ((0, 0), 0.0)
            if token is not None:
                with self._versions_lock:
                    if len(self._versions) > 65536:
                        self._versions.clear()
                    self._versions[key] = (token, found, created_at)
        closes_at = site.closes_at(created_at) if found[0] else None
        if closes_at is not None and self.clock() >= closes_at:
            return found[0], found[1] + _CLOSED  # closing changes what readers see
        return found

    def changed_threads(self) -> AsyncIterator[int]:
        """Ids of threads as changes to them are committed, in any process (PostgreSQL)."""
        return self.store.changed_threads()

    def counts(self, site_id: str, uris: Sequence[str], origin: str | None = None) -> list[int]:
        """Approved-comment counts for each URI, in the order asked."""
        self.sites.for_origin(site_id, origin)
        with self.store.read() as tx:
            found = comment_rows.counts(tx, site_id, uris)
        return [found.get(uri, 0) for uri in uris]

    def latest(self, site_id: str, limit: int, origin: str | None = None) -> list[SiteComment]:
        """The site's newest approved comments, newest first."""
        self.sites.for_origin(site_id, origin)
        with self.store.read() as tx:
            return comment_rows.latest(tx, site_id, limit)

    def thread_comments(self, site_id: str, uri: str, limit: int) -> list[Comment]:
        """A thread's newest approved comments, newest first (for its feed)."""
        self.sites.get(site_id)
        with self.store.read() as tx:
            thread = thread_rows.find(tx, site_id, uri)
            if thread is None:
                return []
            comments = comment_rows.list_for_thread(tx, thread.id, (Status.APPROVED,))
        return sorted(comments, key=lambda c: (c.created_at, c.id), reverse=True)[:limit]

    def challenge(self, site_id: str, origin: str | None = None) -> Challenge:
        """A proof-of-work challenge for a comment on the site, harder under a flood."""
        self.sites.for_origin(site_id, origin)
        return self.gate.challenge(site_id)

    def form_stamp(self, site_id: str) -> str:
        """The signed render time to put in a plain comment form shown now."""
        return self.gate.form_stamp(site_id)

    @staticmethod
    def preview(text: str) -> str:
        """The HTML a text would be shown as, without storing anything."""
        return render.render(text)
