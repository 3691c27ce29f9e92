"""Word lists: folding look-alikes, refusing banned words and holding suspect ones on every
entry path, and the ``yorum words`` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.web.test_pages import form_stamp
from yorum.cli import main
from yorum.errors import BannedWord
from yorum.models import ClientInfo, NewComment, Status, WordKind
from yorum.moderation import text
from yorum.services import Services


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Viagra", "viagra"),
        ("V1agra", "viagra"),
        ("v.i.a.g.r.a", "viagra"),
        ("V I A G R A", "viagra"),
        ("vi\u200bag\u200dra", "viagra"),  # zero-width characters
        ("ѵіаgrа", "viagra"),  # Cyrillic look-alikes
        ("ＶＩＡＧＲＡ", "viagra"),  # full-width
        ("viaaaagra", "viagra"),
        ("c@$ino", "casino"),
        ("ΡΟΚΕR", "poker"),  # Greek capitals
        ("İSTANBUL", "istanbui"),
        ("ıstanbul", "istanbui"),
        ("Späm", "spam"),
    ],
)
def test_look_alike_spellings_fold_together(written: str, folded: str) -> None:
    assert text.fold(written) == folded


def test_words_match_whole_words_only() -> None:
    assert text.contains(text.fold("buy V1AGRA today"), text.fold("viagra"))
    assert not text.contains(text.fold("a classic class"), text.fold("ass"))
    assert text.contains(text.fold("free  spins here"), text.fold("Free Spins"))


def post(services: Services, body: str, uri: str = "/a") -> Status:
    new = NewComment("default", uri, body)
    return services.comments.post(new, ClientInfo("10.9.9.9")).comment.status


def test_banned_words_refuse_and_suspect_words_hold(services: Services) -> None:
    words = services.words
    assert words.add("default", WordKind.BANNED, ["viagra", "V1AGRA"], actor="ann") == 1
    assert words.add("default", WordKind.SUSPECT, ["crypto signal"], actor="ann") == 1
    for spelled in ("Buy ViAgRa", "buy v.i.a.g.r.a", "buy vi\u200bagra", "buy ＶＩＡＧＲＡ"):
        with pytest.raises(BannedWord) as caught:
            post(services, spelled)
        assert caught.value.code == "banned_word" and caught.value.field == "text"
    assert post(services, "join my CRYPTO  S1GNAL group") is Status.PENDING
    assert post(services, "crypto is a signal of the times") is Status.APPROVED
    assert services.comments.page("default", "/a").total == 1
    # moving a word to the other list, and removing it
    assert words.add("default", WordKind.SUSPECT, ["viagra"], actor="ann") == 1
    assert post(services, "viagra talk", "/b") is Status.PENDING
    assert words.remove("default", ["VIAGRA", "nothing"], actor="ann") == 1
    assert post(services, "viagra talk again", "/c") is Status.APPROVED
    actions = [e.action for e in services.moderation.audit("default")]
    assert actions.count("word banned") == 1 and "word remove" in actions


def test_the_api_and_the_form_refuse_banned_words(services: Services, client: TestClient) -> None:
    services.words.add("default", WordKind.BANNED, ["kumar"], actor="ann")
    body = {"site": "default", "uri": "/a", "text": "KUMAR oyna"}
    response = client.post("/api/comments", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "banned_word" and response.json()["field"] == "text"
    form = {"uri": "/a", "text": "kum4r oyna", "stamp": form_stamp(client)}
    page = client.post("/t/default", data=form)
    assert page.status_code == 422
    assert "a word this site does not accept" in page.text
    turkish = client.post(
        "/t/default",
        data=form,
        headers={"Accept-Language": "tr"},
    )
    assert "kabul etmediği bir sözcük" in turkish.text
    assert client.post("/api/comments", json={**body, "text": "kumarhane yok"}).status_code == 201


def test_the_words_commands(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(main, [*args, "--data-dir", data])
        return result.exit_code, result.output

    assert run("site", "add", "default")[0] == 0
    assert run("words", "add", "default", "--banned", "viagra", "free spins") == (
        0,
        "banned: 2 words added\n",
    )
    assert run("words", "add", "default", "--suspect", "loan")[0] == 0
    assert run("words", "add", "default", "loan")[0] == 2  # --banned or --suspect is needed
    code, out = run("words", "list", "default")
    assert code == 0
    assert out.splitlines() == [
        "banned\tfree spins\tfree spins",
        "banned\tviagra\tviagra",
        "suspect\tloan\tioan",
    ]
    assert run("words", "list", "default", "--suspect")[1] == "suspect\tloan\tioan\n"
    assert run("words", "remove", "default", "Free  Spins") == (0, "1 word removed\n")
    code, out = run("words", "list", "nosuch")
    assert code == 1 and "no site" in out
