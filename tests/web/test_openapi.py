"""The OpenAPI document is valid, generated from the live schemas, and true to responses."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from jsonschema.validators import Draft202012Validator
from referencing import Registry, Resource
from starlette.testclient import TestClient

from tests.conftest import post
from yorum.services import Services
from yorum.web.routes import API


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    doc: dict[str, Any] = client.get("/api/openapi.json").json()
    return doc


def check(document: dict[str, Any], name: str, instance: Any) -> None:
    """Validate ``instance`` against the document's component ``name``."""
    registry = Registry().with_resource("urn:doc", Resource.from_contents(
        {**document, "$schema": "https://json-schema.org/draft/2020-12/schema"}))  # fmt: skip
    validator = Draft202012Validator(
        {"$ref": f"urn:doc#/components/schemas/{name}"}, registry=registry
    )
    validator.validate(instance)


def test_document_lists_every_operation(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    for op in API:
        path = op.path.replace("{id:id}", "{id}")
        assert op.method.lower() in document["paths"][path], (op.method, path)
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_documented_limits_are_the_configured_ones(services: Services, client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    text = doc["components"]["schemas"]["NewComment"]["properties"]["text"]
    assert text["maxLength"] == services.settings.comments.max_text_length


def test_real_responses_match_the_document(client: TestClient, document: dict[str, Any]) -> None:
    posted = post(client, "first", author="A", title="T")
    check(document, "Posted", posted)
    cid, token = posted["comment"]["id"], posted["edit_token"]  # type: ignore[index]
    reply = post(client, "reply", parent=cid)
    headers = {"X-Edit-Token": str(token)}
    check(document, "ThreadPage", client.get("/api/thread?site=default&uri=/t").json())
    check(document, "CommentSource", client.get(f"/api/comments/{cid}", headers=headers).json())
    edited = client.patch(f"/api/comments/{cid}", json={"text": "e"}, headers=headers)
    check(document, "Comment", edited.json())
    check(
        document, "VoteResult", client.post(f"/api/comments/{cid}/vote", json={"value": -1}).json()
    )
    check(document, "Counts", client.get("/api/counts?site=default&uri=/t").json())
    check(document, "Latest", client.get("/api/latest?site=default").json())
    check(document, "PreviewResult", client.post("/api/preview", json={"text": "x"}).json())
    deleted = client.delete(f"/api/comments/{cid}", headers=headers).json()
    check(document, "Deleted", deleted)
    assert deleted["placeholder"]["id"] == cid
    check(document, "ThreadPage", client.get("/api/thread?site=default&uri=/t").json())
    check(document, "Error", client.get("/api/thread?site=nope&uri=/t").json())
    with pytest.raises(jsonschema.ValidationError):
        check(document, "Posted", {"comment": reply["comment"]})
