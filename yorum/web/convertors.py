"""Path convertors of yorum's routes, registered with Starlette on import: every module
that declares a route with one imports this first."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

ID_MAX = 10**18 - 1
"""The largest id a path takes (ids are 64-bit integers in the database)."""


class IdConvertor(Convertor[int]):
    """``{id:id}`` in a path: a row id of up to 18 digits. A longer number cannot be an id,
    so such a path matches no route (404) instead of overflowing the database driver."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())
