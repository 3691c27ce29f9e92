"""yorum: a self-hosted, privacy-first comment server for websites."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
