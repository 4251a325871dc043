"""Names in running text, and what repair may change in them.

hunspell-lv knows few surnames, firm names and the case forms of place names, so for a name the
lexicon's most frequent look-alike is usually another word: the surname "Cela" is not "ceļā",
the nominative "Rīga" on a certificate is not the locative "Rīgā". A word is taken for a name
when it is capitalised inside a sentence, or stands inside a quoted title that opens with a
capital after a firm's legal form (SIA "Priekules nami"). In a name repair may change only
the characters that show damage (a ``$``, a digit or a capital inside small letters, a mojibake
letter), never its case ending. In text typed without any diacritics the missing marks are the
damage, and a name's ending is chosen like any other word's (from context), so this guard is
for text that has its marks.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from .resources import data_json
from .textnorm import fold

OPENING = "„“«\"‘"
CLOSING = "”“»\"’"


@functools.cache
def legal_forms() -> frozenset[str]:
    """Legal forms before a quoted firm or body name, folded (``legal_forms`` in the repair rules)."""
    return frozenset(fold(w.lower()) for w in data_json("repair_rules.json")["legal_forms"])


@dataclass(slots=True)
class NameSpotter:
    """Fed the words of a text in order; says which are names."""

    quoted: bool = False  # inside a quoted name after a legal form
    previous: str = ""  # the previous word, lower-cased and folded

    def is_name(self, lead: str, core: str, trail: str, sentence_start: bool) -> bool:
        """Whether this word is (part of) a name; call it for every word, in order."""
        if lead and any(c in OPENING for c in lead):
            self.quoted = self.previous in legal_forms() and core[:1].isupper()
        name = self.quoted or (core[:1].isupper() and not core.isupper() and not sentence_start)
        if trail and any(c in CLOSING for c in trail):
            self.quoted = False
        self.previous = fold(core.lower())
        return name

    def line_end(self) -> None:
        """A quoted name does not run over a line end."""
        self.quoted = False


def allows(form: str, written: str, damaged: set[int]) -> bool:
    """May the name ``written`` (damaged at positions ``damaged``) become ``form``?

    Everything before the first and after the last damaged character must stay as written
    (case aside), and so must every undamaged character when the lengths agree.
    """
    low, form = written.lower(), form.lower()
    if form == low:
        return True
    if not damaged:
        return False
    first, last = min(damaged), max(damaged)
    tail = len(low) - last - 1
    if form[:first] != low[:first] or (tail and form[-tail:] != low[-tail:]):
        return False
    return len(form) != len(low) or all(
        f == w or i in damaged for i, (f, w) in enumerate(zip(form, low))
    )
