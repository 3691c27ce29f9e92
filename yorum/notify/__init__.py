"""Notifications: e-mail and webhooks, delivered from a transactional outbox.

A change that should notify someone (a comment posted, held, approved or reported; a reply
to a subscribed commenter) writes rows to the ``outbox`` table in the same database
transaction as the change itself (``yorum.notify.events``). The delivery worker
(``yorum.notify.worker``, inside ``yorum serve`` or as ``yorum worker``) claims due rows,
hands each to its channel, and marks it sent, or retries it later with exponential backoff
and jitter, or marks it dead after ``notify.max_attempts``. Delivery is at least once: a
crash between the commit and the delivery loses nothing.

The channels:

- ``email``: ``mail.Mailer`` sends over SMTP; ``messages`` composes each kind of mail
  (moderator alerts, digests, confirmations, reply notifications) from templates, in the
  site's language.
- ``webhook``: ``webhook`` signs JSON events with the Standard Webhooks scheme and POSTs
  them to the site's endpoints.
"""

from __future__ import annotations


class DeliveryFailed(Exception):
    """A message could not be delivered this time.

    ``retry`` says whether trying again later may succeed (a server down, a timeout, a
    temporary refusal) or not (the recipient does not exist, the endpoint is gone): the
    worker marks a message dead at once when it is false.
    """

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


class Dropped(Exception):
    """The message no longer makes sense (its comment was deleted, its reader unsubscribed,
    its webhook removed): it is set aside as delivered, with this reason recorded."""
