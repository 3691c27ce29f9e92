"""Folding text for matching: the form in which word lists, the adaptive filter and flood
detection compare comments, so that look-alike spellings of a word compare equal.

Folding applies NFKC, drops zero-width and other format characters, folds case (Turkish
dotted and dotless i included), removes accents, maps Cyrillic and Greek look-alikes and
digits or symbols written for letters (``0`` -> ``o``, ``@`` -> ``a``, ``$`` -> ``s``) to
Latin letters, squeezes letters repeated three times or more, and joins words spelled
with separators between single letters (``s.p.a.m``, ``s p a m``).
"""

from __future__ import annotations

import re
import unicodedata

# Letters that look alike across scripts, mapped to the Latin letter they imitate.
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "ѵ": "v", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ζ": "z", "ς": "s", "σ": "s", "μ": "u",
        # Turkish dotless i and other i-like marks fold with i and l (see _SAME)
        "ı": "i",
    }
)  # fmt: skip

# Characters standing in for letters inside a word (only where the word has a letter).
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i",
     "|": "i", "€": "e"}
)  # fmt: skip

# i, l and 1 are written for one another; compare them as one letter.
_SAME = str.maketrans({"l": "i"})

_WORD = re.compile(r"[\w@$€!|]+")
_SPELLED = re.compile(r"(?<![\w@$])(?:[\w@$][\s.\-_*·•,]{1,3}){2,}[\w@$](?![\w@$])")
_REPEATS = re.compile(r"(.)\1{2,}")


def _strip(text: str) -> str:
    """NFKC, no format characters (zero-width joiners, bidi marks), no accents."""
    text = unicodedata.normalize("NFKC", text)
    # Turkish capital dotted I folds to i, not to "i̇"; capital dotless I is left to casefold.
    text = text.replace("İ", "i")
    text = text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    kept = [
        c
        for c in decomposed
        if unicodedata.category(c) not in ("Mn", "Cf", "Me") and c not in "\u00ad"
    ]
    return unicodedata.normalize("NFC", "".join(kept))


def fold_word(word: str) -> str:
    """One word (or token) folded for comparison."""
    # "!" and "|" stand for i only inside a word; at its edges they are punctuation.
    word = word.strip("!|").translate(_LOOKALIKES)
    if any(c.isalpha() for c in word):
        word = word.translate(_LEET)
    word = word.translate(_SAME)
    return _REPEATS.sub(r"\1", word)


def words(text: str) -> list[str]:
    """The folded words of a text, in order; separated single letters are joined."""
    text = _strip(text)
    text = _SPELLED.sub(lambda m: re.sub(r"[\s.\-_*·•,]", "", m.group(0)), text)
    folded = (fold_word(w) for w in _WORD.findall(text))
    return [w for w in folded if w]


def fold(text: str) -> str:
    """The folded words of a text joined by single spaces."""
    return " ".join(words(text))


def contains(folded_text: str, folded_phrase: str) -> bool:
    """Whether a folded phrase occurs in a folded text on word boundaries."""
    return f" {folded_phrase} " in f" {folded_text} "
