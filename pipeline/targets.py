"""KPI targets from tables (indicator row x year column) and from prose ("vismaz 60%").

A target is a value with an operator, a year and a unit. A cell is a number only when the whole
cell reads as one (``≥ 45%``, ``12,5``, ``1 200``, ``-3%``): ``x``, ``1x``, ``bāze``,
``nepalielinās`` or ``n/d`` are kept as text with no number, so "1x" (once a year) never
becomes the number one. A bare number is ``=``; a signed one (``-3%``, ``+5%``) is a change and
also ``=``. The vocabulary is data (``data/targets_phrases.json``).

In prose, "sasniegt 80%" / "sasniegs 80%" is read as ``≥ 80``: a value to reach is a floor, the
way KPI tables write the same targets (``≥ 80%``); "samazināt līdz 15%" is a ceiling (``≤``).
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files

from .document import Table, Target
from .textnorm import fold, match_key

YEAR = re.compile(r"(?<!\d)(20\d\d|2100)(?!\d)")
NUMBER = r"(?P<sign>[-–−+])?\s?(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
FOOTNOTE = re.compile(r"[\s¹²³⁴⁵⁶⁷⁸⁹⁰*]+$")
# a sentence ends at . ! ? before a capital, a quote or the end; "2027. gada" does not end one
SENTENCE_END = re.compile(r"[.!?](?=\s+[\"„“(]?[A-ZĀČĒĢĪĶĻŅŠŪŽ]|\s*$)|\n\s*\n")
MAX_INDICATOR = 120
OBJECT_WORDS = 6  # words a "…" in a prose phrase may stand for


@dataclass(frozen=True)
class _Vocabulary:
    operators: dict[str, str]  # folded written form (symbol or phrase) -> stored operator
    units: dict[str, str]
    baseline: re.Pattern
    indicator_headers: tuple[str, ...]
    cell: re.Pattern  # a whole cell: operator? number unit?
    value: re.Pattern  # a number and unit at the start of a text
    prose: tuple[tuple[re.Pattern, str], ...]  # phrase (with an optional object group) -> operator
    years: tuple[re.Pattern, ...]
    lead: re.Pattern
    trail: re.Pattern


def _key(text: str) -> str:
    """Folded and lower-cased, same length as ``text``, symbols (€, %, ≥) kept as they are."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in fold(text))


def _words(phrase: str) -> str:
    """A phrase as a regex that allows any run of whitespace between its words."""
    return r"\s+".join(re.escape(w) for w in phrase.split())


def _alt(phrases: Iterable[str]) -> str:
    """Alternatives, longest first, so "ne mazāk kā" wins over a shorter phrase it contains."""
    return "|".join(_words(p) for p in sorted(phrases, key=len, reverse=True))


@functools.cache
def _vocabulary() -> _Vocabulary:
    data = json.loads(files("pipeline").joinpath("data/targets_phrases.json").read_text("utf-8"))
    prose_ops = {_key(p["phrase"]): p["operator"] for p in data["prose"]}
    # a cell may also say it in words ("vismaz 45%"); phrases with an object gap are prose only
    operators = {_key(k): v for k, v in data["operators"].items()} | {
        p: op for p, op in prose_ops.items() if "…" not in p}
    units = {_key(k): v for k, v in data["units"].items()}
    unit = rf"(?P<unit>{_alt(units)})(?![^\W\d_])"
    # year phrases are also cut from the ends of a prose indicator, whole words and "līdz" with them
    year_phrase = r"\b(?:lidz\s+)?(?:" + "|".join(y.replace("(?P<y>", "(?:") for y in data["years"]) + r")\S*"
    prose = []
    for phrase, op in sorted(prose_ops.items(), key=lambda kv: len(kv[0]), reverse=True):
        before, _, after = phrase.partition("…")
        pattern = _words(before)
        if after:
            pattern += rf"(?P<object>(?:\s+[^\s\d]+){{0,{OBJECT_WORDS}}}?)\s+" + _words(after)
        prose.append((re.compile(rf"(?<![^\W\d_])(?:{pattern})\s+(?=[-–−+]?\d)"), op))
    return _Vocabulary(
        operators=operators,
        units=units,
        baseline=re.compile(rf"(?<![^\W\d_])(?:{_alt(_key(w) for w in data['baseline_words'])})(?![^\W\d_])"),
        indicator_headers=tuple(_key(w) for w in data["indicator_headers"]),
        cell=re.compile(rf"(?:(?P<op>{_alt(operators)})\s*)?{NUMBER}\s*(?:{unit})?"),
        value=re.compile(rf"{NUMBER}(?:\s*{unit})?"),
        prose=tuple(prose),
        years=tuple(re.compile(p) for p in data["years"]),
        lead=re.compile(rf"^(?:[\s,;:–-]|\b(?:{_alt(_key(w) for w in data['lead'])})\b|{year_phrase})+"),
        trail=re.compile(rf"(?:[\s,;:–-]|\b(?:{_alt(_key(w) for w in data['trail'])})\b|{year_phrase})+$"),
    )


def _number(sign: str | None, digits: str) -> float:
    value = float(re.sub(r"[ \u00a0\u202f]", "", digits).replace(",", "."))
    return -value if sign in ("-", "–", "−") else value


def parse_value(cell: str) -> tuple[str | None, float | None, str | None]:
    """``"≥ 3,0%"`` -> ("≥", 3.0, "%"); ``"-3%"`` -> ("=", -3.0, "%"); ``"1x"`` -> (None, None, None)."""
    v = _vocabulary()
    text = FOOTNOTE.sub("", " ".join(cell.split()))
    m = v.cell.fullmatch(_key(text))
    if m is None:
        return None, None, None
    op = m.group("op")
    operator = "=" if op is None else v.operators[" ".join(op.split())]
    unit = v.units[m.group("unit")] if m.group("unit") else None
    return operator, _number(m.group("sign"), m.group("num")), unit


