"""Sending mail over SMTP against a real server (tests/smtp.py), and `yorum check --smtp`."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.smtp import PASSWORD, USER, SmtpServer, certificate_authority
from yorum.cli import main
from yorum.notify import DeliveryFailed
from yorum.notify.mail import Mailer
from yorum.settings import SmtpSettings

Servers = Callable[..., SmtpServer]


def message(to: str = "reader@example.org", subject: str = "Hello") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Comments <comments@blog.example.org>"
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content("Grüße aus yorum\n")
    return mail


def fails(mailer: Mailer, mail: EmailMessage | None = None) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as info:
        mailer.send(mail or message())
    return info.value


@pytest.mark.parametrize("security", ["none", "starttls", "tls"])
@pytest.mark.parametrize("auth", [False, True], ids=["anonymous", "login"])
def test_send_delivers_the_message(smtp_servers: Servers, security: str, auth: bool) -> None:
    server = smtp_servers(security=security, auth=auth)
    server.mailer().send(message(to="Ayşe <ayse@example.org>", subject="Merhaba dünya"))
    (received,) = server.received
    assert received.mail_from == "comments@blog.example.org"
    assert received.rcpt_tos == ("ayse@example.org",)
    assert received.message["Subject"] == "Merhaba dünya"
    assert received.message.get_content() == "Grüße aus yorum\n"
    assert server.logins == ([USER] if auth else [])


def test_a_wrong_password_fails_for_now_without_showing_the_password(
    smtp_servers: Servers,
) -> None:
    server = smtp_servers(security="starttls", auth=True)
    error = fails(server.mailer(password="not the password"))
    assert error.retry  # fixing the password lets the waiting mails go out
    assert f"{server.host}:{server.port} refused the login as {USER}: 535" in str(error)
    assert "not the password" not in str(error)
    assert server.received == []


def test_a_server_that_wants_a_login_refuses_mail_without_one(smtp_servers: Servers) -> None:
    server = smtp_servers(security="starttls", auth=True)
    error = fails(server.mailer(username="", password=""))
    assert error.retry  # every waiting mail goes out once the login is configured
    assert "wants a login first (530 5.7.0 Authentication required)" in str(error)


def test_a_server_down_fails_for_now_and_works_once_back_on_the_same_port(
    smtp_server: SmtpServer,
) -> None:
    mailer = smtp_server.mailer()
    smtp_server.stop()
    error = fails(mailer)
    assert error.retry
    assert str(error) == f"cannot connect to 127.0.0.1:{smtp_server.port}: connection refused"
    smtp_server.start()
    mailer.send(message())
    assert len(smtp_server.wait_for(1)) == 1


def test_a_refused_recipient_fails_for_good(smtp_server: SmtpServer) -> None:
    smtp_server.refuse["gone@example.org"] = "550 5.1.1 No such user here"
    error = fails(smtp_server.mailer(), message(to="gone@example.org"))
    assert not error.retry
    assert "gone@example.org (550 5.1.1 No such user here)" in str(error)


def test_a_temporarily_refused_recipient_is_tried_again(smtp_server: SmtpServer) -> None:
    smtp_server.refuse["busy@example.org"] = "450 4.2.1 Mailbox busy, try later"
    assert fails(smtp_server.mailer(), message(to="busy@example.org")).retry


def test_one_refused_recipient_among_several_is_logged_and_the_rest_get_the_mail(
    smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.refuse["gone@example.org"] = "553 5.1.3 Bad address"
    with caplog.at_level(logging.WARNING, logger="yorum.notify.mail"):
        smtp_server.mailer().send(message(to="gone@example.org, mod@example.org"))
    assert smtp_server.received[0].rcpt_tos == ("mod@example.org",)
    assert "refused a recipient: 553 5.1.3 Bad address" in caplog.text
    assert "gone@example.org" not in caplog.text  # addresses stay out of the log


def test_the_password_is_blanked_out_of_any_server_answer(smtp_servers: Servers) -> None:
    server = smtp_servers(auth=True)
    server.refuse["echo@example.org"] = f"550 you said {PASSWORD}"
    error = fails(server.mailer(), message(to="echo@example.org"))
    assert PASSWORD not in str(error) and "you said ***" in str(error)


def test_an_untrusted_certificate_is_a_tls_failure(smtp_servers: Servers) -> None:
    server = smtp_servers(security="tls")
    error = fails(Mailer(server.settings()))  # the system's CAs do not know the test CA
    assert error.retry
    assert "TLS with" in str(error) and "CERTIFICATE_VERIFY_FAILED" in str(error)


def test_starttls_is_required_when_configured(smtp_server: SmtpServer) -> None:
    error = fails(smtp_server.mailer(security="starttls"))
    assert "does not offer STARTTLS" in str(error) and smtp_server.received == []


def test_tls_against_a_plain_server_says_what_is_wrong(smtp_server: SmtpServer) -> None:
    error = fails(smtp_server.mailer(security="tls"))
    assert "does not speak TLS on this port" in str(error) and error.retry


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        yield listener.getsockname()[1]


def test_a_server_that_does_not_answer_times_out(silent_port: int) -> None:
    settings = SmtpSettings(host="127.0.0.1", port=silent_port, security="none", timeout=1)
    error = fails(Mailer(settings))
    assert error.retry and str(error) == f"127.0.0.1:{silent_port} did not answer within 1 s"


def test_without_a_host_the_mailer_is_disabled_and_sends_nothing() -> None:
    mailer = Mailer(SmtpSettings())
    assert not mailer.enabled
    assert "smtp.host is empty" in str(fails(mailer))


@pytest.mark.parametrize(
    ("security", "auth", "summary"),
    [
        ("none", False, "without TLS, no login"),
        ("starttls", True, f"STARTTLS, logged in as {USER}"),
        ("tls", True, f"TLS, logged in as {USER}"),
    ],
)
def test_check_says_how_it_connected(
    smtp_servers: Servers, security: str, auth: bool, summary: str
) -> None:
    server = smtp_servers(security=security, auth=auth)
    assert server.mailer().check() == f"127.0.0.1:{server.port} {summary}"
    assert server.received == []


def test_check_fails_on_a_wrong_password(smtp_servers: Servers) -> None:
    server = smtp_servers(security="tls", auth=True)
    with pytest.raises(DeliveryFailed, match="refused the login"):
        server.mailer(password="nope").check()


# -- yorum check --smtp ----------------------------------------------------------------


def check(env: dict[str, str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--smtp"], env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def smtp_env(server: SmtpServer, tmp_path: Path, **changes: str) -> dict[str, str]:
    """The YORUM_SMTP_* variables for ``server``, trusting its CA through SSL_CERT_FILE."""
    ca_file = tmp_path / "test-ca.pem"
    certificate_authority().cert_pem.write_to_path(str(ca_file))
    settings = server.settings()
    env = {
        "YORUM_SMTP_HOST": settings.host,
        "YORUM_SMTP_PORT": str(settings.port),
        "YORUM_SMTP_SECURITY": settings.security,
        "YORUM_SMTP_USERNAME": settings.username,
        "YORUM_SMTP_PASSWORD": settings.password,
        "SSL_CERT_FILE": str(ca_file),
    }
    return env | changes


def test_cli_check_smtp_connects_and_logs_in(smtp_servers: Servers, tmp_path: Path) -> None:
    server = smtp_servers(security="starttls", auth=True)
    code, out, err = check(smtp_env(server, tmp_path))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        out.splitlines()[0],
        f"smtp ok: 127.0.0.1:{server.port} STARTTLS, logged in as {USER}",
    ]
    assert out.startswith("configuration ok")


def test_cli_check_smtp_reports_a_refused_login(smtp_servers: Servers, tmp_path: Path) -> None:
    server = smtp_servers(security="tls", auth=True)
    code, _, err = check(smtp_env(server, tmp_path, YORUM_SMTP_PASSWORD="wrong-secret"))
    assert code == 1
    assert err.startswith(f"error: smtp: 127.0.0.1:{server.port} refused the login as {USER}")
    assert "wrong-secret" not in err


def test_cli_check_smtp_reports_a_server_that_is_down(
    smtp_server: SmtpServer, tmp_path: Path
) -> None:
    smtp_server.stop()
    code, _, err = check(smtp_env(smtp_server, tmp_path))
    assert code == 1 and "connection refused" in err


def test_cli_check_smtp_without_a_host_says_so() -> None:
    code, out, err = check({"YORUM_SMTP_HOST": ""})
    assert code == 1 and "configuration ok" in out
    assert err == "error: no mail server configured (set smtp.host)\n"
