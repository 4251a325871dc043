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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .dates import find_dates
from .document import DateMention, Table, Target
from .municipalities import find_municipalities
from .resources import data_json
from .textnorm import fold_lower as _key
from .textnorm import match_key

YEAR = re.compile(r"(?<!\d)(20\d\d|2100)(?!\d)")
NUMBER = r"(?P<sign>[-–−+])?\s?(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
FOOTNOTE = re.compile(r"[\s¹²³⁴⁵⁶⁷⁸⁹⁰*]+$")
# a sentence ends at . ! ? before a capital, a quote or the end; "2027. gada" does not end one
SENTENCE_END = re.compile(r"[.!?](?=\s+[\"„“(]?[A-ZĀČĒĢĪĶĻŅŠŪŽ]|\s*$)|\n\s*\n")
MAX_INDICATOR = 120
# a calendar's cells: a time or a day and month, alone or as a span
CLOCK = re.compile(r"\d{1,2}[.:]\d{2}\.?(?:\s*[-–—]\s*\d{1,2}[.:]\d{2}\.?)?|\d{1,2}\.?\s*[-–—]\s*\d{1,2}\.\d{1,2}\.?")
DATED_SHARE, VALUED_SHARE = 0.2, 0.5
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
    measures: tuple[str, ...]
    not_after: tuple[re.Pattern, ...]  # a number followed by these is no value ("25 (divdesmit piecu)")
    not_before: tuple[re.Pattern, ...]
    value_words: re.Pattern  # a year-column cell that is a value without a number: "1x", "x", "n/d"


def _words(phrase: str) -> str:
    """A phrase as a regex that allows any run of whitespace between its words."""
    return r"\s+".join(re.escape(w) for w in phrase.split())


def _alt(phrases: Iterable[str]) -> str:
    """Alternatives, longest first, so "ne mazāk kā" wins over a shorter phrase it contains."""
    return "|".join(_words(p) for p in sorted(phrases, key=len, reverse=True))


@functools.cache
def _vocabulary() -> _Vocabulary:
    data = data_json("targets_phrases.json")
    prose_ops = {_key(p["phrase"]): p["operator"] for p in data["prose"]}
    # a cell may also say it in words ("vismaz 45%"); phrases with an object gap are prose only
    operators = {_key(k): v for k, v in data["operators"].items()} | {
        p: op for p, op in prose_ops.items() if "…" not in p}
    units = {_key(k): v for k, v in data["units"].items()}
    unit = rf"(?P<unit>{_alt(units)})(?![^\W\d_])"
    # year phrases are also cut from the ends of a prose indicator, whole words and "līdz" with them
    until = "|".join(data_json("dates_lv.json")["until"])  # "līdz 2027. gadam", folded
    year_phrase = rf"\b(?:(?:{until})\s+)?(?:" + "|".join(y.replace("(?P<y>", "(?:") for y in data["years"]) + r")\S*"
    prose = []
    for phrase, op in sorted(prose_ops.items(), key=lambda kv: len(kv[0]), reverse=True):
        before, _, after = phrase.partition("…")
        pattern = _words(before)
        if after:
            pattern += rf"(?P<object>(?:\s+[^\s\d]+){{0,{OBJECT_WORDS}}}?)\s+" + _words(after)
        prose.append((re.compile(rf"(?<![^\W\d_])(?:{pattern})\s+(?=[-–−+]?\d)"), op))
    for symbol in data["prose_symbols"]:  # not in a row of values read as a line: "62% ≥ 65%"
        prose.append((re.compile(rf"(?<![\d%])(?<![\d%] ){re.escape(symbol)}\s*(?=\d)"), operators[_key(symbol)]))
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
        measures=tuple(data["measures"]),
        not_after=tuple(re.compile(p) for p in data["not_a_value_after"]),
        not_before=tuple(re.compile(p) for p in data["not_a_value_before"]),
        value_words=re.compile(rf"(?:\d+\s*x|{_alt(_key(w) for w in data['value_words'])})"),
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
    if not _holds_values([grid[r][c].strip() for r in body for c in years if grid[r][c].strip()]):
        return []
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


def _holds_values(cells: list[str]) -> bool:
    """The year columns hold KPI values, not a calendar's days and times ("15.10.", "14:30",
    "18.-19.06."): most cells read as a value or a value word (x, bāze), few as a date."""
    if not cells:
        return False
    v = _vocabulary()
    dated = sum(bool(CLOCK.fullmatch(c) or find_dates(c, 2000)) for c in cells)
    valued = sum(parse_value(c)[1] is not None or bool(v.baseline.fullmatch(_key(c)))
                 or bool(v.value_words.fullmatch(_key(c))) for c in cells)
    return dated <= DATED_SHARE * len(cells) and valued >= VALUED_SHARE * len(cells)


# --- prose ------------------------------------------------------------------------------------


