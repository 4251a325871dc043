"""Text-level clean-up shared by page text and multi-line table cells.

Kept apart from the geometry in ``layout`` because it works on plain strings: the table stage
runs the same rules over the lines of one cell.
"""
from __future__ import annotations

import re
import unicodedata

from ftfy.fixes import fix_latin_ligatures
from unidecode import unidecode

SOFT_HYPHEN = "\u00ad"
# Hyphens that may split a word at a line end; dashes (– —) never do.
HYPHENS = "-\u2010"

_TOKEN_RE = re.compile(r"\S+")
_DIGITS = re.compile(r"\d+")
_NON_WORD = re.compile(r"[^\w#]+")
LATVIAN_FOLD = str.maketrans("āčēģīķļņšūžōŗĀČĒĢĪĶĻŅŠŪŽŌŖ", "acegiklnsuzorACEGIKLNSUZOR")
MARKED_LOWER = "āčēģīķļņšūž"  # the letters of today's Latvian alphabet that carry a mark
LATVIAN_MARKED = frozenset(MARKED_LOWER + MARKED_LOWER.upper())
# characters a non-Latvian OCR model puts where a Latvian letter was (seed 001: é, $, &)
LOOKALIKES = str.maketrans("éèëê&€@$§íìïáàúù", "eeeeeeessiiiaauu")
_OPENERS = "\"'„“”«»‘’([{"


def printable(text: str) -> str:
    """Text any UTF-8 writer accepts. File names that are not UTF-8 reach Python as lone
    surrogates (``\udce2``), which Parquet, JSON and the terminal refuse; they become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def fold(text: str) -> str:
    """Strip Latvian diacritics: ``pašvaldībās`` -> ``pasvaldibas`` (same length)."""
    return text.translate(LATVIAN_FOLD)


def _lower_same_length(text: str) -> str:
    """Lower-cased where that keeps one character (``İ`` lower-cases to two: it stays)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def fold_lower(text: str) -> str:
    """Folded and lower-cased, same length as ``text``, symbols (€, %, ≥) kept as they are."""
    return _lower_same_length(fold(text))


def match_key(text: str) -> str:
    """Lower-cased, folded, OCR look-alikes mapped, same length as ``text``: what rule-based
    matchers (dates, targets) read, so ``jūlijā``, ``julija`` and ``jülija`` all match alike
    and spans map back to the original one to one."""
    return _lower_same_length(fold(text).translate(LOOKALIKES))


def ascii_fold(word: str) -> str:
    """Lower-cased, every letter that has a one-letter ASCII form reduced to it (unidecode): the
    gazetteer's key, where ``Rézekné`` and ``Rēzeknē`` meet on ``rezekne`` (same length)."""
    out = []
    for ch in word.lower():
        ascii_ch = unidecode(ch)
        out.append(ascii_ch if len(ascii_ch) == 1 else ch)
    return "".join(out)


def loose_key(text: str) -> str:
    """Digits, case, diacritics and punctuation ignored (``Lpp. 3`` ~ ``lpp 4``): how a running
    header or footer is recognised on every page."""
    bare = strip_marks(unicodedata.normalize("NFKD", text))
    return _NON_WORD.sub(" ", _DIGITS.sub("#", bare.casefold())).strip()


def normalize_text(text: str) -> str:
    """Expand Latin ligatures, NFC-compose, drop soft hyphens, strip each line's trailing spaces.

    Ligatures go through ftfy's table rather than NFKC, which would also rewrite superscripts,
    "…" and other characters the entity stages read. Soft hyphens that end a line are break
    hints: run ``join_hyphenated`` first to honour them.
    """
    text = unicodedata.normalize("NFC", fix_latin_ligatures(text)).replace(SOFT_HYPHEN, "")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def join_hyphenated(text: str) -> str:
    """Rejoin words split across line ends; the rest of the next line stays where it was.

    Only adjacent lines are joined: a blank line (a block break) stops it. A syllable split
    ("pašval-" + "dības") loses its hyphen; a hyphen that belongs to the word stays
    ("e-" + "pasts", "COVID-" + "19", "Rīga-" + "Jūrmala"); a detached hyphen ("Iecava -")
    or a dash is left alone.
    """
    out: list[str] = []
    for line in text.split("\n"):
        joined = _join_pair(out[-1], line) if out else None
        if joined is None:
            out.append(line)
            continue
        out[-1], rest = joined
        if rest:
            out.append(rest)
    return "\n".join(out)


def clean_text(text: str) -> str:
    """Everything a reader of extracted text wants: hyphenation joined, then normalised."""
    return normalize_text(join_hyphenated(text))


def strip_marks(text: str) -> str:
    """Drop combining marks: on decomposed text ("a" + U+0304) this leaves the base letters."""
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _join_pair(line: str, following: str) -> tuple[str, str] | None:
    """(``line`` with the next line's first word appended, the rest) or None when not split."""
    head = line.rstrip()
    if len(head) < 2 or head[-1] not in HYPHENS + SOFT_HYPHEN:
        return None
    stem = head[:-1]
    if stem[-1].isspace():
        return None
    prefix = strip_marks(stem.rsplit(None, 1)[-1]).lstrip(_OPENERS)
    if not prefix or not prefix[-1].isalnum():
        return None
    match = _TOKEN_RE.search(following)
    if match is None or not match.group()[0].isalnum():
        return None
    token, rest = match.group(), following[match.end():].strip()
    first = token[0]
    syllable = head[-1] == SOFT_HYPHEN or (
        first.isalpha()
        and first.islower()
        and len(prefix) >= 2
        and prefix.isalpha()
        and not prefix.isupper()
    )
    return (stem if syllable else head) + token, rest
