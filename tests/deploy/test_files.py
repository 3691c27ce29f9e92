"""The files in deploy/ agree with yorum: the systemd units start ``yorum serve`` with
options it has and stop it after its graceful shutdown, ``systemd-analyze verify`` finds
nothing to say, the environment file names real settings, and nginx's limits match
yorum's. These need neither nginx nor a database.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from yorum.cli import serve
from yorum.settings import CommentSettings, describe, load

pytestmark = pytest.mark.deployment

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
UNITS = ["yorum.service", "yorum@.service"]
SHIPPED_BINARY = "/opt/yorum/bin/yorum"


def unit(name: str) -> dict[str, list[tuple[str, str]]]:
    """A unit file's sections, each a list of (key, value) in order (keys may repeat)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for raw in (SYSTEMD / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{name}: not a setting: {raw!r}"
        current.append((key.strip(), value.strip()))
    return sections


def service(name: str) -> dict[str, str]:
    """The [Service] settings of a unit (the last value of a repeated key)."""
    return dict(unit(name)["Service"])


def serve_arguments(name: str) -> list[str]:
    """ExecStart's arguments after ``yorum serve``, with the instance 8081 filled in."""
    argv = shlex.split(service(name)["ExecStart"].replace("%i", "8081"))
    assert argv[:2] == [SHIPPED_BINARY, "serve"], argv
    return argv[2:]


def graceful_shutdown_seconds() -> int:
    source = (ROOT / "yorum" / "cli" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r"timeout_graceful_shutdown=(\d+)", source)
    assert match, "yorum serve sets uvicorn's timeout_graceful_shutdown"
    return int(match.group(1))


@pytest.mark.parametrize("name", UNITS)
def test_exec_start_uses_only_options_yorum_serve_has(name: str) -> None:
    arguments = serve_arguments(name)
    known = {opt for param in serve.params for opt in getattr(param, "opts", [])}
    given = [a for a in arguments if a.startswith("-")]
    assert given and set(given) <= known, f"{name}: unknown options {set(given) - known}"
    context = serve.make_context("serve", list(arguments))  # click checks every value
    assert context.params["host"] == "127.0.0.1"  # nginx is the only way in
    assert context.params["data_dir"] == "/var/lib/" + service(name)["StateDirectory"]


@pytest.mark.parametrize("name", UNITS)
def test_the_unit_stops_yorum_gracefully_restarts_it_and_confines_it(name: str) -> None:
    settings = service(name)
    assert settings["KillSignal"] == "SIGTERM"
    stop_timeout = int(settings["TimeoutStopSec"].removesuffix("s"))
    assert stop_timeout > graceful_shutdown_seconds() + 5, "systemd waits out the shutdown"
    assert settings["Restart"] == "on-failure"
    assert settings["EnvironmentFile"] == "/etc/yorum/yorum.env"
    hardening = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
        "CapabilityBoundingSet": "",
        "UMask": "0077",
        "StateDirectoryMode": "0700",
    }
    assert {key: settings.get(key) for key in hardening} == hardening
    assert settings["User"] == settings["Group"] == "yorum"


def test_both_units_differ_only_in_what_they_run() -> None:
    single, template = unit("yorum.service"), unit("yorum@.service")
    assert single["Install"] == template["Install"]

    def rest(sections: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
        return [(k, v) for k, v in sections["Service"] if k != "ExecStart"]

    assert rest(single) == rest(template)
    assert "--workers" in serve_arguments("yorum.service")
    assert service("yorum@.service")["ExecStart"].endswith("--port %i")


@pytest.mark.parametrize("name", UNITS)
def test_systemd_analyze_verify_finds_nothing(name: str, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed")
    yorum = Path(sys.executable).parent / "yorum"  # the installed command, where it is here
    text = (SYSTEMD / name).read_text(encoding="utf-8")
    (tmp_path / name).write_text(text.replace(SHIPPED_BINARY, str(yorum)))
    target = tmp_path / name.replace("@.", "@8081.")
    result = subprocess.run(
        [analyze, "verify", str(target)], capture_output=True, text=True, timeout=60
    )
    stem = name.split("@")[0].split(".")[0]
    said = [line for line in result.stderr.splitlines() if stem in line]
    assert result.returncode == 0 and not said, result.stderr


def environment_file() -> dict[str, str]:
    found = {}
    for line in (SYSTEMD / "yorum.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            assert sep and key == key.strip(), f"yorum.env: not KEY=VALUE: {line!r}"
            found[key] = value
    return found


def test_the_environment_file_sets_real_settings_to_valid_values() -> None:
    env = environment_file()
    known = {info.env for info in describe()}
    assert set(env) <= known, f"yorum.env: not settings: {set(env) - known}"
    settings = load(None, env)  # raises SettingsError naming any bad value
    assert settings.database.url.startswith("postgresql://")
    assert settings.redis.url.startswith("redis://")
    assert settings.server.public_url.startswith("https://")


NGINX = (ROOT / "deploy" / "nginx" / "yorum.conf").read_text(encoding="utf-8")


def directives(name: str) -> list[str]:
    """The values of every ``name`` directive in the shipped nginx file."""
    return re.findall(rf"^\s*{name}\s+([^;]*);", NGINX, flags=re.MULTILINE)


def test_nginx_takes_the_bodies_yorum_takes() -> None:
    (size,) = directives("client_max_body_size")
    assert size.endswith("k") and int(size[:-1]) * 1024 == CommentSettings().max_body_bytes
    assert str(CommentSettings().max_body_bytes) in NGINX.split("location @payload_too_large")[1]


def test_nginx_never_sends_a_post_to_a_second_process() -> None:
    (conditions,) = directives("proxy_next_upstream")
    assert "non_idempotent" not in conditions.split()
    assert set(conditions.split()) <= {"error", "timeout", "http_502", "http_503", "http_504"}
