"""Admin accounts: users with argon2 password hashes, optional TOTP, roles per site,
login sessions kept on the server, API tokens, and the throttling of wrong passwords.

Secrets never rest in the database as they are: a session cookie or API token is stored
as its SHA-256, a password as its argon2id hash. Only the TOTP secret is kept as it is,
since codes are computed from it.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from yorum import totp
from yorum.errors import (
    Invalid,
    LoginFailed,
    LoginThrottled,
    NotAllowed,
    NotFound,
    TotpRequired,
    Unauthorized,
)
from yorum.models import AdminSession, Role, User
from yorum.settings import AdminSettings
from yorum.storage import Store
from yorum.storage import accounts as rows

MIN_PASSWORD = 10
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")


def digest(token: str) -> str:
    """What the database keeps of a session or API token."""
    return hashlib.sha256(token.encode()).hexdigest()


class LoginThrottle:
    """Wrong passwords per key (an account, a client's address hash), kept in the
    database so every worker process sees them: after a few free ones, each failure makes
    the next attempt wait twice as long, up to a lockout."""

    def __init__(self, store: Store, settings: AdminSettings, clock: Callable[[], float]) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock

    def check(self, *keys: str) -> None:
        """Raise ``LoginThrottled`` while any key must still wait."""
        now = self.clock()
        with self.store.read() as tx:
            wait = max(rows.failures(tx, key)[1] - now for key in keys)
        if wait > 0:
            raise LoginThrottled(
                "Too many failed sign-ins; please wait before trying again.",
                retry_after=math.ceil(wait),
            )

    def failed(self, *keys: str) -> None:
        now = self.clock()
        s = self.settings
        with self.store.write() as tx:
            for key in keys:
                count = rows.failures(tx, key)[0] + 1
                over = count - s.login_free_failures
                until = 0.0
                if over > 0:
                    until = now + min(s.login_delay * 2 ** min(over - 1, 30), s.login_lockout)
                rows.set_failures(tx, key, count, until)

    def succeeded(self, *keys: str) -> None:
        with self.store.write() as tx:
            rows.clear_failures(tx, keys)


class AccountService:
    """Users, roles, sessions and API tokens."""

    def __init__(
        self, store: Store, settings: AdminSettings, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.hasher = PasswordHasher()
        self.throttle = LoginThrottle(store, settings, clock)

    # -- users -----------------------------------------------------------------------

    def add(self, name: str, password: str, *, is_admin: bool = False) -> User:
        """Create a user; the name is lower-cased letters, digits and ``._-@``."""
        name = _check_name(name)
        _check_password(password)
        with self.store.write() as tx:
            if rows.find(tx, name) is not None:
                raise Invalid(f"There is already a user {name!r}.", field="name", code="taken")
            user_id = rows.add_user(tx, name, self.hasher.hash(password), is_admin, self.clock())
            user = rows.get(tx, user_id)
        assert user is not None
        return user

    def get(self, name: str) -> User:
        with self.store.read() as tx:
            found = rows.find(tx, name)
        if found is None:
            raise NotFound(f"There is no user {name!r}.", field="name")
        return found[0]

    def all(self) -> list[User]:
        with self.store.read() as tx:
            return rows.all_users(tx)

    def remove(self, name: str) -> None:
        user = self.get(name)
        with self.store.write() as tx:
            rows.remove(tx, user.id)

    def set_password(self, name: str, password: str) -> None:
        """Change the password; every session of the user ends."""
        _check_password(password)
        user = self.get(name)
        with self.store.write() as tx:
            rows.set_password(tx, user.id, self.hasher.hash(password))
            rows.end_sessions_of(tx, user.id)

    def enable_totp(self, name: str) -> str:
        """Give the user a new TOTP secret; returns the ``otpauth://`` URI to scan."""
        user = self.get(name)
        secret = totp.new_secret()
        with self.store.write() as tx:
            rows.set_totp(tx, user.id, secret)
        return totp.uri(secret, user.name)

    def disable_totp(self, name: str) -> None:
        user = self.get(name)
        with self.store.write() as tx:
            rows.set_totp(tx, user.id, None)

    def set_role(self, name: str, site_id: str, role: Role | None) -> None:
        """Make the user a moderator or admin of a site, or take that away (None)."""
        user = self.get(name)
        with self.store.write() as tx:
            rows.set_role(tx, user.id, site_id, role)

    def moderators(self, site_id: str) -> list[tuple[str, Role]]:
        with self.store.read() as tx:
            return rows.moderators(tx, site_id)

    def new_token(self, name: str, label: str = "") -> str:
        """A new API token for the user, shown once; only its hash is kept."""
        user = self.get(name)
        token = "yat_" + secrets.token_urlsafe(32)
        with self.store.write() as tx:
            rows.add_token(tx, user.id, digest(token), label, self.clock())
        return token

    def user_for_token(self, token: str) -> User:
        with self.store.read() as tx:
            user_id = rows.token_user(tx, digest(token))
            user = None if user_id is None else rows.get(tx, user_id)
        if user is None:
            raise Unauthorized("The API token is not valid.")
        return user

    # -- signing in ------------------------------------------------------------------

    def login(self, name: str, password: str, client_key: str) -> tuple[str, AdminSession]:
        """Check the password; returns a new session token and its session.

        The session is ``verified`` unless the user has TOTP, in which case
        ``verify_totp`` must follow. Wrong passwords are throttled per account and client.
        """
        keys = ("user:" + name.strip().lower(), "client:" + client_key)
        self.throttle.check(*keys)
        with self.store.read() as tx:
            found = rows.find(tx, name.strip().lower())
        if found is None or not self._password_ok(found[1], password):
            self.throttle.failed(*keys)
            raise LoginFailed("The name or password is wrong.")
        self.throttle.succeeded(*keys)
        user, _, secret = found
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        verified = secret is None
        now = self.clock()
        with self.store.write() as tx:
            rows.end_stale_sessions(
                tx, now - self.settings.session_idle, now - self.settings.session_max
            )
            rows.add_session(tx, digest(token), user.id, csrf, verified, now)
        return token, AdminSession(user, csrf, verified)

    def _password_ok(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def verify_totp(self, token: str, code: str, client_key: str) -> AdminSession:
        """Complete a session's sign-in with the TOTP code (throttled like passwords)."""
        session = self.session(token, allow_unverified=True)
        keys = ("user:" + session.user.name, "client:" + client_key)
        self.throttle.check(*keys)
        with self.store.read() as tx:
            found = rows.find(tx, session.user.name)
        secret = found[2] if found else None
        if secret is None or not totp.verify(secret, code, self.clock()):
            self.throttle.failed(*keys)
            raise LoginFailed("The code is wrong.", field="code")
        self.throttle.succeeded(*keys)
        with self.store.write() as tx:
            rows.touch_session(tx, digest(token), self.clock(), verified=True)
        return AdminSession(session.user, session.csrf, True)

    def session(self, token: str, *, allow_unverified: bool = False) -> AdminSession:
        """The session a cookie names; ends it when idle or too old."""
        now = self.clock()
        key = digest(token)
        with self.store.write() as tx:
            row = rows.session(tx, key)
            if row is None:
                raise Unauthorized("Please sign in.")
            s = self.settings
            if now - row.last_seen > s.session_idle or now - row.created_at > s.session_max:
                rows.end_session(tx, key)
                row = None
            else:
                rows.touch_session(tx, key, now)
                user = rows.get(tx, row.user_id)
        if row is None:
            raise Unauthorized("The session has expired; please sign in again.")
        assert user is not None
        if not row.verified and not allow_unverified:
            raise TotpRequired("Please enter the code from your authenticator.")
        return AdminSession(user, row.csrf, bool(row.verified))

    def logout(self, token: str) -> None:
        """End the session; its cookie is refused from now on."""
        with self.store.write() as tx:
            rows.end_session(tx, digest(token))


def require(user: User, site_id: str, role: Role = Role.MODERATOR) -> None:
    """Raise unless ``user`` has at least ``role`` on the site."""
    have = user.role_on(site_id)
    if have is None:
        raise NotAllowed(f"You have no access to site {site_id!r}.", field="site")
    if role is Role.ADMIN and have is not Role.ADMIN:
        raise NotAllowed(f"Only the admins of site {site_id!r} may do this.", field="site")


def require_global_admin(user: User) -> None:
    if not user.is_admin:
        raise NotAllowed("Only global admins may do this.")


def _check_name(name: str) -> str:
    name = name.strip().lower()
    if not 1 <= len(name) <= 64 or not set(name) <= _NAME_CHARS:
        raise Invalid(
            "A user name has 1 to 64 letters, digits, or the characters . _ - @.", field="name"
        )
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"A password needs at least {MIN_PASSWORD} characters.", field="password")
