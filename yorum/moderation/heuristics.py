"""The ``heuristics`` scorer: the shapes spam comments tend to have.

Many links, a text that is nothing but links, link shorteners, shouting in capitals,
phone numbers and messenger handles to contact, casino, pharmacy, loan and crypto lures,
long runs of one character, and a commenter with no approved comment on the site yet.
Each shape adds a few points; only several together reach the default hold threshold.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from yorum.models import NewComment
from yorum.moderation import text as folding
from yorum.moderation.scoring import ModerationContext, Score, ScorerEnv
from yorum.storage import Store
from yorum.storage import spam as spam_rows

_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']+", re.IGNORECASE)
SHORTENERS = frozenset(
    "bit.ly tinyurl.com t.co goo.gl ow.ly is.gd buff.ly cutt.ly rb.gy shorturl.at tiny.cc "
    "t.ly s.id v.gd rebrand.ly bl.ink lnkd.in trib.al clck.ru".split()
)
_PHONE = re.compile(r"(?<!\w)\+?\d[\d \-().]{8,16}\d(?!\w)")
_MESSENGER = re.compile(
    r"\b(?:whats\s?app|wh?atsapp|telegram|viber|wechat|signal|kik)\b|(?:t\.me|wa\.me)/\w+",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w.])@[A-Za-z0-9_]{4,}(?![\w.@])")
# Folded lure words by kind, in several languages; a kind counts once however often it shows.
LURES: dict[str, tuple[str, ...]] = {
    "gambling": ("casino", "casinos", "jackpot", "betting", "bet365", "free spins",
                 "slots", "poker online", "bahis", "deneme bonusu", "kumar", "kazino",
                 "apuestas", "paris sportifs", "sportwetten"),
    "pharmacy": ("viagra", "cialis", "levitra", "tramadol", "xanax", "pharmacy", "no prescription",
                 "weight loss pills", "eczane", "apteka"),
    "money": ("payday loan", "loans", "bad credit", "earn money", "make money", "work from home",
              "per week from home", "forex", "binary options", "kredi", "kredit", "prestamo",
              "prestamos", "gagner de l argent"),
    "crypto": ("bitcoin doubler", "crypto investment", "double your bitcoin", "airdrop",
               "seed phrase", "usdt", "nft giveaway", "kripto", "wallet recovery"),
    "adult": ("porn", "sex cams", "escort", "escorts", "onlyfans", "hot singles",
              "dating site"),
    "seo": ("seo services", "backlinks", "guest post", "buy followers", "cheap followers",
            "web traffic"),
}  # fmt: skip
_FOLDED_LURES = {kind: tuple(folding.fold(p) for p in phrases) for kind, phrases in LURES.items()}
_REPEATED = re.compile(r"(\S)\1{7,}")


def links(text: str) -> list[str]:
    """The URLs written in a text."""
    return _URL.findall(text)


def _host(url: str) -> str:
    if not url.lower().startswith("http"):
        url = "http://" + url
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


class Heuristics:
    """Adds points for each spam shape a comment has."""

    name = "heuristics"

    def __init__(self, env: ScorerEnv) -> None:
        self.store: Store = env.store

    def score(self, comment: NewComment, ctx: ModerationContext) -> Score:
        """Points for each shape found, with one reason each."""
        text = comment.text
        points = 0.0
        reasons: list[str] = []

        def add(value: float, reason: str) -> None:
            nonlocal points
            points += value
            reasons.append(f"{reason} (+{value:g})")

        urls = links(text) + ([comment.website] if comment.website else [])
        found = links(text)
        if len(found) >= 3:
            add(min(1.5 * (len(found) - 2), 6.0), f"{len(found)} links")
        rest = _URL.sub(" ", text).split()
        if found and len(rest) < 4:
            add(3.0, "little but links")
        short = sorted({_host(u) for u in urls} & SHORTENERS)
        if short:
            add(3.0, f"link shortener ({', '.join(short)})")
        letters = [c for c in _URL.sub(" ", text) if c.isalpha() and c.lower() != c.upper()]
        upper = sum(1 for c in letters if c.isupper())
        if len(letters) >= 20 and upper / len(letters) > 0.7:
            add(2.0, "mostly capital letters")
        if _PHONE.search(text) or _MESSENGER.search(text) or _HANDLE.search(text):
            add(3.0, "asks to be contacted by phone or messenger")
        folded = folding.fold(text + " " + comment.author)
        kinds = [
            kind
            for kind, phrases in _FOLDED_LURES.items()
            if any(folding.contains(folded, p) for p in phrases)
        ]
        if kinds:
            add(min(2.5 * len(kinds), 7.5), f"{', '.join(kinds)} lure words")
        if _REPEATED.search(text):
            add(1.5, "a character repeated many times")
        with self.store.read() as tx:
            known = spam_rows.has_approved(tx, ctx.site.id, ctx.ip_hash, comment.email)
        if not known:
            add(1.0, "new commenter: no approved comment yet")
        return Score(points, tuple(reasons))
