"""The scoring pipeline: thresholds, stored reasons, plugins from entry points."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.conftest import OPEN_GATE, FakeClock
from tests.web.test_pages import form_stamp
from yorum.cli import main
from yorum.models import ClientInfo, NewComment, Policy, Site, Status, WordKind
from yorum.moderation.queue import Action
from yorum.moderation.scoring import (
    ModerationContext,
    Pipeline,
    Score,
    Scorer,
    ScorerEnv,
    UnknownScorer,
    load,
)
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.web import create_app

SITE = Site("s", "S", ("*",), "en", Policy.OPEN, 0.0)


class Fixed:
    """A scorer that always gives the same points."""

    def __init__(self, name: str, points: float) -> None:
        self.name = name
        self.points = points

    def score(self, comment: NewComment, ctx: ModerationContext) -> Score:
        return Score(self.points, (f"says {self.points}",))


def verdict_for(*points: float, site: Site = SITE) -> Status:
    scorers: list[Scorer] = [Fixed(f"f{i}", p) for i, p in enumerate(points)]
    ctx = ModerationContext(site, "hash", 0.0)
    return Pipeline(scorers).run(NewComment("s", "/a", "hi"), ctx).status


def test_points_add_up_against_the_site_thresholds() -> None:
    assert verdict_for() is Status.APPROVED
    assert verdict_for(2, 2.9) is Status.APPROVED
    assert verdict_for(2, 3) is Status.PENDING
    assert verdict_for(6, 3.9) is Status.PENDING
    assert verdict_for(6, 4) is Status.SPAM
    assert verdict_for(12, -3) is Status.PENDING  # evidence of a genuine comment counts too
    strict = Site("s", "S", ("*",), "en", Policy.OPEN, 0.0, hold_score=1, spam_score=2)
    assert verdict_for(1.5, site=strict) is Status.PENDING


def test_a_policy_holds_what_the_scorers_let_through_but_spam_stays_spam() -> None:
    ctx = ModerationContext(SITE, "hash", 0.0)
    calm = Pipeline([Fixed("a", 0)]).run(NewComment("s", "/a", "hi"), ctx)
    loud = Pipeline([Fixed("a", 20)]).run(NewComment("s", "/a", "hi"), ctx)
    assert calm.overrule(Status.PENDING) is Status.PENDING
    assert loud.overrule(Status.PENDING) is Status.SPAM
    assert loud.reasons[0].scorer == "a" and loud.reasons[0].text == "says 20"


def test_unknown_scorer_names_are_refused(services: Services) -> None:
    with pytest.raises(UnknownScorer, match="nosuch"):
        load(["heuristics", "nosuch"], ScorerEnv(services.store))


def test_ordinary_comments_go_through_with_default_settings(services: Services) -> None:
    texts = [
        "Thanks, this helped me a lot!",
        "I disagree: see https://en.wikipedia.org/wiki/Comment for the history.",
        "Kod şöyle: `for i in range(10): print(i)` ve çalışıyor.",
        "Отличная статья, спасибо автору.",
        "شكرا على هذا المقال الرائع",
        "NASA and the ESA both said so in the FAQ.",
    ]
    for i, text in enumerate(texts):
        new = NewComment("default", f"/p{i}", text)
        posted = services.comments.post(new, ClientInfo(f"10.0.0.{i}"))
        assert posted.comment.status is Status.APPROVED, text


def test_reasons_are_stored_for_moderators_not_readers(services: Services) -> None:
    spam = "BUY CHEAP VIAGRA NOW https://bit.ly/x1 https://bit.ly/x2 https://bit.ly/x3"
    posted = services.comments.post(NewComment("default", "/a", spam), ClientInfo("10.1.1.1"))
    assert posted.comment.status in (Status.PENDING, Status.SPAM)
    score, reasons = services.moderation.reasons([posted.comment.id])[posted.comment.id]
    assert score >= 5 and {r.scorer for r in reasons} == {"heuristics"}
    assert any("shortener" in r.text for r in reasons)
    # readers never see them
    page = services.comments.page("default", "/a")
    assert page.total == 0


def test_the_pending_command_prints_the_reasons(tmp_path: Path, clock: FakeClock) -> None:
    data = str(tmp_path / "d")
    services = build(
        with_overrides(Settings(), server={"data_dir": data}, abuse=OPEN_GATE), clock=clock
    )
    try:
        services.sites.ensure_default()
        text = "Casino bonus tonight, write on WhatsApp +90 555 123 45 67"
        services.comments.post(NewComment("default", "/b", text), ClientInfo("10.1.1.2"))
    finally:
        services.close()
    out = CliRunner().invoke(main, ["comments", "pending", "--data-dir", data])
    assert out.exit_code == 0, out.output
    assert "spam score 6.5" in out.output
    assert "heuristics +6.5: asks to be contacted by phone or messenger (+3)" in out.output
    js = CliRunner().invoke(main, ["comments", "pending", "--json", "--data-dir", data])
    assert '"scorer": "heuristics", "points": 6.5' in js.output


def test_moderator_decisions_teach_the_filter(services: Services, clock: FakeClock) -> None:
    ids = []
    for i in range(6):
        text = f"Cheap pills online pharmacy discount offer number {i} visit now"
        ids.append(
            services.comments.post(
                NewComment("default", f"/s{i}", text), ClientInfo(f"10.2.0.{i}")
            ).comment.id
        )
        clock.advance(7200)  # out of the flood window
    ham = []
    for i in range(6):
        text = f"Great write-up about gardening tomatoes and compost, part {i}"
        ham.append(
            services.comments.post(
                NewComment("default", f"/h{i}", text), ClientInfo(f"10.3.0.{i}")
            ).comment.id
        )
        clock.advance(7200)
    services.moderation.act(Action.SPAM, ids, actor="ann")
    services.moderation.act(Action.APPROVE, ham, actor="ann")
    later = services.comments.post(
        NewComment("default", "/x", "Discount pharmacy pills offer, visit now"),
        ClientInfo("10.4.0.1"),
    )
    assert later.comment.status is not Status.APPROVED
    _, reasons = services.moderation.reasons([later.comment.id])[later.comment.id]
    assert any(r.scorer == "bayes" and r.points > 0 for r in reasons)
    fine = services.comments.post(
        NewComment("default", "/y", "My tomatoes love compost too, thanks for gardening tips"),
        ClientInfo("10.4.0.2"),
    )
    assert fine.comment.status is Status.APPROVED


PLUGIN = """
from yorum.moderation.scoring import Score


