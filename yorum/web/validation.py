"""A small declarative schema language: one declaration both checks input and documents it.

Handlers parse request bodies and query strings with ``Schema.parse``; the OpenAPI
document is generated from the very same objects with ``Schema.json_schema``, so the
documented limits are always the enforced ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from yorum.errors import BadRequest, Invalid

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_ID = 2**63 - 1


class Kind(Protocol):
    """One value type: checks a decoded value and describes itself as JSON Schema."""

    def check(self, value: Any, name: str) -> Any: ...

    def from_query(self, value: str, name: str) -> Any: ...

    def json_schema(self) -> dict[str, Any]: ...


def _check_text(raw: Any, name: str, multiline: bool) -> str:
    if not isinstance(raw, str):
        raise Invalid(f"{name} must be a string.", field=name, code="invalid_type")
    value: str = raw
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{name} is not valid Unicode.", field=name, code="invalid_format") from None
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if (_CONTROL if multiline else _CONTROL_LINE).search(value):
        raise Invalid(f"{name} contains control characters.", field=name, code="invalid_format")
    return value.strip()


@dataclass(frozen=True)
class Str:
    """A string, trimmed, with a length limit and an optional format.

    Formats: ``email``; ``url`` (an http or https address; a bare host gets https://);
    ``uri`` (a page: a path starting with / or an http(s) URL; the #fragment is dropped).
    """

    max_length: int
    min_length: int = 0
    multiline: bool = False
    format: str | None = None
    pattern: str | None = None

    def check(self, raw: Any, name: str) -> str:
        value = _check_text(raw, name, self.multiline)
        if len(value) > self.max_length:
            raise Invalid(
                f"{name} is longer than {self.max_length} characters.", field=name, code="too_long"
            )
        if len(value) < self.min_length:
            message = (
                f"Please enter {name}."
                if self.min_length == 1
                else (f"{name} is shorter than {self.min_length} characters.")
            )
            raise Invalid(message, field=name, code="required" if not value else "too_short")
        if value and self.format:
            value = _FORMATS[self.format](value, name)
        if value and self.pattern and not re.fullmatch(self.pattern, value):
            raise Invalid(f"{name} has an unexpected form.", field=name, code="invalid_format")
        return value

    def from_query(self, value: str, name: str) -> str:
        return self.check(value, name)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        if self.min_length:
            schema["minLength"] = self.min_length
        if self.pattern:
            schema["pattern"] = self.pattern
        if self.format in ("email",):
            schema["format"] = "email"
        elif self.format in ("url",):
            schema["format"] = "uri"
        return schema


def _email(value: str, name: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value):
        raise Invalid(f"{name} is not an e-mail address.", field=name, code="invalid_format")
    return value


def _url(value: str, name: str) -> str:
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise Invalid(f"{name} is not a web address.", field=name, code="invalid_format") from None
    unsafe = any(ch in value for ch in ' "<>`\\{}|^')
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or unsafe:
        raise Invalid(
            f"{name} must be an http or https address.", field=name, code="invalid_format"
        )
    return value


def _uri(value: str, name: str) -> str:
    value = value.split("#", 1)[0]
    if " " in value or not value:
        raise Invalid(f"{name} is not a page address.", field=name, code="invalid_format")
    if value.startswith("/") and not value.startswith("//"):
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid(
            f"{name} must be a path starting with / or an http(s) URL.",
            field=name,
            code="invalid_format",
        )
    return value


_FORMATS = {"email": _email, "url": _url, "uri": _uri}


@dataclass(frozen=True)
class Int:
    """An integer within bounds (JSON booleans are not integers)."""

    minimum: int = 1
    maximum: int = MAX_ID

    def check(self, value: Any, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"{name} must be an integer.", field=name, code="invalid_type")
        if not self.minimum <= value <= self.maximum:
            raise Invalid(
                f"{name} must be between {self.minimum} and {self.maximum}.",
                field=name,
                code="out_of_range",
            )
        return value

    def from_query(self, value: str, name: str) -> int:
        if not re.fullmatch(r"-?[0-9]{1,20}", value.strip()):
            raise Invalid(f"{name} must be an integer.", field=name, code="invalid_type")
        return self.check(int(value), name)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True)
class Number:
    """A finite number (integer or decimal) within bounds."""

    minimum: float
    maximum: float

    def check(self, value: Any, name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"{name} must be a number.", field=name, code="invalid_type")
        if not self.minimum <= value <= self.maximum:  # NaN fails this too
            raise Invalid(
                f"{name} must be between {self.minimum:g} and {self.maximum:g}.",
                field=name,
                code="out_of_range",
            )
        return float(value)

    def from_query(self, value: str, name: str) -> float:
        try:
            number = float(value.strip())
        except ValueError:
            raise Invalid(f"{name} must be a number.", field=name, code="invalid_type") from None
        return self.check(number, name)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of strings (or integers)."""

    values: tuple[Any, ...]

    def check(self, value: Any, name: str) -> Any:
        if isinstance(value, bool) or value not in self.values:
            choices = ", ".join(map(str, self.values))
            raise Invalid(f"{name} must be one of {choices}.", field=name, code="invalid_choice")
        return value

    def from_query(self, value: str, name: str) -> Any:
        if all(isinstance(v, int) for v in self.values):
            return self.check(Int(minimum=-(2**31), maximum=2**31).from_query(value, name), name)
        return self.check(value, name)

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Bool:
    """true or false (in a query string: true/false, 1/0)."""

    def check(self, value: Any, name: str) -> bool:
        if not isinstance(value, bool):
            raise Invalid(f"{name} must be true or false.", field=name, code="invalid_type")
        return value

    def from_query(self, value: str, name: str) -> bool:
        if value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
        return self.check(value, name)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Array:
    """A list of items of one kind, with a length limit."""

    items: Kind
    max_items: int
    min_items: int = 1

    def check(self, value: Any, name: str) -> list[Any]:
        if not isinstance(value, list):
            raise Invalid(f"{name} must be a list.", field=name, code="invalid_type")
        if len(value) > self.max_items:
            raise Invalid(
                f"{name} has more than {self.max_items} items.", field=name, code="too_many"
            )
        if len(value) < self.min_items:
            raise Invalid(
                f"{name} needs at least {self.min_items} item.", field=name, code="required"
            )
        return [self.items.check(item, f"{name}[{i}]") for i, item in enumerate(value)]

    def from_query(self, value: str, name: str) -> list[Any]:
        return self.check([value], name)

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "array",
            "items": self.items.json_schema(),
            "minItems": self.min_items,
            "maxItems": self.max_items,
        }


@dataclass(frozen=True)
class Field:
    """A named member of a body or a query string."""

    name: str
    kind: Kind
    required: bool = False
    description: str = ""
    default: Any = None


@dataclass(frozen=True)
class Schema:
    """An object of named fields: parses JSON bodies and query strings, and documents them."""

    name: str
    fields: Sequence[Field]
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def parse(self, data: Any) -> dict[str, Any]:
        """Checked values of a decoded JSON body; absent optional fields get their default."""
        if not isinstance(data, dict):
            raise BadRequest("The request body must be a JSON object.")
        out: dict[str, Any] = {}
        for f in self.fields:
            value = data.get(f.name)
            if value is None:
                if f.required:
                    raise Invalid(f"Please enter {f.name}.", field=f.name, code="required")
                out[f.name] = f.default
                continue
            out[f.name] = f.kind.check(value, f.name)
            if f.required and out[f.name] in ("", []):
                raise Invalid(f"Please enter {f.name}.", field=f.name, code="required")
        return out

    def parse_query(
        self, params: Mapping[str, str], multi: Mapping[str, list[str]]
    ) -> dict[str, Any]:
        """Checked values of a query string; arrays take every repetition of their name."""
        out: dict[str, Any] = {}
        for f in self.fields:
            if isinstance(f.kind, Array):
                values = multi.get(f.name, [])
                if not values:
                    if f.required:
                        raise Invalid(f"Please give {f.name}.", field=f.name, code="required")
                    out[f.name] = f.default
                    continue
                out[f.name] = f.kind.check(values, f.name)
                continue
            raw = params.get(f.name)
            if raw is None or raw == "":
                if f.required:
                    raise Invalid(f"Please give {f.name}.", field=f.name, code="required")
                out[f.name] = f.default
                continue
            out[f.name] = f.kind.from_query(raw, f.name)
        return out

    def json_schema(self) -> dict[str, Any]:
        """This schema as JSON Schema (2020-12, as OpenAPI 3.1 uses)."""
        properties = {}
        for f in self.fields:
            prop = f.kind.json_schema()
            if f.description:
                prop["description"] = f.description
            properties[f.name] = prop
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        required = [f.name for f in self.fields if f.required]
        if required:
            schema["required"] = required
        if self.description:
            schema["description"] = self.description
        return schema

    def parameters(self) -> list[dict[str, Any]]:
        """This schema as OpenAPI query parameters."""
        return [
            {
                "name": f.name,
                "in": "query",
                "required": f.required,
                "description": f.description,
                "schema": f.kind.json_schema(),
                **({"explode": True} if isinstance(f.kind, Array) else {}),
            }
            for f in self.fields
        ]
