"""Which language each line of a text is in, so that only Latvian gets repaired.

Latvian repair applied to English ("Figure" -> "Figurē", "Male" -> "Māle") or German damages
it, and a Latvian place name inside English prose ("Rezekne") must stay as written. Every word
votes with lexicon evidence: wordfreq's frequency lists for English, German and Russian (the
"small" lists, about 20 MB) against the Latvian lexicon, which also answers by folded spelling
(text typed without diacritics) and counts the marks a non-Latvian OCR model leaves in Latvian
words (``sistémas``, ``nodro$inats``) as Latvian. A line with enough votes of its own takes
its own language; a short line (a heading, a table cell) takes its block's (lines between
blank lines), then the whole text's; text with no evidence at all counts as Latvian, the
language this pipeline is for.

Why not a detector such as lingua: it is not a dependency, and it judges damaged Latvian
(no diacritics, OCR look-alikes) as some other language, which is exactly the text that needs
repair; lexicon evidence by folded spelling does not.
"""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import wordfreq

from .lexicon import Lexicon, get_lexicon
from .textnorm import LATVIAN_MARKED, confusions, fold

LATVIAN = "lv"
OTHERS = ("en", "de", "ru")
WORD = re.compile(r"[^\W\d_]+(?:[$&€@§'’][^\W\d_]+)*")


@functools.cache
def _ocr_marks() -> re.Pattern[str]:
    """A letter beside a character a non-Latvian OCR model writes for a Latvian letter (the single
    characters of the repair channel's confusions): ``sist€ma``, ``nodro$inat``."""
    signs = re.escape("".join(c for c in confusions("words")["anywhere"] if len(c) == 1))
    return re.compile(rf"[^\W\d_][{signs}]|[{signs}][^\W\d_]")


@dataclass(frozen=True, slots=True)
class LanguageRules:
    margin: float = 1.0  # Zipf units (log10 per billion) a side must lead by to claim a word
    folded_penalty: float = 1.0  # a Latvian form matched only without its marks counts less
    known_floor: float = 2.0  # a form hunspell-lv knows that wordfreq never saw
    min_votes: int = 3  # votes a line needs to decide for itself
    min_share: float = 0.6  # of its votes the leading language needs


@functools.cache
def _foreign(lang: str) -> dict[str, float]:
    return wordfreq.get_frequency_dict(lang, wordlist="small")


def _zipf(freq: float) -> float:
    return math.log10(freq) + 9.0 if freq > 0 else 0.0


@dataclass(slots=True)
class _Evidence:
    """Per word: its Latvian score and the best other language's (Zipf units)."""

    latvian: dict[str, float]
    foreign: dict[str, tuple[float, str]]


def _evidence(words: set[str], lex: Lexicon, rules: LanguageRules) -> _Evidence:
    freqs = lex.frequencies(words)
    plain = {w for w in words if not LATVIAN_MARKED.intersection(w)}
    folded = lex.by_fold({fold(w) for w in plain})
    latvian, foreign = {}, {}
    for w in words:
        if LATVIAN_MARKED.intersection(w) or _ocr_marks().search(w):
            score = 7.0  # marked letters, or a look-alike of one, inside a word: Latvian
        else:
            score = _zipf(freqs[w]) or (rules.known_floor if freqs[w] else 0.0)
            forms = folded.get(fold(w), [])
            if forms:
                score = max(score, _zipf(forms[0][1]) - rules.folded_penalty)
        latvian[w] = score
        foreign[w] = max((_zipf(_foreign(lang).get(w, 0.0)), lang) for lang in OTHERS)
    return _Evidence(latvian, foreign)


def _vote(word: str, ev: _Evidence, rules: LanguageRules) -> str | None:
    lv, (other, lang) = ev.latvian[word], ev.foreign[word]
    if lv - other >= rules.margin:
        return LATVIAN
    if other - lv >= rules.margin:
        return lang
    return None


def _decide(votes: dict[str, int], rules: LanguageRules) -> str | None:
    total = sum(votes.values())
    if total < rules.min_votes:
        return None
    lang, count = max(votes.items(), key=lambda kv: kv[1])
    return lang if count >= rules.min_share * total else None


def line_languages(
    text: str, lex: Lexicon | None = None, rules: LanguageRules = LanguageRules(),
    default: str = LATVIAN,
) -> list[str]:
    """The language of every line of ``text`` (``lv``, ``en``, ``de`` or ``ru``).

    A line decides alone when it has ``min_votes`` votes and a clear leader; otherwise its
    block's verdict, then the whole text's (where a single vote counts: a table cell of one
    word), then ``default`` apply.
    """
    lex = lex or get_lexicon()
    lines = text.split("\n")
    tokens = [[w.lower() for w in WORD.findall(line)] for line in lines]
    ev = _evidence({w for ws in tokens for w in ws}, lex, rules)
    per_line: list[dict[str, int]] = []
    for ws in tokens:
        votes: dict[str, int] = {}
        for w in ws:
            if (lang := _vote(w, ev, rules)) is not None:
                votes[lang] = votes.get(lang, 0) + 1
        per_line.append(votes)
    whole = _decide(_sum(per_line), replace(rules, min_votes=1)) or default
    out: list[str] = []
    start = 0
    for end in [i for i, line in enumerate(lines) if not line.strip()] + [len(lines)]:
        block = per_line[start:end]
        verdict = _decide(_sum(block), rules) or whole
        out.extend(_decide(votes, rules) or verdict for votes in block)
        if end < len(lines):
            out.append(verdict)  # the blank line itself
        start = end + 1
    return out


def _sum(votes: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for v in votes:
        for lang, n in v.items():
            total[lang] = total.get(lang, 0) + n
    return total


def language(text: str, lex: Lexicon | None = None, default: str = LATVIAN) -> str:
    """The language most of ``text``'s lines are in (by votes), ``default`` without evidence."""
    langs = line_languages(text, lex, default=default)
    counts: dict[str, int] = {}
    for lang, line in zip(langs, text.split("\n")):
        counts[lang] = counts.get(lang, 0) + len(WORD.findall(line))
    return max(counts, key=counts.__getitem__) if any(counts.values()) else default


def only(text: str, lang: str = LATVIAN, lex: Lexicon | None = None) -> str:
    """``text`` with every line in another language than ``lang`` left empty (lines kept)."""
    verdicts = line_languages(text, lex)
    return "\n".join(line if v == lang else "" for line, v in zip(text.split("\n"), verdicts))


def known_words(words: list[str], lex: Lexicon | None = None) -> list[bool]:
    """For each word: does Latvian (also by folded spelling), English, German or Russian know it?"""
    lex = lex or get_lexicon()
    lowered = [w.lower() for w in words]
    folded = lex.by_fold({fold(w) for w in lowered})
    return [
        bool(folded.get(fold(w))) or any(w in _foreign(lang) for lang in OTHERS) for w in lowered
    ]


def known_ratio(text: str, lex: Lexicon | None = None) -> float:
    """Share of words some lexicon knows (``known_words``): what triage reads, so that a good
    English text layer is not taken for garbage."""
    words = WORD.findall(text)
    return sum(known_words(words, lex)) / len(words) if words else 0.0