class Shouty:
    name = "shouty"

    def __init__(self, env):
        self.env = env

    def score(self, comment, ctx):
        if "!!!" in comment.text:
            return Score(ctx.site.spam_score, ("three exclamation marks",))
        return Score(0.0)
"""


@pytest.fixture
def plugin_on_path(tmp_path: Path) -> Iterator[None]:
    """A third-party distribution with a scorer entry point, importable from tmp."""
    root = tmp_path / "site-packages"
    root.mkdir()
    (root / "yorum_shouty.py").write_text(textwrap.dedent(PLUGIN))
    info = root / "yorum_shouty-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: yorum-shouty\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[yorum.scorers]\nshouty = yorum_shouty:Shouty\n")
    sys.path.insert(0, str(root))
    yield
    sys.path.remove(str(root))
    sys.modules.pop("yorum_shouty", None)


def test_a_scorer_from_an_installed_plugin_runs_where_settings_name_it(
    plugin_on_path: None, settings: Settings, clock: FakeClock
) -> None:
    custom = with_overrides(settings, moderation={"scorers": "shouty,heuristics"})
    services = build(custom, clock=clock)
    try:
        services.sites.ensure_default()
        assert [s.name for s in services.comments.pipeline.scorers] == ["shouty", "heuristics"]
        loud = services.comments.post(
            NewComment("default", "/a", "Hello!!!"), ClientInfo("1.2.3.4")
        )
        calm = services.comments.post(NewComment("default", "/a", "Hello."), ClientInfo("1.2.3.4"))
        assert loud.comment.status is Status.SPAM
        assert calm.comment.status is Status.APPROVED
        _, reasons = services.moderation.reasons([loud.comment.id])[loud.comment.id]
        assert reasons[0].scorer == "shouty" and reasons[0].text == "three exclamation marks"
    finally:
        services.close()


def test_the_configuration_check_names_unknown_scorers() -> None:
    from yorum.settings import SettingsError, load

    with pytest.raises(SettingsError) as caught:
        load(None, {"YORUM_MODERATION_SCORERS": "heuristics, nosuch"})
    assert caught.value.problems[0].startswith(
        "moderation.scorers: no scorer named 'nosuch' is installed (installed: bayes, flood"
    )
    assert load(None, {"YORUM_MODERATION_SCORERS": "words"}).moderation.scorers == "words"


SPAMMY = "Best online casino, free spins! Cheap viagra! WhatsApp +1 555 123 4567 https://bit.ly/w1"


def test_the_api_answers_202_for_held_and_spam_and_never_shows_reasons(
    services: Services, client: TestClient
) -> None:
    body = {"site": "default", "uri": "/a", "text": SPAMMY}
    response = client.post("/api/comments", json=body)
    assert response.status_code == 202
    data = response.json()
    assert data["comment"]["status"] == "pending"  # though it is spam: spammers learn nothing
    assert services.moderation.pending("default") == []
    assert "reasons" not in json.dumps(data) and "score" not in data["comment"]
    fine = client.post("/api/comments", json={**body, "text": "Nice write-up, thanks."})
    assert fine.status_code == 201
    thread = client.get("/api/thread", params={"site": "default", "uri": "/a"}).json()
    assert thread["total"] == 1 and "casino" not in json.dumps(thread)


def test_the_plain_form_holds_what_the_scorers_hold(services: Services, client: TestClient) -> None:
    services.sites.update("default", hold_score=2, spam_score=50)
    form = {"uri": "/a", "text": SPAMMY, "stamp": form_stamp(client)}
    response = client.post("/t/default", data=form, follow_redirects=False)
    assert response.status_code == 303 and "held=" in response.headers["location"]
    page = client.get(response.headers["location"]).text
    assert "awaiting moderation" in page and "casino" not in page
    [held] = services.moderation.pending("default")
    score, _ = services.moderation.reasons([held.comment.id])[held.comment.id]
    assert 2 <= score < 50


def test_site_thresholds_are_checked(services: Services) -> None:
    from yorum.errors import Invalid

    assert services.sites.update("default", hold_score="3.5").hold_score == 3.5
    for bad in ({"hold_score": "x"}, {"hold_score": 0}, {"hold_score": 20, "spam_score": 10}):
        with pytest.raises(Invalid):
            services.sites.update("default", **bad)
    site = services.sites.get("default")
    assert (site.hold_score, site.spam_score) == (3.5, 10.0)


def _train(services: Services) -> None:
    """Five spam and five genuine decisions, so the learning filter has an opinion."""
    for i in range(5):
        spam = services.comments.post(
            NewComment("default", f"/t{i}", f"cheap pills discount pharmacy order now {i}"),
            ClientInfo(f"10.9.0.{i}"),
        ).comment.id
        ham = services.comments.post(
            NewComment("default", f"/t{i}", f"interesting point about the city council vote {i}"),
            ClientInfo(f"10.9.1.{i}"),
        ).comment.id
        services.moderation.act(Action.SPAM, [spam], actor="t")
        services.moderation.act(Action.APPROVE, [ham], actor="t")


def _flood(services: Services) -> None:
    for i in range(5):
        services.comments.post(
            NewComment("default", f"/f{i}", "Join my channel for daily crypto signals and tips"),
            ClientInfo(f"10.8.0.{i}"),
        )


SCORER_CASES = {
    "heuristics": (None, SPAMMY),
    "words": (lambda s: s.words.add("default", WordKind.SUSPECT, ["loan"], actor="t"),
              "Need a quick l0an? Ask me."),
    "bayes": (_train, "cheap pills discount pharmacy order now"),
    "flood": (_flood, "Join my channel for daily crypto signals and tips"),
    "offensive": (None, "The author is a stupid motherfucker who knows nothing"),
}  # fmt: skip


@pytest.mark.parametrize("scorer", sorted(SCORER_CASES))
def test_each_scorer_holds_through_the_api_and_the_plain_form(
    settings: Settings, clock: FakeClock, scorer: str
) -> None:
    prepare, text = SCORER_CASES[scorer]
    services = build(with_overrides(settings, moderation={"scorers": scorer}), clock=clock)
    try:
        services.sites.ensure_default()
        services.sites.update("default", hold_score=1, spam_score=1000)
        if prepare is not None:
            prepare(services)
        with TestClient(create_app(services)) as client:
            body = {"site": "default", "uri": "/api-post", "text": text}
            response = client.post("/api/comments", json=body)
            assert response.status_code == 202, response.text
            form = {"uri": "/form-post", "text": text, "stamp": form_stamp(client)}
            page = client.post("/t/default", data=form, follow_redirects=False)
            assert page.status_code == 303 and "held=" in page.headers["location"]
        held = services.moderation.pending("default")
        mine = [h.comment.id for h in held if h.uri in ("/api-post", "/form-post")]
        assert len(mine) == 2
        for comment_id in mine:
            score, reasons = services.moderation.reasons([comment_id])[comment_id]
            assert score >= 1 and {r.scorer for r in reasons} == {scorer}
    finally:
        services.close()
