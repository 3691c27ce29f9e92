"""Schemathesis against the OpenAPI document, the public API and the admin API (with an
admin's token): whatever it sends, no answer is a 5xx, and every answer has the content
type and the shape the document gives it. Bounded, so it runs in the suite in about a
minute; raise ``FUZZ_EXAMPLES`` to run it longer."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from starlette.testclient import TestClient

from tests.conftest import OPEN_GATE
from yorum.models import ClientInfo, NewComment
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.web import create_app
from yorum.web.routes import ADMIN_API, API

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))


@pytest.fixture(scope="module")
def fuzzed_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """A server with a site, a thread, a comment and an admin to fuzz, on SQLite."""
    data: Path = tmp_path_factory.mktemp("fuzz")
    settings_ = with_overrides(
        Settings(),
        server={"data_dir": str(data)},
        database={"url": f"sqlite:///{data / 'yorum.sqlite3'}"},
        abuse={**OPEN_GATE, "client_rate": "", "thread_rate": ""},
    )
    services = build(settings_)
    services.sites.ensure_default()
    services.comments.post(
        NewComment("default", "/", "A first comment", author="Ana"), ClientInfo(ip="192.0.2.1")
    )
    services.accounts.add("root", "a long enough password", is_admin=True)
    yield services
    services.close()


def _documented(path: str) -> str:
    """A route's path as the OpenAPI document writes it: ``{id:id}`` is ``{id}``."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


OPERATIONS = [(op.method, _documented(op.path)) for op in (*API, *ADMIN_API)]


@pytest.fixture(scope="module")
def api_schema(fuzzed_services: Services) -> Any:
    app = create_app(fuzzed_services)
    token = fuzzed_services.accounts.new_token("root", "fuzz")
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    return schema, {"authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_request_gets_a_server_error_or_an_undocumented_answer(
    api_schema: Any, method: str, path: str
) -> None:
    schema, auth = api_schema
    operation = schema[path][method]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case: Any) -> None:
        case.call_and_validate(
            headers=auth,
            checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
        )

    fuzz()


# What the fuzzer found, kept as plain tests.


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/comments/9223372036854775808"),
        ("POST", "/api/comments/99999999999999999999999/vote"),
        ("POST", "/api/admin/comments/9223372036854775808/edit"),
        ("DELETE", "/api/admin/bans/18446744073709551616"),
    ],
)
def test_ids_too_large_for_the_database_are_not_found(
    api_schema: Any, fuzzed_services: Services, method: str, path: str
) -> None:
    _, auth = api_schema
    with TestClient(create_app(fuzzed_services)) as client:
        response = client.request(method, path, json={"value": 1, "text": "x"}, headers=auth)
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_an_admin_acting_on_a_site_that_does_not_exist_is_told_so(
    api_schema: Any, fuzzed_services: Services
) -> None:
    _, auth = api_schema
    with TestClient(create_app(fuzzed_services)) as client:
        response = client.post(
            "/api/admin/bans", json={"site": "nowhere", "kind": "name", "value": "x"}, headers=auth
        )
    assert response.status_code == 404 and response.json()["error"] == "unknown_site"
