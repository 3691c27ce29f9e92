"""The OpenAPI 3.1 document, generated from the route list and the schemas handlers use."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from yorum import __version__
from yorum.web import admin_schemas
from yorum.web.convertors import ID_MAX
from yorum.web.present import RESPONSE_SCHEMAS
from yorum.web.schemas import RequestSchemas

if TYPE_CHECKING:
    from yorum.web.routes import Operation

_STATUS_TEXT = {
    200: "OK", 201: "Created", 202: "Accepted: held for moderation", 304: "Not modified",
    400: "Malformed request", 401: "Not signed in, or the API token is wrong",
    403: "Forbidden", 404: "Not found", 409: "Conflict",
    413: "Body too large", 415: "Body not JSON", 422: "A field is invalid",
    429: "Too many requests from this client; retry after Retry-After seconds",
    503: "Database busy; retry",
}  # fmt: skip


def _schema(forms: RequestSchemas, name: str) -> Any:
    """A request schema by name: the public API's, or the admin API's."""
    return admin_schemas.REQUESTS[name] if name.startswith("admin_") else getattr(forms, name)


def document(forms: RequestSchemas, operations: Sequence[Operation]) -> dict[str, Any]:
    """The whole OpenAPI document for this install's limits."""
    paths: dict[str, dict[str, Any]] = {}
    components: dict[str, Any] = {**RESPONSE_SCHEMAS, **admin_schemas.RESPONSES}
    for op in operations:
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", op.path)
        operation: dict[str, Any] = {
            "summary": op.summary,
            "operationId": op.endpoint.__name__,
            "parameters": [],
            "responses": {},
        }
        if "{id}" in path:
            operation["parameters"].append(
                {"name": "id", "in": "path", "required": True,
                 "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}
            )  # fmt: skip
        for name in re.findall(r"\{(\w+)\}", path):
            if name != "id":
                operation["parameters"].append(
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                )
        if op.edit_token:
            operation["parameters"].append(
                {"name": "X-Edit-Token", "in": "header", "required": True,
                 "description": "The edit_token returned when the comment was posted.",
                 "schema": {"type": "string"}}
            )  # fmt: skip
        if op.admin:
            operation["security"] = [{"session": []}, {"token": []}]
            operation["parameters"].append(
                {"name": "X-CSRF-Token", "in": "header", "required": False,
                 "description": "With a session cookie: the session's CSRF token, "
                 "required on every request that changes something.",
                 "schema": {"type": "string"}}
            )  # fmt: skip
        if op.query:
            operation["parameters"].extend(_schema(forms, op.query).parameters())
        if op.body:
            schema = _schema(forms, op.body)
            components[schema.name] = schema.json_schema()
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/{schema.name}"}}},
            }  # fmt: skip
        for status, name in op.responses.items():
            response: dict[str, Any] = {"description": _STATUS_TEXT[status]}
            if status != 304:
                content_schema = (
                    {"$ref": f"#/components/schemas/{name}"} if name else {"type": "string"}
                )
                response["content"] = {op.media_type: {"schema": content_schema}}
            operation["responses"][str(status)] = response
        for status in op.errors:
            operation["responses"][str(status)] = {
                "description": _STATUS_TEXT[status],
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}},
            }  # fmt: skip
        paths.setdefault(path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "yorum API",
            "version": __version__,
            "description": "Threads, comments, votes, counts and feeds; the admin API under "
            "/api/admin. Every error is "
            '{"error": code, "message": ..., "field": ...}.',
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "yorum_admin"},
                "token": {"type": "http", "scheme": "bearer"},
            },
        },
    }
