"""The admin's HTTP security: the session cookie, CSRF tokens, API tokens, and the
headers every admin page carries.

The cookie holds a random token (the database keeps only its hash). It is HttpOnly and
SameSite=Strict, and when yorum is served over HTTPS (``server.public_url`` or the
request's scheme) it is Secure and named with the ``__Host-`` prefix. Requests that change
something must carry the session's CSRF token: the ``csrf`` form field on pages, the
``X-CSRF-Token`` header on the JSON API. API tokens (``Authorization: Bearer``) need none.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from yorum.errors import CsrfFailed, Unauthorized
from yorum.models import AdminSession, User
from yorum.services import Services

COOKIE = "yorum_admin"
SAFE_METHODS = ("GET", "HEAD")
ADMIN_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}

T = TypeVar("T")


def services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a (blocking) service call off the event loop."""
    return await run_in_threadpool(fn, *args, **kwargs)


def is_https(request: Request) -> bool:
    public = services(request).settings.server.public_url
    return public.startswith("https://") or request.url.scheme == "https"


def cookie_name(request: Request) -> str:
    return "__Host-" + COOKIE if is_https(request) else COOKIE


def session_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name(request))


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """Hand the browser its session token (lasting as long as the session may)."""
    response.set_cookie(
        cookie_name(request),
        token,
        max_age=services(request).settings.admin.session_max,
        path="/",
        secure=is_https(request),
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        cookie_name(request), path="/", secure=is_https(request), httponly=True, samesite="strict"
    )


def client_key(request: Request) -> str:
    """The client's address as its keyed hash (for throttling sign-ins)."""
    host = request.client.host if request.client else "unknown"
    return services(request).bans.hash_ip(host)


def check_csrf(session: AdminSession, given: str | None) -> None:
    if not given or not hmac.compare_digest(given.encode(), session.csrf.encode()):
        raise CsrfFailed("This request needs the session's CSRF token.", field="csrf")


def session_of(request: Request) -> AdminSession:
    """The signed-in browser's session (blocking: call it in the thread pool)."""
    token = session_token(request)
    if not token:
        raise Unauthorized("Please sign in.")
    return services(request).accounts.session(token)


def api_user(request: Request) -> User:
    """The user behind a JSON admin API call: a Bearer token, or the session cookie plus
    the ``X-CSRF-Token`` header on requests that change something (blocking)."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return services(request).accounts.user_for_token(auth[7:].strip())
    session = session_of(request)
    if request.method not in SAFE_METHODS:
        check_csrf(session, request.headers.get("x-csrf-token"))
    return session.user
