"""The expected failures of yorum, each with a stable, client-visible ``code``.

The tree::

    YorumError
    ├── BadRequest              malformed request (not JSON, wrong shape)        400
    ├── Invalid                 a field has a bad value; always names the field  422
    │   ├── BannedWord          the text holds a word the site refuses
    │   └── LinkExpired         a link from a mail is genuine but too old
    ├── PayloadTooLarge         the body is bigger than the configured limit     413
    ├── UnsupportedMediaType    the body is not application/json                 415
    ├── Unauthorized            not signed in, or the credentials are wrong      401
    │   ├── LoginFailed         wrong name, password or TOTP code
    │   └── TotpRequired        the password was right; the TOTP code is owed
    ├── NotFound                                                                 404
    │   ├── UnknownSite
    │   └── CommentNotFound
    ├── Forbidden                                                                403
    │   ├── OriginNotAllowed    the request's Origin is not allowed for the site
    │   ├── InvalidEditToken    the edit token is wrong or belongs to another comment
    │   ├── EditWindowExpired   the edit token is right but the window has closed
    │   ├── ThreadLocked        the thread was locked by a moderator
    │   │   └── ThreadClosed    the thread is older than the site's close_after_days
    │   ├── CommentLocked       a moderator locked the comment: no replies to it
    │   ├── Banned              the author is banned from the site
    │   ├── ProofMissing        no proof-of-work solution came with the comment
    │   ├── ProofInvalid        the solution is forged, wrong, or for another site
    │   ├── ProofExpired        the challenge was solved too late
    │   ├── ProofReplayed       the solution was used already
    │   ├── LooksAutomated      a field no person fills in was filled in
    │   ├── TooFast             the form was sent too soon after it was shown
    │   ├── CsrfFailed          an admin POST without the session's CSRF token
    │   └── NotAllowed          the signed-in user's role does not allow this
    ├── Conflict                                                                 409
    │   ├── CommentDeleted      the comment is a deleted placeholder
    │   ├── DuplicateComment    the same client posted the same text moments ago
    │   ├── AlreadyReported     this client reported this comment already
    │   └── WrongStatus         the action does not fit the comment's status
    ├── RateLimited             this client posts too fast; wait retry_after s   429
    │   └── LoginThrottled      too many wrong passwords; wait retry_after s
    ├── StorageBusy             the database stayed locked; try again            503
    ├── StorageUnavailable      the database cannot be reached; try again        503
    └── StorageFull             the disk holding the database is full            507

The HTTP statuses live only in ``yorum.web.errors``; nothing here knows about HTTP.
"""

from __future__ import annotations


class YorumError(Exception):
    """Base of every expected failure; ``code`` is stable and client-visible."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class BadRequest(YorumError):
    """The request is malformed: not JSON, or not the expected shape."""

    code = "bad_request"


class Invalid(YorumError):
    """A field has a value yorum does not accept; ``field`` names it."""

    code = "invalid"

    def __init__(self, message: str, *, field: str, code: str | None = None) -> None:
        super().__init__(message, field=field)
        if code is not None:
            self.code = code


class BannedWord(Invalid):
    """The comment's text holds a word on the site's list of banned words."""

    code = "banned_word"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="text")


class LinkExpired(Invalid):
    """A link from a notification mail is genuine but too old."""

    code = "link_expired"


class PayloadTooLarge(YorumError):
    """The request body is larger than ``comments.max_body_bytes``."""

    code = "payload_too_large"


class UnsupportedMediaType(YorumError):
    """The request body is not ``application/json``."""

    code = "unsupported_media_type"


class Unauthorized(YorumError):
    """The admin needs a signed-in user (a session cookie or an API token)."""

    code = "unauthorized"


class LoginFailed(Unauthorized):
    """The name, password or TOTP code is wrong (which one is not said)."""

    code = "login_failed"


class TotpRequired(Unauthorized):
    """The password was right, and the account also needs its TOTP code."""

    code = "totp_required"


class NotFound(YorumError):
    """The thing asked for does not exist."""

    code = "not_found"


class UnknownSite(NotFound):
    """No site has this id."""

    code = "unknown_site"


class CommentNotFound(NotFound):
    """No comment has this id (or it is not visible)."""

    code = "comment_not_found"


class Forbidden(YorumError):
    """The request is understood but not allowed."""

    code = "forbidden"


class OriginNotAllowed(Forbidden):
    """The request's Origin header is not among the site's allowed origins."""

    code = "origin_not_allowed"


class InvalidEditToken(Forbidden):
    """The edit token is missing, forged, or belongs to another comment or install."""

    code = "invalid_token"


class EditWindowExpired(Forbidden):
    """The edit token is genuine but the edit window has closed."""

    code = "edit_window_expired"


class ThreadLocked(Forbidden):
    """The thread was locked by a moderator; no new comments."""

    code = "thread_locked"


class ThreadClosed(ThreadLocked):
    """The thread is older than its site's ``close_after_days``; no new comments."""

    code = "thread_closed"


class CommentLocked(Forbidden):
    """A moderator locked the comment; no replies to it."""

    code = "comment_locked"


class Banned(Forbidden):
    """The author (by e-mail, address or name) is banned from posting to the site."""

    code = "banned"


class ProofMissing(Forbidden):
    """The site asks for a solved proof-of-work challenge and none came."""

    code = "pow_required"


class ProofInvalid(Forbidden):
    """The proof-of-work solution is malformed, forged, wrong, or for another site."""

    code = "pow_invalid"


class ProofExpired(Forbidden):
    """The challenge expired before the solution was used."""

    code = "pow_expired"


class ProofReplayed(Forbidden):
    """The proof-of-work solution was used for a comment already; each works once."""

    code = "pow_replayed"


class LooksAutomated(Forbidden):
    """The form's hidden trap field was filled in, as only programs do."""

    code = "automated"


class TooFast(Forbidden):
    """The comment came sooner after the form was shown than a person could write it."""

    code = "too_fast"


class CsrfFailed(Forbidden):
    """A state-changing admin request came without the session's CSRF token."""

    code = "csrf_failed"


class NotAllowed(Forbidden):
    """The signed-in user's role does not allow this (on this site)."""

    code = "not_allowed"


class Conflict(YorumError):
    """The request conflicts with the current state."""

    code = "conflict"


class CommentDeleted(Conflict):
    """The comment was deleted and only its placeholder remains."""

    code = "comment_deleted"


class DuplicateComment(Conflict):
    """The same client posted the same text to the same thread moments ago."""

    code = "duplicate"


class AlreadyReported(Conflict):
    """This client (by its keyed address hash) reported this comment already."""

    code = "already_reported"


class WrongStatus(Conflict):
    """A moderator action does not fit the comment (not-spam on a comment not marked spam)."""

    code = "wrong_status"


class RateLimited(YorumError):
    """The client went over its rate; ``retry_after`` says in how many seconds to try again."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LoginThrottled(RateLimited):
    """Too many wrong passwords for this account or from this client; wait and retry."""

    code = "login_throttled"


class StorageBusy(YorumError):
    """The database stayed locked longer than the busy timeout."""

    code = "busy"


class StorageUnavailable(YorumError):
    """The database server cannot be reached, or dropped the connection; try again."""

    code = "unavailable"


class StorageFull(YorumError):
    """The disk (or quota) holding the database is full: nothing more can be written."""

    code = "storage_full"
