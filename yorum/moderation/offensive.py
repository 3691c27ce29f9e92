"""The ``offensive`` scorer (off by default): swear words and slurs, in the comment's language.

The word lists are those the ``glin-profanity`` package ships, one per language; the
comment's language is found by ``langdetect``, whose language profiles ship with it. Both
come with ``pip install 'yorum[offensive]'``. Everything is local: no model to download, no
network call. A comment is checked against the lists of the site's language, of the language
it is written in (when that is clear), and of English, which turns up everywhere.

Short words are compared as written (case and width aside): folded, ``adı`` ("its
name") would be ``adi`` ("vile"). Words of five letters or more are also compared folded
like the site word lists, so look-alike spellings of them match too. Entries of fewer than
three letters, of digits and symbols only, and the few in ``NOT_OFFENSIVE`` (names of
parties and places, everyday words) are left out. A list is a blunt tool, so the scorer
holds rather than refuses: a moderator decides.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from functools import cache
from importlib import resources

from yorum.models import NewComment
from yorum.moderation import text as folding
from yorum.moderation.scoring import ModerationContext, Score, ScorerEnv, UnknownScorer

POINTS = 3.0  # per distinct word, up to the site's hold threshold
MIN_LETTERS = 3
MIN_FOLDED_LETTERS = 5  # shorter words match only as written
DETECT_MIN_WORDS = 4  # shorter comments are not run through language detection
DETECT_MIN_PROBABILITY = 0.9

# Language tags (as sites and langdetect write them) and glin-profanity's list names.
# Chinese, Japanese and Thai are left out: they are written without spaces between words.
LISTS = {
    "ar": "arabic", "cs": "czech", "da": "danish", "de": "german", "en": "english",
    "eo": "esperanto", "es": "spanish", "fa": "persian", "fi": "finnish", "fr": "french",
    "hi": "hindi", "hu": "hungarian", "it": "italian", "ko": "korean", "nl": "dutch",
    "no": "norwegian", "pl": "polish", "pt": "portuguese", "ru": "russian", "sv": "swedish",
    "tr": "turkish",
}  # fmt: skip

# Entries of the shipped lists that are names or everyday words in the language's own use.
NOT_OFFENSIVE = {
    "tr": {"akp", "chp", "mhp", "amed", "amin", "kurt", "got", "31"},
}

_WORD = re.compile(r"\w+")
_detect_lock = threading.Lock()


def plain_words(text: str) -> list[str]:
    """A text's words compared as written: NFKC, case-folded, no zero-width characters."""
    text = unicodedata.normalize("NFKC", text).replace("İ", "i").casefold()
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _WORD.findall(text)


def _package_file(name: str) -> str:
    try:
        shipped = resources.files("glin_profanity").joinpath(f"data/dictionaries/{name}.json")
        return shipped.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise UnknownScorer(
            "The offensive scorer needs the glin-profanity and langdetect packages: "
            "pip install 'yorum[offensive]'."
        ) from None


@cache
def _allowed() -> frozenset[str]:
    """Ordinary words that contain listed ones (``class``, ``assessment``), folded."""
    listed = json.loads(_package_file("globalWhitelist"))["whitelist"]
    return frozenset(folding.fold(word) for word in listed)


@cache
def wordlist(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """The shipped list for a language tag: entries as written, and the long ones folded.

    Both are empty for a language without a list.
    """
    code = language.split("-")[0].lower()
    name = LISTS.get(code)
    if name is None:
        return frozenset(), frozenset()
    skip = NOT_OFFENSIVE.get(code, set())
    written, folded = set(), set()
    for entry in json.loads(_package_file(name))["words"]:
        plain = " ".join(plain_words(str(entry)))
        letters = sum(ch.isalpha() for ch in plain)
        if letters < MIN_LETTERS or plain in skip or folding.fold(plain) in _allowed():
            continue
        written.add(plain)
        if letters >= MIN_FOLDED_LETTERS:
            folded.add(folding.fold(plain))
    return frozenset(written), frozenset(folded)


def _phrases(said: list[str], listed: frozenset[str]) -> set[str]:
    """The listed words and phrases found in a sequence of words."""
    if not listed:
        return set()
    longest = max(w.count(" ") + 1 for w in listed)
    return {
        phrase
        for size in range(1, longest + 1)
        for i in range(len(said) - size + 1)
        if (phrase := " ".join(said[i : i + size])) in listed
    }


@cache
def _detector_ready() -> None:
    """Load langdetect's profiles once, and make its answers repeatable."""
    try:
        from langdetect import DetectorFactory
    except ModuleNotFoundError:
        raise UnknownScorer(
            "The offensive scorer needs the langdetect package: pip install 'yorum[offensive]'."
        ) from None
    DetectorFactory.seed = 0


def language_of(text: str) -> str | None:
    """The language a comment is written in, when langdetect is sure of it."""
    from langdetect import detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    _detector_ready()
    if len(text.split()) < DETECT_MIN_WORDS:
        return None
    try:
        with _detect_lock:  # langdetect seeds one shared random generator per call
            best = detect_langs(text)[0]
    except LangDetectException:  # nothing to go by: digits, links, emoji
        return None
    return str(best.lang) if best.prob >= DETECT_MIN_PROBABILITY else None


class OffensiveScorer:
    """Points for each distinct offensive word or phrase in a comment."""

    name = "offensive"

    def __init__(self, env: ScorerEnv) -> None:
        _detector_ready()
        wordlist("en")  # fails here, at start-up, when the package is missing

    def score(self, comment: NewComment, ctx: ModerationContext) -> Score:
        """``POINTS`` per distinct listed word, capped at the site's hold threshold."""
        detected = language_of(comment.text)
        languages = dict.fromkeys(
            tag.split("-")[0].lower() for tag in (ctx.site.language, detected or "en", "en")
        )
        text = f"{comment.text} {comment.author}"
        written, folded = plain_words(text), folding.words(text)
        found: set[str] = set()
        where: list[str] = []
        for language in languages:
            as_written, as_folded = wordlist(language)
            # counted by their folded form, so a word found both ways counts once
            hits = {folding.fold(p) for p in _phrases(written, as_written)}
            hits |= _phrases(folded, as_folded)
            if hits - found:
                where.append(language)
            found |= hits
        if not found:
            return Score(0.0)
        points = min(POINTS * len(found), ctx.site.hold_score)
        return Score(points, (f"{len(found)} offensive word(s) ({', '.join(where)})",))
