"""What notifications cost: the outbox rows a comment writes, and how fast the worker delivers.

Posts comments through ``CommentService.post`` on SQLite, first to a site that notifies
nobody (the baseline), then, in the same run, to a site that mails three moderators for
each comment and has one webhook (four outbox rows a comment). Then the delivery worker
drains the outbox into a real SMTP server (aiosmtpd on 127.0.0.1) and a local HTTP
receiver. Reports the posting time per comment and its ratio to the baseline, and the
delivery rate.

    .venv/bin/python bench/notify_outbox.py [--comments 500]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.receiver import Receiver  # noqa: E402
from tests.smtp import SmtpServer  # noqa: E402
from yorum.models import ClientInfo, NewComment, Policy  # noqa: E402
from yorum.notify.channels import delivery_worker  # noqa: E402
from yorum.services import Services, build  # noqa: E402
from yorum.settings import Settings, with_overrides  # noqa: E402

OPEN_GATE = {"client_rate": "", "thread_rate": "", "proof_of_work": False, "min_submit_seconds": 0}


def post_all(services: Services, site: str, count: int) -> float:
    """Seconds per comment for ``count`` comments on ``site``."""
    started = time.perf_counter()
    for i in range(count):
        new = NewComment(site_id=site, uri=f"/p{i % 20}", text=f"Comment number {i} here")
        services.comments.post(new, ClientInfo(f"10.{i // 250}.{i % 250}.1"))
    return (time.perf_counter() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=500)
    args = parser.parse_args()
    smtp = SmtpServer()
    smtp.start()
    receiver = Receiver()
    receiver.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = with_overrides(
            Settings(), server={"data_dir": tmp, "public_url": "https://c.example"},
            abuse=OPEN_GATE, smtp=dataclasses.asdict(smtp.settings()),
        )  # fmt: skip
        services = build(settings)
        try:
            services.sites.add("quiet", origins=["*"], policy=Policy.OPEN)
            services.sites.add("busy", origins=["*"], policy=Policy.OPEN)
            services.sites.update("busy", notify_emails=("a@x.org", "b@x.org", "c@x.org"))
            services.webhooks.add("busy", receiver.url, actor="bench")
            baseline = post_all(services, "quiet", args.comments)
            notified = post_all(services, "busy", args.comments)
            worker = delivery_worker(services.store, services.settings, services.links)

            async def drain() -> int:
                try:
                    return await worker.drain()
                finally:
                    await worker.aclose()

            started = time.perf_counter()
            delivered = asyncio.run(drain())
            took = time.perf_counter() - started
        finally:
            services.close()
    smtp.stop()
    receiver.stop()
    print(f"{args.comments} comments a site, SQLite, one process")
    print(f"post, no notifications:        {baseline * 1000:.2f} ms a comment")
    print(f"post, 3 mails + 1 webhook:     {notified * 1000:.2f} ms a comment "
          f"({notified / baseline:.2f}x the baseline)")  # fmt: skip
    print(f"delivered {delivered} messages ({len(smtp.messages)} mails, "
          f"{len(receiver.requests)} webhook calls) in {took:.1f} s: "
          f"{delivered / took:.0f} messages/s")  # fmt: skip


if __name__ == "__main__":
    main()
