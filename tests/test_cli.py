"""The command line: check, migrate, and site management, as scripts drive them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from yorum.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_check_reports_each_problem(tmp_path: Path) -> None:
    config = tmp_path / "yorum.toml"
    config.write_text('[server]\nport = "x"\nworkers = 0\n')
    code, _, err = run("check", "--config", str(config))
    assert code == 1
    assert "error: server.port: expected an integer" in err
    assert "error: server.workers: must be at least 1" in err
    config.write_text("[server]\nport = 9000\n")
    code, out, _ = run("check", "--config", str(config))
    assert code == 0 and "configuration ok" in out


def test_check_hides_database_passwords() -> None:
    env = {"YORUM_DATABASE_URL": "postgresql://u:secret@db/yorum"}
    code, out, _ = run("check", env=env)
    assert code == 0 and "secret" not in out and "***" in out


def test_migrate_creates_the_database_and_secret(tmp_path: Path) -> None:
    code, out, _ = run("migrate", "--data-dir", str(tmp_path / "d"))
    assert code == 0 and "revision 0012" in out
    secret = tmp_path / "d" / "secret.key"
    assert secret.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "d").stat().st_mode & 0o777 == 0o700  # holds e-mail addresses
    assert (tmp_path / "d" / "yorum.sqlite3").exists()


def test_serve_refuses_a_port_out_of_range(tmp_path: Path) -> None:
    code, _, err = run("serve", "--data-dir", str(tmp_path / "d"), "--port", "70000")
    assert code == 2 and "--port" in err


def test_site_add_and_list(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    code, out, _ = run(
        "site", "add", "blog", "--origin", "https://Blog.Example/", "--origin",
        "http://localhost:4000", "--language", "tr", "--author-field", "required",
        "--email-field", "hidden", "--data-dir", data,
    )  # fmt: skip
    assert code == 0, out
    assert "https://blog.example, http://localhost:4000" in out
    code, _, err = run("site", "add", "blog", "--data-dir", data)
    assert code == 1 and "exists already" in err
    code, _, err = run("site", "add", "Bad Name!", "--data-dir", data)
    assert code == 1 and "site id" in err
    code, _, err = run("site", "add", "x", "--origin", "not a url", "--data-dir", data)
    assert code == 1 and "not an origin" in err
    code, out, _ = run("site", "list", "--json", "--data-dir", data)
    sites = json.loads(out)
    assert sites == [
        {"id": "blog", "name": "blog", "origins": ["https://blog.example", "http://localhost:4000"],
         "language": "tr", "policy": "open", "report_threshold": 3, "close_after_days": 0,
         "fields": {"author": "required", "email": "hidden", "website": "optional"}}
    ]  # fmt: skip


def test_data_dir_from_environment(tmp_path: Path) -> None:
    code, _, _ = run("site", "add", "s1", env={"YORUM_DATA_DIR": str(tmp_path / "e")})
    assert code == 0
    assert (tmp_path / "e" / "yorum.sqlite3").exists()


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    env = {"YORUM_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    code, _, err = run("site", "list", "--data-dir", str(tmp_path), env=env)
    assert code == 1 and err.startswith("error: cannot open the database")


def test_site_set_changes_only_what_is_named(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    run("site", "add", "blog", "--origin", "https://blog.example", "--data-dir", data)
    code, out, _ = run(
        "site", "set", "blog", "--policy", "hold_all", "--email-field", "required",
        "--data-dir", data,
    )  # fmt: skip
    assert code == 0 and "policy" in out
    _, out, _ = run("site", "list", "--json", "--data-dir", data)
    (blog,) = [s for s in json.loads(out) if s["id"] == "blog"]
    assert blog["policy"] == "hold_all"
    assert blog["origins"] == ["https://blog.example"]
    assert blog["fields"]["email"] == "required"


def test_site_set_refuses_bad_values_and_nothing_to_do(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    run("site", "add", "blog", "--data-dir", data)
    code, _, err = run("site", "set", "blog", "--origin", "ftp://x", "--data-dir", data)
    assert code == 1 and "error:" in err
    code, _, err = run("site", "set", "nope", "--title", "x", "--data-dir", data)
    assert code == 1 and "no site" in err
    code, _, _ = run("site", "set", "blog", "--data-dir", data)
    assert code == 2


def test_site_set_changes_the_notification_settings(tmp_path: Path) -> None:
    from yorum.models import NotifyMode
    from yorum.services import build
    from yorum.settings import Settings, with_overrides

    data = str(tmp_path / "data")
    run("site", "add", "blog", "--data-dir", data)
    code, out, _ = run(
        "site", "set", "blog", "--notify-email", "Ed@Example.org", "--notify-email",
        "night@example.org", "--notify-mode", "daily", "--no-reply-notifications",
        "--data-dir", data,
    )  # fmt: skip
    assert code == 0 and "notify_emails, notify_mode, reply_notifications" in out
    services = build(with_overrides(Settings(), server={"data_dir": data}))
    site = services.sites.get("blog")
    services.close()
    assert site.notify_emails == ("ed@example.org", "night@example.org")
    assert (site.notify_mode, site.reply_notifications) == (NotifyMode.DAILY, False)
    code, _, err = run("site", "set", "blog", "--notify-email", "not-an-address",
                       "--data-dir", data)  # fmt: skip
    assert code == 1 and "not an e-mail address" in err
    assert run("site", "set", "blog", "--notify-email", "none", "--data-dir", data)[0] == 0
    services = build(with_overrides(Settings(), server={"data_dir": data}))
    assert services.sites.get("blog").notify_emails == ()
    services.close()
