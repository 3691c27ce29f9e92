"""Real ``yorum serve`` processes for tests: on a free loopback port, stopped by PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """A ``yorum serve`` child process."""

    def __init__(
        self,
        data_dir: Path,
        database_url: str,
        workers: int = 1,
        env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir, self.database_url, self.workers = data_dir, database_url, workers
        self.env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / "serve.log"

    def start(self) -> None:
        env = {
            **os.environ,
            "YORUM_DATABASE_URL": self.database_url,
            # Many quick posts from one address, without proof of work (tests/test_abuse.py
            # starts servers with the gate closed).
            "YORUM_ABUSE_CLIENT_RATE": "",
            "YORUM_ABUSE_THREAD_RATE": "",
            "YORUM_ABUSE_PROOF_OF_WORK": "false",
            "YORUM_ABUSE_MIN_SUBMIT_SECONDS": "0",
            **self.env,
        }
        self.log = self.data_dir.parent / "serve.log"
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "yorum", "serve", "--data-dir", str(self.data_dir),
                 "--port", str(self.port), "--workers", str(self.workers)],
                env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text())
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("yorum serve did not become ready")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
