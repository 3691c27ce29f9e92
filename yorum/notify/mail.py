"""Sending mail over SMTP: the e-mail channel's one seam to the outside world.

``Mailer.send`` opens one connection per message (STARTTLS, implicit TLS or plain, with a
login when a user name is set) and turns every way that can fail into ``DeliveryFailed``:
``retry=True`` when trying later may work (server down, timeout, TLS trouble, a 4xx
answer, a login the operator can still fix), ``retry=False`` when the server refused the
message for good (a 5xx answer to the sender, the recipients or the data). No connection
is shared, so one ``Mailer`` can be used from several threads at once.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from yorum.notify import DeliveryFailed
from yorum.settings import SmtpSettings

log = logging.getLogger("yorum.notify.mail")

_SECURITY = {"starttls": "STARTTLS", "tls": "TLS", "none": "without TLS"}


class Mailer:
    """Sends ``EmailMessage`` objects through the configured SMTP server."""

    def __init__(
        self, settings: SmtpSettings, *, tls_context: ssl.SSLContext | None = None
    ) -> None:
        self.settings = settings
        self._tls_context = tls_context

    @property
    def enabled(self) -> bool:
        """Whether a mail server is configured at all (``smtp.host`` is set)."""
        return bool(self.settings.host)

    @property
    def address(self) -> str:
        """``host:port`` of the mail server, as messages name it."""
        return f"{self.settings.host}:{self.settings.port}"

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` to the recipients in its To, Cc and Bcc headers.

        When the server accepts some recipients and refuses others, the message was
        delivered and this returns; the refused addresses are logged. Raises
        ``DeliveryFailed`` when no recipient got it.
        """
        with self._session() as smtp:
            try:
                refused = smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                raise self._recipients_refused(exc.recipients) from None
            except smtplib.SMTPSenderRefused as exc:
                if exc.smtp_code == 530:  # "authentication required": fixable, like a login
                    raise DeliveryFailed(
                        f"{self.address} wants a login first (530 {_text(exc.smtp_error)}); "
                        "set smtp.username and smtp.password"
                    ) from None
                raise self._failed(f"refused the sender {exc.sender}", exc) from None
            except smtplib.SMTPDataError as exc:
                raise self._failed("refused the message", exc) from None
            except smtplib.SMTPNotSupportedError as exc:
                # The message needs SMTPUTF8 (an address that is not ASCII) and this
                # server cannot carry it: it never will.
                raise DeliveryFailed(f"{self.address}: {exc}", retry=False) from None
            except smtplib.SMTPResponseException as exc:
                raise self._failed("answered", exc) from None
            except (smtplib.SMTPException, OSError) as exc:
                raise self._failed("failed while sending", exc) from None
        for code, reply in refused.values():  # the address is kept out of the log
            reply_text = self._clean(_text(reply))
            log.warning("%s refused a recipient: %s %s", self.address, code, reply_text)

    def check(self) -> str:
        """Connect, greet, secure, log in, NOOP and QUIT; return a one-line summary.

        For example ``smtp.example.org:587 STARTTLS, logged in as comments``. Raises
        ``DeliveryFailed`` saying which step failed.
        """
        with self._session() as smtp:
            try:
                code, reply = smtp.noop()
            except (smtplib.SMTPException, OSError) as exc:
                raise self._failed("failed NOOP", exc) from None
            if code != 250:
                raise DeliveryFailed(
                    f"{self.address} answered NOOP with {code} {self._clean(_text(reply))}",
                    retry=code < 500,
                )
        login = f"logged in as {self.settings.username}" if self.settings.username else "no login"
        return f"{self.address} {_SECURITY.get(self.settings.security, '')}, {login}"

    def _context(self) -> ssl.SSLContext:
        """The TLS context, made once: loading the system's CA certificates takes tens of
        milliseconds, more than sending a mail."""
        if self._tls_context is None:
            self._tls_context = ssl.create_default_context()
        return self._tls_context

    @contextmanager
    def _session(self) -> Iterator[smtplib.SMTP]:
        """A connected, secured and logged-in SMTP session, closed when the block ends."""
        smtp = self._open()
        try:
            yield smtp
        finally:
            _close(smtp)

    def _open(self) -> smtplib.SMTP:
        """Connect, EHLO, STARTTLS or TLS as configured, and log in."""
        settings = self.settings
        if not self.enabled:
            raise DeliveryFailed("no mail server configured (smtp.host is empty)")
        if settings.security not in _SECURITY:
            raise DeliveryFailed(
                f"smtp.security must be starttls, tls or none, not {settings.security!r}"
            )
        smtp: smtplib.SMTP | None = None
        try:
            if settings.security == "tls":
                smtp = smtplib.SMTP_SSL(
                    settings.host, settings.port, timeout=settings.timeout,
                    context=self._context(),
                )  # fmt: skip
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            smtp.ehlo()
            if settings.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise DeliveryFailed(
                        f"{self.address} does not offer STARTTLS; set smtp.security to "
                        "tls (port 465) or none"
                    )
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if settings.username:
                smtp.login(settings.username, settings.password)
        except Exception as exc:
            if smtp is not None:
                _close(smtp)
            if isinstance(exc, DeliveryFailed):
                raise
            raise self._connect_failed(exc) from None
        return smtp

    def _connect_failed(self, exc: Exception) -> DeliveryFailed:
        """What went wrong while connecting, securing or logging in; always worth a retry.

        A refused login is a 5xx answer, yet it says nothing about the message: once the
        operator fixes the password every waiting mail can still go out.
        """
        where = self.address
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            reply = self._clean(_text(exc.smtp_error))
            return DeliveryFailed(
                f"{where} refused the login as {self.settings.username}: {exc.smtp_code} {reply}"
            )
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return DeliveryFailed(f"{where}: {self._clean(str(exc))}")
        if isinstance(exc, smtplib.SMTPResponseException):
            return DeliveryFailed(
                f"{where} answered {exc.smtp_code} {self._clean(_text(exc.smtp_error))}"
            )
        if isinstance(exc, ssl.SSLError):
            reason = _reason(exc)
            if reason == "WRONG_VERSION_NUMBER":
                reason += " (the server does not speak TLS on this port; check smtp.security)"
            return DeliveryFailed(f"TLS with {where} failed: {self._clean(reason)}")
        if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
            # A TLS client and a plain server (or the reverse) wait for each other.
            hint = "" if self.settings.security == "none" else " (is smtp.security right?)"
            return DeliveryFailed(f"{where} did not answer within {self.settings.timeout} s{hint}")
        if isinstance(exc, ConnectionRefusedError):
            return DeliveryFailed(f"cannot connect to {where}: connection refused")
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return DeliveryFailed(f"{where} closed the connection: {self._clean(str(exc))}")
        if isinstance(exc, OSError | smtplib.SMTPException):
            return DeliveryFailed(f"cannot connect to {where}: {self._clean(_reason(exc))}")
        return DeliveryFailed(f"cannot talk to {where}: {self._clean(repr(exc))}")

    def _failed(self, what: str, exc: Exception) -> DeliveryFailed:
        """A failure after logging in: permanent for a 5xx answer, else worth a retry."""
        if isinstance(exc, smtplib.SMTPResponseException):
            code = exc.smtp_code
            reply = self._clean(_text(exc.smtp_error))
            return DeliveryFailed(f"{self.address} {what}: {code} {reply}", retry=code < 500)
        if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
            return DeliveryFailed(f"{self.address} did not answer within {self.settings.timeout} s")
        return DeliveryFailed(f"{self.address} {what}: {self._clean(_reason(exc))}")

    def _recipients_refused(self, recipients: dict[str, tuple[int, bytes]]) -> DeliveryFailed:
        """Every recipient was refused: permanent only if every refusal was a 5xx."""
        if not recipients:
            return DeliveryFailed("the message has no recipients", retry=False)
        parts = [f"{to} ({code} {_text(reply)})" for to, (code, reply) in recipients.items()]
        permanent = all(code >= 500 for code, _ in recipients.values())
        text = self._clean(f"recipients refused: {'; '.join(parts)}")
        return DeliveryFailed(text, retry=not permanent)

    def _clean(self, text: str) -> str:
        """``text`` with the password, and its base64 forms, blanked out."""
        password = self.settings.password
        if not password:
            return text
        user = self.settings.username.encode()
        secret = password.encode()
        forms = {
            password,
            base64.b64encode(secret).decode(),
            base64.b64encode(b"\0" + user + b"\0" + secret).decode(),
        }
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
        return text


def _close(smtp: smtplib.SMTP) -> None:
    """QUIT politely; a server that is already gone changes nothing."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _text(reply: bytes | str) -> str:
    """A server reply as one line of text."""
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return " ".join(reply.split())


def _reason(exc: BaseException) -> str:
    """The human part of an OS or TLS error (``strerror`` or ``reason``), else its text."""
    for attribute in ("reason", "strerror"):
        value = getattr(exc, attribute, None)
        if isinstance(value, str) and value:
            verify = getattr(exc, "verify_message", None)
            return f"{value}: {verify}" if isinstance(verify, str) and verify else value
    return str(exc) or type(exc).__name__