# --- tables -----------------------------------------------------------------------------------


def targets_from_table(table: Table) -> list[Target]:
    """One target per indicator row and year column with a non-empty cell; none without years.

    A column is a year column when its label (the lowest header cell with text; the first row
    if no header was detected) names exactly one year 2000-2100; a label with a baseline word
    ("Bāzes vērtība (2024)", "2024 (bāze)") marks the baseline. The indicator column is the one
    whose label names an indicator ("Rādītājs"), else the text column with the most letters.
    """
    v = _vocabulary()
    grid = table.grid()
    header = table.header_rows() or [0]
    labels = [next((grid[r][c] for r in reversed(header) if grid[r][c]), "") for c in range(table.n_cols)]
    years = {c: int(found[0]) for c, label in enumerate(labels)
             if len(found := sorted(set(YEAR.findall(label)))) == 1}
    text_cols = [c for c in range(table.n_cols) if c not in years]
    if not years or not text_cols:
        return []
    body = [r for r in range(table.n_rows) if r > max(header)]
    named = [c for c in text_cols if any(h in _key(labels[c]) for h in v.indicator_headers)]
    indicator_col = named[0] if named else max(
        text_cols, key=lambda c: sum(ch.isalpha() for r in body for ch in grid[r][c]))
    baseline = {c for c in years if v.baseline.search(_key(labels[c]))}
    page_of = {(cell.row, cell.col): cell.page_no for cell in table.cells}
    out = []
    indicator = ""
    for r in body:
        indicator = grid[r][indicator_col] or indicator  # a merged cell runs down over its rows
        if not indicator:
            continue
        for c, year in years.items():
            text = grid[r][c].strip()
            if not text:
                continue
            op, value, unit = parse_value(text)
            out.append(Target(indicator=indicator, year=year, operator=op, value=value, unit=unit,
                              is_baseline=c in baseline, text=text, table_id=table.table_id,
                              page_no=page_of.get((r, c), table.page_first)))
    return out


# --- prose ------------------------------------------------------------------------------------


def targets_from_text(text: str, year_hint: int | None = None) -> list[Target]:
    """Targets stated in prose; the year is the nearest "2027. gadā" / "līdz 2027. gadam" in
    the same sentence, else ``year_hint``; the indicator is the clause before the phrase."""
    v = _vocabulary()
    key = match_key(text)
    bounds = [0] + [m.end() for m in SENTENCE_END.finditer(text)] + [len(text)]
    out = []
    for start, end in zip(bounds, bounds[1:]):
        sentence = key[start:end]
        years = [(m.start(), m.end(), int(m.group("y"))) for p in v.years for m in p.finditer(sentence)]
        clause_start = 0
        for m, op in _prose_matches(sentence):
            value = v.value.match(_key(text[start + m.end():end]))
            if value is None or _ordinal(text, start + m.end() + value.end()):
                continue
            stop = m.end() + value.end()
            year = _nearest_year(years, m.start(), year_hint)
            indicator = _indicator(text[start:end], sentence, clause_start, m, stop)
            clause_start = stop
            unit = v.units[value.group("unit")] if value.group("unit") else None
            out.append(Target(indicator=indicator, year=year, operator=op,
                              value=_number(value.group("sign"), value.group("num")), unit=unit,
                              is_baseline=False, text=text[start + m.start():start + stop]))
    return out


def _nearest_year(years: list[tuple[int, int, int]], at: int, hint: int | None) -> int | None:
    """The year of the (start, end, year) phrase closest to position ``at``, else ``hint``."""
    return min(years, key=lambda y: max(y[0] - at, at - y[1], 0), default=(0, 0, hint))[2]


def _prose_matches(sentence: str) -> list[tuple[re.Match, str]]:
    """Phrase matches in the sentence, left to right; a longer phrase wins where two overlap."""
    found: list[tuple[re.Match, str]] = []
    for pattern, op in _vocabulary().prose:
        for m in pattern.finditer(sentence):
            if not any(m.start() < f.end() and f.start() < m.end() for f, _ in found):
                found.append((m, op))
    return sorted(found, key=lambda f: f[0].start())


def _ordinal(text: str, at: int) -> bool:
    """A number followed by "." and a lower-case word or a digit is an ordinal or a date
    ("2027. gadā", "3. pantā", "31.03."), not a value; "60%." before a capital ends a sentence."""
    m = re.match(r"\.\s*(\S)", text[at:])
    return bool(m) and (m.group(1).islower() or m.group(1).isdigit())


def _indicator(original: str, sentence: str, clause_start: int, m: re.Match, stop: int) -> str:
    """The subject of a prose target: the phrase's object ("samazināt <smēķētāju īpatsvaru>
    līdz"), else the clause before the phrase without connectives, years and verbs, else the
    words after the value ("sasniegt 80% <aptveri>"), else the whole sentence."""
    v = _vocabulary()
    if "object" in m.groupdict() and m.group("object"):
        a, b = m.span("object")
    else:
        a, b = clause_start, m.start()
        b = a + len(v.trail.sub("", sentence[a:b]))
        lead = v.lead.match(sentence[a:b])
        a += lead.end() if lead else 0
        if a >= b:
            after = re.match(r"[^,;:.!?]*", sentence[stop:])
            a, b = stop, stop + (after.end() if after else 0)
    phrase = " ".join(original[a:b].split()) or " ".join(original.split())
    if len(phrase) > MAX_INDICATOR:
        phrase = phrase[-MAX_INDICATOR:].split(" ", 1)[-1]
    return phrase
