"""Text-level clean-up shared by page text and multi-line table cells, and all folding.

Kept apart from the geometry in ``layout`` because it works on plain strings: the table stage
runs the same rules over the lines of one cell. Every key a matcher compares words on is made
here (``fold``, ``match_key``, ``words_key``, ``name_key``, ``loose_key``), and the one table of
OCR confusions (``data/ocr_confusions.json``) is read here for each of its readers.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from ftfy.fixes import fix_latin_ligatures
from unidecode import unidecode

from .resources import data_json

SOFT_HYPHEN = "\u00ad"
# Hyphens that may split a word at a line end; dashes (– —) never do.
HYPHENS = "-\u2010"

_TOKEN_RE = re.compile(r"\S+")
_DIGITS = re.compile(r"\d+")
_NON_WORD = re.compile(r"[^\w#]+")
LATVIAN_FOLD = str.maketrans("āčēģīķļņšūžōŗĀČĒĢĪĶĻŅŠŪŽŌŖ", "acegiklnsuzorACEGIKLNSUZOR")
MARKED_LOWER = "āčēģīķļņšūž"  # the letters of today's Latvian alphabet that carry a mark
LATVIAN_MARKED = frozenset(MARKED_LOWER + MARKED_LOWER.upper())
# where in a word an OCR confusion may be read (the "at" of data/ocr_confusions.json), as a regex
_CONFUSION_AT = {
    "anywhere": "{}",
    "word_start": "^{}",
    "word_end": "{}$",
    "after_letter": r"(?<=[^\W\d_]){}",
    "inside_word": r"(?<=[^\W\d_]){}(?=[a-zāčēģīķļņšūž]|$)",
}
_CONFUSION_READERS = ("words", "ocr_words", "keys", "names", "edits")
_OPENERS = "\"'„“”«»‘’([{"


def printable(text: str) -> str:
    """Text any UTF-8 writer accepts. File names that are not UTF-8 reach Python as lone
    surrogates (``\udce2``), which Parquet, JSON and the terminal refuse; they become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def fold(text: str) -> str:
    """Strip Latvian diacritics: ``pašvaldībās`` -> ``pasvaldibas`` (same length)."""
    return text.translate(LATVIAN_FOLD)


def _lower_same_length(text: str) -> str:
    """Lower-cased where that keeps one character (``İ`` lower-cases to two: it stays).

    Whole-string ``lower`` when it keeps the length (almost always: one C call, not a join over
    characters); ``Σ`` excepted, as only the whole string gets a word-final ``ς``."""
    lowered = text.lower()
    if len(lowered) == len(text) and "Σ" not in text:
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def fold_lower(text: str) -> str:
    """Folded and lower-cased, same length as ``text``, symbols (€, %, ≥) kept as they are."""
    return _lower_same_length(fold(text))


@cache
def confusions(reader: str) -> dict[str, dict[str, list[str]]]:
    """The OCR confusions one reader uses (``data/ocr_confusions.json``, the only table of them):
    position in the word -> what the text shows -> the letters it may stand for, likeliest first."""
    if reader not in _CONFUSION_READERS:
        raise ValueError(f"unknown reader of OCR confusions {reader!r}")
    table: dict[str, dict[str, list[str]]] = {at: {} for at in _CONFUSION_AT}
    for rule in data_json("ocr_confusions.json")["rules"]:
        if rule["at"] not in table or not set(rule["in"]) <= set(_CONFUSION_READERS):
            raise ValueError(f"ocr_confusions.json: bad rule {rule}")
        if reader in rule["in"]:
            table[rule["at"]][rule["read"]] = rule["as"]
    return table


@cache
def _lookalikes() -> dict[int, str]:
    """Single characters a non-Latvian OCR model puts for a Latvian letter, to that letter folded
    (seed 001: é, $, &); one character for one keeps ``match_key`` the length of its text."""
    return str.maketrans({read: fold(letters[0]) for read, letters in confusions("keys")["anywhere"].items()})


def match_key(text: str) -> str:
    """Lower-cased, folded, OCR look-alikes mapped, same length as ``text``: what rule-based
    matchers (dates, targets) read, so ``jūlijā``, ``julija`` and ``jülija`` all match alike
    and spans map back to the original one to one."""
    return _lower_same_length(fold(text).translate(_lookalikes()))


def words_key(text: str) -> str:
    """``match_key`` with whitespace runs made one space: how texts repaired apart (a table's cell
    and its page) are compared, so a cell's line break matches the page's space."""
    return " ".join(match_key(text).split())


@cache
def _name_confusions() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(_CONFUSION_AT[at].format(re.escape(read))), letters[0])
            for at, rules in confusions("names").items() for read, letters in rules.items()]


@lru_cache(maxsize=65536)
def name_key(word: str) -> str:
    """The gazetteer's key of a word: the OCR confusions meant for names repaired, then
    ``ascii_fold``. The gazetteer's forms and the text's words both go through it, so
    ``Rézekné``, ``Rezekne`` and ``Rēzeknē`` meet on ``rezekne`` and ``Jiirmala`` on ``jurmala``."""
    for pattern, letter in _name_confusions():
        word = pattern.sub(letter, word)
    return ascii_fold(word)


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