def targets_from_text(text: str, year_hint: int | None = None,
                      dates: Sequence[DateMention] | None = None) -> list[Target]:
    """Targets stated in prose: a phrase or sign ("vismaz", "ne mazāk kā", "≥") before a value.

    Precision first: a sentence is a target only with a year of its own ("2027. gadā",
    "līdz 2027. gadam"), or, without one, when its value has a unit or its indicator names a
    measured quantity ("īpatsvars", "skaits"), the year then being ``year_hint``. A rule's
    quorum ("vismaz 25 (divdesmit piecu) iedzīvotāju", "vismaz 1 no locekļiem"), a date
    ("18.-19.06.2022") or a postcode is no value. The indicator is the phrase's object, else the
    clause before the phrase without its dates, places, connectives and verbs, else the words
    after the value. ``dates`` are the text's dates, if found already."""
    v = _vocabulary()
    key = match_key(text)
    bounds = [0] + [m.end() for m in SENTENCE_END.finditer(text)] + [len(text)]
    taken = [(d.char_start, d.char_end) for d in (find_dates(text, year_hint) if dates is None else dates)]
    out = []
    for start, end in zip(bounds, bounds[1:]):
        sentence = key[start:end]
        years = [(m.start(), m.end(), int(m.group("y"))) for p in v.years for m in p.finditer(sentence)]
        clause_start = 0
        names: list[tuple[int, int]] | None = None  # the sentence's dates and places, found once
        for m, op in _prose_matches(sentence):
            value = v.value.match(_key(text[start + m.end():end]))
            if value is None or _ordinal(text, start + m.end() + value.end()):
                continue
            at, stop = start + m.end(), m.end() + value.end()
            if _not_a_value(text, at, start + stop, taken):
                continue
            unit = v.units[value.group("unit")] if value.group("unit") else None
            if names is None:
                names = _names(text[start:end], year_hint)
            indicator = _indicator(text[start:end], sentence, clause_start, m, stop, names)
            clause_start = stop
            if not years and (not m.group(0)[0].isalpha() or not (year_hint and (unit or _measured(indicator)))):
                continue  # a sign counts only beside a year of its own: "2027. gadā ≥ 10%"
            out.append(Target(indicator=indicator, year=_nearest_year(years, m.start(), year_hint),
                              operator=op, value=_number(value.group("sign"), value.group("num")),
                              unit=unit, is_baseline=False, text=text[start + m.start():start + stop]))
    return out


def _not_a_value(text: str, at: int, stop: int, dates: list[tuple[int, int]]) -> bool:
    """The number at ``at`` is part of a date, a postcode, a quorum ("25 (divdesmit piecu)")."""
    v = _vocabulary()
    return (any(a <= at < b for a, b in dates)
            or any(p.search(text[max(0, at - 6):at]) for p in v.not_before)
            or any(p.match(text[stop:stop + 40]) for p in v.not_after))


def _measured(indicator: str) -> bool:
    """The indicator names a measured quantity: "Smēķējošo pusaudžu īpatsvars"."""
    stems = _vocabulary().measures
    return any(w.startswith(stems) for w in re.findall(r"[a-z]+", match_key(indicator)))


def _names(sentence: str, year_hint: int | None) -> list[tuple[int, int]]:
    """Spans of the sentence's dates and places, which are no part of an indicator."""
    return ([(d.char_start, d.char_end) for d in find_dates(sentence, year_hint)]
            + [(p.char_start, p.char_end) for p in find_municipalities(sentence)])


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
    return m is not None and (m.group(1).islower() or m.group(1).isdigit())


def _indicator(original: str, sentence: str, clause_start: int, m: re.Match, stop: int,
               names: Sequence[tuple[int, int]] = ()) -> str:
    """The subject of a prose target: the phrase's object ("samazināt <smēķētāju īpatsvaru>
    līdz"), else the clause before the phrase without connectives, years, verbs, dates and
    places (of its pieces between those, the one naming a measure, else the longest), else the
    words after the value ("sasniegt 80% <aptveri>"), else the whole sentence."""
    if "object" in m.groupdict() and m.group("object"):
        a, b = m.span("object")
    else:
        a, b = _subject(sentence, clause_start, m.start(), names)
        if a >= b:
            after = re.match(r"[^,;:.!?]*", sentence[stop:])
            a, b = stop, stop + (after.end() if after else 0)
    phrase = " ".join(original[a:b].split()) or " ".join(original.split())
    if len(phrase) > MAX_INDICATOR:
        phrase = phrase[-MAX_INDICATOR:].split(" ", 1)[-1]
    return phrase


def _subject(sentence: str, a: int, b: int, names: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The span of the clause ``sentence[a:b]`` that names what is measured."""
    v = _vocabulary()
    cuts = sorted({a, b} | {x for s, e in names for x in (s, e) if a < x < b})
    pieces = []
    for s, e in zip(cuts, cuts[1:]):
        if any(ns <= s and e <= ne for ns, ne in names):
            continue
        e = s + len(v.trail.sub("", sentence[s:e]))
        lead = v.lead.match(sentence[s:e])
        s += lead.end() if lead else 0
        if s < e:
            pieces.append((s, e))
    if not pieces:
        return b, b
    return max(pieces, key=lambda p: (_measured(sentence[p[0]:p[1]]), p[1] - p[0]))
