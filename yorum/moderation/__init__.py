"""Moderation: the spam-scoring pipeline and its scorers, ban and word lists, the queue.

The scoring interface (``Scorer``, ``Score``, ``ModerationContext``, ``Pipeline``) lives
in ``yorum.moderation.scoring``; built-in scorers sit beside it, one module each.
"""
