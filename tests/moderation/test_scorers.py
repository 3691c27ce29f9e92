"""The built-in scorers one by one: heuristics, the adaptive filter, flood, offensive."""

from __future__ import annotations

import math

import pytest
from starlette.testclient import TestClient

from tests.conftest import FakeClock
from yorum.models import ClientInfo, NewComment, Status
from yorum.moderation import bayes
from yorum.moderation.flood import FloodScorer
from yorum.moderation.heuristics import Heuristics
from yorum.moderation.offensive import OffensiveScorer
from yorum.moderation.queue import Action
from yorum.moderation.scoring import ModerationContext, ScorerEnv
from yorum.services import Services
from yorum.settings import ModerationSettings


def heuristic_reasons(services: Services, body: str, **fields: str) -> tuple[float, str]:
    ctx = ModerationContext(services.sites.get("default"), "h", 0.0)
    score = Heuristics(ScorerEnv(services.store)).score(
        NewComment("default", "/a", body, **fields), ctx
    )
    return score.points, " | ".join(score.reasons)


def test_each_spam_shape_is_named(services: Services) -> None:
    cases = {
        "see https://a.example https://b.example https://c.example https://d.example": "4 links",
        "https://shop.example/cheap": "little but links",
        "look at https://bit.ly/abc for the full story of this": "link shortener (bit.ly)",
        "THIS IS THE BEST OFFER YOU WILL EVER SEE ON THIS SITE": "mostly capital letters",
        "message me on telegram for details": "messenger",
        "call +1 (555) 123-4567 today": "phone",
        "best online c4sino and free spins": "gambling lure words",
        "cheap pharmacy, no prescription, and bitcoin doubler": "pharmacy, crypto lure words",
        "soooooooooooo good": "a character repeated many times",
    }
    for body, reason in cases.items():
        points, said = heuristic_reasons(services, body)
        assert reason in said and points > 1, body


def test_tricky_genuine_comments_score_low(services: Services, clock: FakeClock) -> None:
    services.comments.post(NewComment("default", "/a", "first!"), ClientInfo("10.0.0.1"))
    ctx = ModerationContext(services.sites.get("default"), "x", 0.0)
    scorer = Heuristics(ScorerEnv(services.store))
    for body in (
        "The fix is in https://github.com/example/repo/pull/12, see also the docs.",
        "I called the NASA FAQ (https://nasa.gov) about it; version 1.2.3 works.",
        "Use `curl -X POST https://api.example.org/v1/items` and check the 201.",
        "Лучшая статья на эту тему, спасибо!",
    ):
        assert scorer.score(NewComment("default", "/a", body), ctx).points <= 1.5, body


def test_a_commenter_with_an_approved_comment_is_not_new(services: Services) -> None:
    new = NewComment("default", "/a", "hello there", email="ann@example.org")
    services.comments.post(new, ClientInfo("10.0.0.1"))
    site = services.sites.get("default")
    scorer = Heuristics(ScorerEnv(services.store))
    other_ip = ModerationContext(site, "other-hash", 0.0)
    assert scorer.score(new, other_ip).points == 0  # known by e-mail
    stranger = NewComment("default", "/a", "hello there", email="bo@example.org")
    assert "new commenter" in " ".join(scorer.score(stranger, other_ip).reasons)


def test_robinson_and_fisher_behave() -> None:
    assert bayes.robinson(0, 0, 10, 10) == 0.5
    assert bayes.robinson(10, 0, 10, 10) > 0.9
    assert bayes.robinson(1, 0, 10, 10) == pytest.approx(0.75)  # one sighting: cautious
    assert bayes.robinson(0, 10, 10, 10) < 0.1
    assert bayes.fisher([0.99] * 10) > 0.99
    assert bayes.fisher([0.01] * 10) < 0.01
    assert bayes.fisher([0.99, 0.01]) == pytest.approx(0.5)
    assert bayes.chi2q(0.0, 4) == 1.0
    assert bayes.chi2q(2.0, 2) == pytest.approx(math.exp(-1))


def test_the_filter_learns_unlearns_and_moves(services: Services) -> None:
    filt = services.adaptive
    posted = []
    for i in range(5):
        for kind, body in (("s", "cheap replica watches sale"), ("h", "lovely photo of the lake")):
            new = NewComment("default", f"/{kind}{i}", f"{body} {i}")
            posted.append((kind, services.comments.post(new, ClientInfo("1.1.1.1")).comment))
    assert filt.probability("default", "replica watches") is None  # nothing learned yet
    for kind, comment in posted:
        filt.learn("default", comment, kind == "s")
    found = filt.probability("default", "replica watches on sale")
    assert found is not None and found[0] > 0.9 and "watches" in found[1]
    lake = filt.probability("default", "the lake photo")
    assert lake is not None and lake[0] < 0.1
    # learning the same again changes nothing; moving one spam to ham then forgetting it
    spam_one = posted[0][1]
    filt.learn("default", spam_one, True)
    filt.learn("default", spam_one, False)
    filt.unlearn("default", spam_one)
    filt.unlearn("default", spam_one)
    assert filt.probability("default", "replica") is None  # four spam left: below the minimum
    filt.learn("default", spam_one, True)
    again = filt.probability("default", "replica watches on sale")
    assert again is not None and again[0] == pytest.approx(found[0])


