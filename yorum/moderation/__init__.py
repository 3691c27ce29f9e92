"""Moderation: what happens to comments after they are written (the queue, the audit log)."""
