"""The shipped deploy/nginx/yorum.conf run as a child nginx, for the deployment tests.

Only addresses, ports, file paths and names are changed (each replacement must match the
shipped file exactly once, so a reshaped file fails loudly instead of going untested);
every proxy setting is the file's own. nginx runs in the foreground, in one process,
with its prefix, logs and temporary files in the test's directory, and is stopped by PID.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import trustme

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "nginx" / "yorum.conf"
SHIPPED_UPSTREAMS = ("127.0.0.1:8081", "127.0.0.1:8082")


def nginx_binary() -> str | None:
    """nginx's path, or None when it is not installed (``make test`` installs it)."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def _replace_once(text: str, old: str, new: str) -> str:
    count = text.count(old)
    assert count == 1, f"deploy/nginx/yorum.conf: expected {old!r} once, found it {count} times"
    return text.replace(old, new)


def render(upstreams: list[str], http_port: int, https_port: int, prefix: Path) -> str:
    """The shipped site file with this test's addresses, ports and paths."""
    text = SHIPPED.read_text(encoding="utf-8")
    for shipped, ours in zip(SHIPPED_UPSTREAMS, upstreams, strict=True):
        text = _replace_once(text, f"server {shipped} ", f"server {ours} ")
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/letsencrypt/live/comments.example.org/fullchain.pem": str(prefix / "cert.pem"),
        "/etc/letsencrypt/live/comments.example.org/privkey.pem": str(prefix / "key.pem"),
        "/var/log/nginx/yorum.access.log": str(prefix / "access.log"),
        "root /var/www/letsencrypt;": f"root {prefix / 'acme'};",
    }
    for old, new in replacements.items():
        text = _replace_once(text, old, new)
    return text


class Nginx:
    """nginx serving the shipped site file over TLS (a trustme certificate for 127.0.0.1)."""

    def __init__(self, prefix: Path, upstreams: list[str]) -> None:
        self.prefix, self.upstreams = prefix, upstreams
        self.http_port, self.https_port = free_port(), free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.ca = trustme.CA()
        self.process: subprocess.Popen[bytes] | None = None
        self.access_log = prefix / "access.log"
        self.error_log = prefix / "error.log"

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this nginx's certificate."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def _write_files(self) -> Path:
        prefix = self.prefix
        for name in ("tmp", "acme"):
            (prefix / name).mkdir(parents=True, exist_ok=True)
        cert = self.ca.issue_cert("127.0.0.1", "comments.example.org")
        cert.private_key_pem.write_to_path(str(prefix / "key.pem"))
        (prefix / "cert.pem").write_bytes(b"".join(pem.bytes() for pem in cert.cert_chain_pems))
        site = prefix / "yorum.conf"
        site.write_text(render(self.upstreams, self.http_port, self.https_port, prefix))
        # What Debian's /etc/nginx/nginx.conf gives a site file, kept inside the prefix.
        temp = prefix / "tmp"
        main = prefix / "nginx.conf"
        main.write_text(
            f"master_process off;\n"
            f"pid {prefix / 'nginx.pid'};\n"
            f"error_log {self.error_log} notice;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            "    default_type application/octet-stream;\n"
            f"    client_body_temp_path {temp / 'body'};\n"
            f"    proxy_temp_path {temp / 'proxy'};\n"
            f"    fastcgi_temp_path {temp / 'fastcgi'};\n"
            f"    uwsgi_temp_path {temp / 'uwsgi'};\n"
            f"    scgi_temp_path {temp / 'scgi'};\n"
            f"    include {site};\n"
            "}\n"
        )
        return main

    def start(self, binary: str) -> None:
        main = self._write_files()
        command = [binary, "-p", str(self.prefix), "-c", str(main), "-e", str(self.error_log)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(
            [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.error_log.read_text())
            try:
                for port in (self.http_port, self.https_port):
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    def log_lines(self) -> list[str]:
        """The access log so far (the shipped privacy format)."""
        if not self.access_log.exists():
            return []
        return self.access_log.read_text().splitlines()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