def test_rejecting_forgets_what_approving_taught(services: Services) -> None:
    new = NewComment("default", "/a", "some text to learn")
    comment = services.comments.post(new, ClientInfo("1.1.1.1")).comment
    services.moderation.act(Action.APPROVE, [comment.id], actor="ann")
    with services.store.read() as tx:
        from yorum.storage import spam as spam_rows

        assert spam_rows.token_counts(tx, "default", ["text"]) == {"text": (0, 1)}
    services.moderation.act(Action.REJECT, [comment.id], actor="ann")
    with services.store.read() as tx:
        assert spam_rows.token_counts(tx, "default", ["text", ""]) == {}


def test_near_copies_flood_into_the_queue(services: Services, clock: FakeClock) -> None:
    base = "Check out my amazing new product, it changes everything for your family"
    statuses = []
    for i, suffix in enumerate(["", "!", " today", " now!!", " :)", " ok"]):
        new = NewComment("default", f"/p{i}", base + suffix)
        statuses.append(services.comments.post(new, ClientInfo(f"10.0.{i}.1")).comment.status)
        clock.advance(30)
    assert statuses[0] is Status.APPROVED
    assert statuses[-1] is not Status.APPROVED
    flood = FloodScorer(ScorerEnv(services.store, ModerationSettings()))
    assert flood.copies("default", base, clock()) == 6
    assert flood.copies("default", "A completely different comment about the weather", clock()) == 0
    assert flood.copies("default", "too short", clock()) == 0
    clock.advance(3600)
    assert flood.copies("default", base, clock()) == 0  # out of the window


def test_the_offensive_scorer_is_off_by_default_and_holds_when_on(
    services: Services, client: TestClient
) -> None:
    assert "offensive" not in [s.name for s in services.comments.pipeline.scorers]
    scorer = OffensiveScorer(ScorerEnv(services.store))
    ctx = ModerationContext(services.sites.get("default"), "h", 0.0)
    rude = scorer.score(NewComment("default", "/a", "you are a stupid b1tch"), ctx)
    assert rude.points >= 3 and "offensive" in rude.reasons[0]
    assert scorer.score(NewComment("default", "/a", "a classic assessment"), ctx).points == 0


@pytest.mark.parametrize(
    ("site_language", "text", "languages"),
    [
        ("en", "Bu yazıyı yazan tam bir gerizekalı ve şerefsiz biri, utanmalı", "tr"),
        ("tr", "Der Autor ist ein echtes Arschloch und hat keine Ahnung davon", "de"),
        ("en", "El autor de este artículo es un cabrón y no sabe nada de nada", "es"),
        ("de", "Was für ein dummer Artikel, du Arschloch", "de"),
        ("es", "What a load of rubbish, you stupid motherfucker", "en"),
        ("en", "you are a stupid b1tch", "en"),
    ],
)
def test_the_offensive_scorer_reads_the_comments_language(
    services: Services, site_language: str, text: str, languages: str
) -> None:
    services.sites.update("default", language=site_language)
    scorer = OffensiveScorer(ScorerEnv(services.store))
    ctx = ModerationContext(services.sites.get("default"), "h", 0.0)
    found = scorer.score(NewComment("default", "/a", text), ctx)
    assert found.points >= 3, text
    assert f"({languages})" in found.reasons[0]


@pytest.mark.parametrize(
    "text",
    [
        "Bu konuda 31 yorum okudum, AKP ve CHP üzerine güzel bir tartışma",
        "Ein sehr guter Artikel über die Geschichte der Stadt, danke",
        "Un artículo muy bueno sobre la historia de la ciudad, gracias",
        "A classic assessment of the passage, with a good analysis",
    ],
)
def test_the_offensive_scorer_leaves_ordinary_comments_alone(services: Services, text: str) -> None:
    services.sites.update("default", language="tr")
    scorer = OffensiveScorer(ScorerEnv(services.store))
    ctx = ModerationContext(services.sites.get("default"), "h", 0.0)
    assert scorer.score(NewComment("default", "/a", text), ctx).points == 0, text
