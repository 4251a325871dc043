"""Latvian date grammar: full dates in every case, day-month, months, quarters, years, ranges.

dateparser knows no Latvian date grammar ("2022. gada 19. oktobra", "26. aprīlī" both fail), and
the grammar is small and regular: ``<year>. gada <day>. <month in some case>``, numeric
``dd.mm.yyyy.``, ``no … līdz …`` ranges, ``līdz …`` deadlines. So this is a regular grammar of
our own, with the vocabulary in ``data/dates_lv.json``. It runs on a folded copy of the text
(lower case, no diacritics, OCR look-alikes mapped: ``jūlija``, ``julija`` and ``jūlijā`` all
read ``julija``) that has the same length as the original, so spans map back one to one.
Precision comes first: a number is a date only inside this grammar, so phone numbers, "Nr.460",
"23.2.5." and amounts never match.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from .document import Cell, DateKind, DateMention, DatePrecision, Table
from .resources import data_json
from .textnorm import match_key, words_key

BARE_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Grammar:
    month_of: dict[str, int]
    patterns: list[tuple[str, re.Pattern]]
    dative: tuple[str, ...]
    locative: re.Pattern
    roman_month: dict[str, int]
    school_year: tuple[int, int]  # the months a school year starts and ends in
    year_part: dict[str, tuple[int, int]]  # "pavasarī" -> (3, 5)
    until: tuple[str, ...]  # folded: "lidz"
    barrier: re.Pattern  # line breaks no date runs across (see ``_barriers``)
    clause_end: re.Pattern
    stating_year: tuple[str, ...]  # how a year alone ends when it says when: "2022. gadā"
    doc_year: tuple[re.Pattern, ...]  # a title's year: "2023. gada … darba plāns"


def _alt(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


@functools.cache
def grammar() -> Grammar:
    data = data_json("dates_lv.json")
    month_of = {form: int(n) for n, forms in data["months"].items() for form in forms}
    nominative = [forms[0] for forms in data["months"].values()]
    month = rf"(?P<m>{_alt(list(month_of))})(?![a-z])"
    month2 = month.replace("?P<m>", "?P<m2>")
    yw = rf"(?:{_alt(data['year_words'])})"
    ywg = rf"(?:{_alt(data['year_genitive'])})(?![a-z])"  # "2022. gada martā": only the genitive runs on
    year = r"(?P<y>(?:19|20)\d\d)"
    day = r"(?P<d>[0-3]?\d)"
    until, since = _alt(data["until"]), _alt(data["from"])
    roman = _alt(list(data["roman"]))
    quarter = rf"(?P<q>[1-4]|{roman})\.?\s*(?:{_alt(data['quarter_words'])})"
    roman_month = rf"(?P<rm>{_alt(list(data['roman_months']))})(?![a-z])"
    day2 = r"(?P<d2>[0-3]?\d)"
    dash = r"\s*[-–—]\s*"
    school = _alt(data["school_year_words"])
    lead = r"(?<![\w.])"
    # a bare "31.03." is a date only right after līdz/no/uz ("23.2.5." is a section number)
    keywords = data["until"] + data["from"] + data["towards"]
    after_keyword = "(?:" + "|".join(f"(?<={re.escape(w)} )" for w in keywords) + ")"
    patterns = [
        # ranges first: they contain the smaller forms
        ("school_year", rf"{lead}{year}\.?\s*/\s*(?P<y2>(?:19|20)\d\d)\.?\s*(?:{school})(?:\s+(?:{yw})[a-z]*)?"),
        ("range_years", rf"{lead}(?:(?:{since})\s+)?{year}\.?\s*(?:[-–—/]|{until})\s*(?P<y2>(?:19|20)\d\d)\.\s*{yw}"),
        # "26.06.- 10.07.2022", "10.-11.09.2022": the year written once, at the end
        ("numeric_range", rf"{lead}{day}\.(?P<mn>[01]?\d)\.?{dash}{day2}\.(?P<mn2>[01]?\d)\.{year}(?!\d)"),
        ("numeric_day_range", rf"{lead}{day}\.?{dash}{day2}\.(?P<mn>[01]?\d)\.{year}(?!\d)"),
        ("numeric_day_range", rf"{lead}{day}\.?{dash}{day2}\.\s*{roman_month}\.\s*{year}(?!\d)"),
        # "2022. gada 20. – 27. februārī", "24.-28. martu": one month for both days
        ("day_range", rf"{lead}(?:{year}\.\s*{ywg}\s*)?{day}\.?{dash}{day2}\.\s*{month}"),
        # "No 2026. gada 1. aprīļa   Mācības …" over "līdz 30. jūnijam   un …": a table cell's two
        # lines read with the next column's words after each (a gap of 2+ spaces before them)
        ("range", rf"(?:^|(?<=\n))[ \t]*(?:{since})\s+(?P<a>[^\n]{{4,40}}?)[ \t]{{2,}}[^\n]*\n[ \t]*(?:{until})\s+"),
        ("range", rf"{lead}(?:{since})\s+(?P<a>[^\n]{{4,40}}?)\s+(?:{until})\s+"),
        # "11. marts – 10. jūnijs", "26. jūnija līdz 10. jūlijam"
        ("day_month_range", rf"{lead}(?:{year}\.\s*{ywg}\s*)?{day}\.\s*{month}(?:{dash}|\s+(?:{until})\s+){day2}\.\s*{month2}"),  # noqa: E501
        # "no aprīļa sākuma līdz septembra beigām"
        ("month_part_range", rf"{lead}(?:(?:{since})\s+)?(?:{year}\.\s*{ywg}\s+)?{month}\s+(?:{_alt(data['month_start'])})\s+(?:{until})\s+{month2}\s+(?:{_alt(data['month_end'])})"),  # noqa: E501
        ("month_range", rf"{lead}(?:{year}\.\s*{ywg}\s+|(?P<this>{_alt(data['this_year'])})\s+)?{month}\s*[-–—]\s*{month2}"),  # noqa: E501
        ("deadline_month_end", rf"{lead}(?:{until})\s+(?:{year}\.\s*{ywg}\s+)?{month}\s+(?:{_alt(data['month_end'])})"),
        ("full", rf"{lead}{year}\.\s*{ywg}\s*{day}\.\s*{month}"),
        ("numeric", rf"{lead}{day}\.(?P<mn>[01]?\d)\.{year}(?:\.(?!\d)|(?![\d.]))"),
        # "1976.21.III", "21.III.1976": a Roman month
        ("roman", rf"{lead}{year}\.\s*{day}\.\s*{roman_month}"),
        ("roman", rf"{lead}{day}\.\s*{roman_month}\.\s*{year}(?!\d)"),
        # "2021.g. 28.08.", "2019.g.12.06.": the year first, then day and month in figures
        ("year_numeric", rf"{lead}{year}\.\s*{ywg}\s*{day}\.(?P<mn>[01]?\d)\.?(?![\d])"),
        ("iso", rf"{lead}{year}-(?P<mn>[01]\d)-{day}(?!\d)"),
        ("quarter", rf"{lead}{year}\.\s*{ywg}\s*{quarter}"),
        ("year_part", rf"{lead}{year}\.\s*{ywg}\s+(?P<part>{_alt(list(data['year_parts']))})(?![a-z])"),
        ("year_month", rf"{lead}{year}\.\s*{ywg}\s+{month}"),
        ("year", rf"{lead}{year}\.\s*{yw}(?![a-z])"),
        ("day_month", rf"{lead}{day}\.\s*{month}"),
        ("numeric_day_month", rf"{after_keyword}{day}\.(?P<mn>[01]?\d)\.(?!\d)"),
        ("deadline_month", rf"{lead}(?:{until})\s+{month}"),
        ("month_alone", rf"(?:^|(?<=[\n|]))[ \t]*{month}(?=[ \t]*(?:$|\n|[ \t]{{2}}))"),
        # a table row read as a line: "Marts Apmācības NVPT pārstāvjiem" (nominative only)
        ("month_alone", rf"(?:^|(?<=[\n|]))(?P<m>{_alt(nominative)})(?= [a-z])"),
    ]
    # "Oktobrī notiks …": a capitalised locative opening a sentence; matched on the original
    # text, because the diacritic is what tells "Martā" (in March) from the name "Marta"
    locative = re.compile(r"(?:^|(?<=\n)|(?<=[.!?] ))(?P<m>" + "|".join(data["locative"]) + r")(?!\w)")
    return Grammar(
        month_of=month_of,
        patterns=[(name, re.compile(p, re.MULTILINE)) for name, p in patterns],
        dative=tuple(data["dative_endings"]),
        locative=locative,
        roman_month=data["roman_months"],
        school_year=tuple(data["school_year_months"]),
        year_part={part.replace("\\", ""): tuple(months) for part, months in data["year_parts"].items()},
        until=tuple(data["until"]),
        # a blank line, and one after "gadā" ("in the year", which ends a table row: "Pārskats
        # 2025. gadā" over "10. martā Sanāksme"), unlike "2025. gada" over "24. aprīļa"
        barrier=re.compile("(?:" + "|".join(f"(?<={w})" for w in data["year_locative"]) + r")[ \t]*\n|\n(?=[ \t]*\n)"),
        # ";" or a comma before a contrasting conjunction ("…, bet pirmā tikšanās notiks 10. martā")
        clause_end=re.compile(rf";|,(?=\s+(?:{_alt(data['contrast_conjunctions'])})\b)"),
        stating_year=tuple(data["stating_year"]),
        doc_year=_doc_year(data),
    )


def _doc_year(data: dict) -> tuple[re.Pattern, ...]:
    """ "2023. gada … darba plāns" and "… darba plāns 2026. gadam" / "programma 2024.–2027. gadam"."""
    title = rf"(?:{_alt(data['title_words'])})"
    genitive = rf"(?:{_alt(data['year_genitive'])})"
    after_title = rf"(?:{_alt(data['title_year_words'])})"
    return (
        re.compile(rf"(?<![\w.])((?:19|20)\d\d)\.\s*{genitive}[^\n]{{0,80}}?{title}"),
        re.compile(rf"{title}[^\n.]{{0,40}}?(?<![\w.])((?:19|20)\d\d)\.?(?:\s*[-–—/]\s*(?:19|20)\d\d\.?)?\s*{after_title}"),
    )


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass
class _Found:
    start: dt.date
    end: dt.date
    precision: DatePrecision
    kind: DateKind
    inferred: bool


def _interpret(name: str, m: re.Match, g: Grammar, year_hint: int | None) -> _Found | None:
    """Turn one grammar match into dates, or None when it is not a valid date."""
    parts = m.groupdict()
    explicit = parts.get("y")
    year = int(explicit) if explicit else year_hint
    if year is None:
        return None
    inferred = explicit is None
    month = (g.month_of.get(parts.get("m") or "", 0) or int(parts.get("mn") or 0)
             or g.roman_month.get(parts.get("rm") or "", 0))
    if name in ("numeric_range", "numeric_day_range", "day_range", "day_month_range"):
        second = g.month_of.get(parts.get("m2") or "", 0) or int(parts.get("mn2") or 0) or month
        first, last = _valid(year, month, int(parts["d"])), _valid(year, second, int(parts["d2"]))
        if first is None or last is None or last <= first:
            return None
        return _Found(first, last, "day", "range", inferred)
    if name == "month_part_range":
        second = g.month_of[parts["m2"]]
        if second < month:
            return None
        return _Found(_month_span(year, month)[0], _month_span(year, second)[1], "day", "range", inferred)
    if name == "year_part":
        first_month, last_month = g.year_part[" ".join(parts["part"].split())]
        return _Found(_month_span(year, first_month)[0], _month_span(year, last_month)[1], "month", "point", False)
    if name == "school_year":
        if int(parts["y2"]) != year + 1:
            return None
        start_month, end_month = g.school_year
        return _Found(_month_span(year, start_month)[0], _month_span(year + 1, end_month)[1], "month", "range", False)
    if name in ("full", "numeric", "year_numeric", "iso", "day_month", "numeric_day_month", "roman"):
        day = _valid(year, month, int(parts["d"]))
        if day is None:
            return None
        deadline = name == "numeric_day_month" and m.string[: m.start()].endswith("lidz ")
        kind: DateKind = "deadline" if deadline else "point"
        return _Found(day, day, "day", kind, inferred)
    if name in ("year_month", "month_alone"):
        return _Found(*_month_span(year, month), "month", "point", inferred)
    if name == "year":
        return _Found(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "point", False)
    if name == "range_years":
        last_year = int(parts["y2"])
        if last_year < year:
            return None
        return _Found(dt.date(year, 1, 1), dt.date(last_year, 12, 31), "year", "range", False)
    if name == "quarter":
        q = parts["q"]
        n = int(q) if q.isdigit() else {"i": 1, "ii": 2, "iii": 3, "iv": 4}[q]
        first, _ = _month_span(year, 3 * n - 2)
        _, last = _month_span(year, 3 * n)
        return _Found(first, last, "quarter", "point", False)
    if name == "month_range":
        second = g.month_of[parts["m2"]]
        if second < month:
            return None
        return _Found(_month_span(year, month)[0], _month_span(year, second)[1], "month", "range",
                      inferred and not parts.get("this"))
    if name == "deadline_month_end":
        end = _month_span(year, month)[1]
        return _Found(end, end, "day", "deadline", inferred)
    if name == "deadline_month":
        # "līdz jūlijam": until July starts, i.e. by the end of June (dative form only)
        if not parts["m"].endswith(g.dative) or month == 1:
            return None
        end = _month_span(year, month - 1)[1]
        return _Found(end, end, "day", "deadline", inferred)
    return None


def _scan(
    key: str, g: Grammar, year_hint: int | None, skip: AbstractSet[str] = frozenset()
) -> list[tuple[int, int, _Found]]:
    """Non-overlapping matches, earlier patterns winning (they are the longer forms)."""
    taken: list[tuple[int, int, _Found]] = []
    for name, pattern in g.patterns:
        if name in skip:
            continue
        for m in pattern.finditer(key):
            s, e = m.span()
            if name == "range":
                found, e = _range(m, g, year_hint)
            else:
                found = _interpret(name, m, g, year_hint)
            if found and not any(s < te and ts < e for ts, te, _ in taken):
                taken.append((s, e, found))
    return sorted(taken, key=lambda t: t[0])


def _range(m: re.Match, g: Grammar, year_hint: int | None) -> tuple[_Found | None, int]:
    """``no A līdz B``: A parsed alone; B borrows A's year when it has none ("līdz 30. jūnijam").

    Returns the range and where it ends (B's end), or None when either end is not a date.
    """
    a_text = m.group("a")
    a = _scan(a_text, g, year_hint, skip={"range"})
    if len(a) != 1 or a[0][0] != 0 or a[0][1] != len(a_text):
        return None, m.end()
    first = a[0][2]
    rest = m.string[m.end() : m.end() + 60]
    b = _scan(rest, g, first.start.year, skip={"range", "deadline_month", "month_alone"})
    if b and b[0][0] == 0:
        last, length = b[0][2].end, b[0][1]
    else:
        bare = BARE_WORD.match(rest)  # "līdz novembrim": a month alone
        if not bare or bare.group(0) not in g.month_of:
            return None, m.end()
        last, length = _month_span(first.start.year, g.month_of[bare.group(0)])[1], bare.end()
    if last < first.start:
        return None, m.end()
    return _Found(first.start, last, first.precision, "range", first.inferred), m.end() + length


def find_dates(text: str, year_hint: int | None = None) -> list[DateMention]:
    """Every date expression in ``text``; year-less ones take ``year_hint`` or are skipped."""
    g = grammar()
    key = _barriers(text, match_key(text))
    mentions = []
    found_all = _scan(key, g, year_hint)
    if year_hint is not None:
        for m in g.locative.finditer(text):
            if not any(m.start() < te and ts < m.end() for ts, te, _ in found_all):
                month = g.month_of[match_key(m.group("m"))]
                found_all.append((m.start(), m.end(), _Found(*_month_span(year_hint, month), "month", "point", True)))
    found_all = _years_from_context(text, sorted(found_all, key=lambda t: t[0]), year_hint)
    for s, e, found in found_all:
        kind = found.kind
        start = s
        word = next((w for w in g.until if key[max(0, s - len(w) - 1):s] == w + " "), None)
        if kind in ("point", "deadline") and word:
            kind, start = "deadline", s - len(word) - 1  # "līdz 2027. gada 31. decembrim"
            found.start = found.end
        start += len(text[start:e]) - len(text[start:e].lstrip())
        e -= len(text[start:e]) - len(text[start:e].rstrip())
        mentions.append(
            DateMention(
                text=text[start:e],
                start=found.start,
                end=found.end,
                precision=found.precision,
                kind=kind,
                inferred_year=found.inferred,
                char_start=start,
                char_end=e,
            )
        )
    return mentions




def _barriers(text: str, key: str) -> str:
    """``key`` with those line breaks made into a character no pattern crosses (same length)."""
    chars = list(key)
    for m in grammar().barrier.finditer(text):
        chars[m.end() - 1] = "|"
    return "".join(chars)


# A sentence ends at . ! ? before a capital, a digit or a quote, or at a line that starts like a
# new row or item (a capital, a digit, a bullet); a blank line ends a paragraph. A clause ends at
# ``Grammar.clause_end``.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"„“(]?[A-ZĀČĒĢĪĶĻŅŠŪŽ0-9])|\n(?=[ \t]*[A-ZĀČĒĢĪĶĻŅŠŪŽ0-9•·▪●–—-])")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


def _sentences(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, follows_prose) of each sentence: ``follows_prose`` when the one before it in
    the same paragraph ended with a full stop, so its year may carry over."""
    cuts = sorted({0, len(text)} | {m.end() for m in _SENTENCE_END.finditer(text)}
                  | {m.end() for m in _PARAGRAPH_END.finditer(text)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        before = text[:a].rstrip(" \t")
        prose = bool(before) and before[-1] in ".!?" and not _PARAGRAPH_END.search(text[max(0, a - 4):a + 1])
        out.append((a, b, prose))
    return out


def _years_from_context(text: str, found: list[tuple[int, int, _Found]],
                        year_hint: int | None) -> list[tuple[int, int, _Found]]:
    """A date without a year takes the year stated in its own clause (or table row read as a
    line), else the year a sentence just before it is set in ("Nometnes rīkosim 2022. gadā.
    Tās notiks 26. jūnija līdz 10. jūlijam."), over the document's year (``year_hint``)."""
    # a year alone counts when it says when ("2022. gadā", "2026. gadam"), not whose or what
    # about ("2025. gada pārskats", "pārskats par 2025. gadu" in a 2026 plan)
    stated = [(s, f.start.year, f.precision == "year") for s, e, f in found
              if not f.inferred and f.start.year == f.end.year
              and (f.precision != "year" or text[s:e].rstrip().endswith(grammar().stating_year))]
    if year_hint is None or not stated:
        return found
    sentences = _sentences(text)
    out = []
    for s, e, f in found:
        if not f.inferred:
            out.append((s, e, f))
            continue
        n = next(k for k, (a, b, _) in enumerate(sentences) if a <= s < b or b == len(text))
        a, b, prose = sentences[n]
        a = max([a] + [m.end() for m in grammar().clause_end.finditer(text, a, s)])
        b = min([b] + [m.start() for m in grammar().clause_end.finditer(text, s, b)])
        own = [(abs(at - s), y) for at, y, _ in stated if a <= at < b]
        if not own and prose and n:
            own = [(abs(at - s), y) for at, y, alone in stated if alone and sentences[n - 1][0] <= at < a]
        year = min(own)[1] if own else None
        if year and year != f.start.year:
            f = _Found(_with_year(f.start, year), _with_year(f.end, year + f.end.year - f.start.year),
                       f.precision, f.kind, True)
        out.append((s, e, f))
    return out


def _with_year(day: dt.date, year: int) -> dt.date:
    """The same day in another year; 29 February becomes 28 February."""
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


TITLE_LINES = 20  # a title is among a document's first lines, not a table row further down


def document_year(text: str) -> int | None:
    """The document's own year: its title's ("2023. gada … darba plāns", "… darba plāns 2026.
    gadam"; the first year of a span; in the first ``TITLE_LINES`` lines), else its first full
    date's (the approval date)."""
    head = "\n".join([line for line in text.split("\n") if line.strip()][:TITLE_LINES])
    key = match_key(head)
    titles = [m for pattern in grammar().doc_year if (m := pattern.search(key))]
    if titles:
        return int(min(titles, key=lambda m: m.start(1)).group(1))
    for mention in find_dates(text):
        if mention.precision == "day" and not mention.inferred_year:
            return mention.start.year
    return None


def find_dates_in_table(table: Table, year_hint: int | None = None) -> list[DateMention]:
    """Dates read cell by cell, a cell's lines joined ("No 2026. gada 1. aprīļa" over "līdz 30.
    jūnijam" is one range): the page's text interleaves a cell's lines with its neighbours'.
    A year stated elsewhere in the row wins over ``year_hint`` (a row is read as one clause)."""
    rows: dict[int, list[Cell]] = {}
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        rows.setdefault(cell.row, []).append(cell)
    out = []
    for cells in rows.values():
        text, spans = "", []
        for cell in cells:
            if cell.text.strip():
                spans.append((len(text), len(text) + len(cell.text), cell))
                text += cell.text + "   "
        for m in find_dates(text, year_hint):
            cell = next(c for a, b, c in spans if a <= m.char_start < b)
            m.page_no = cell.page_no
            out.append(m)
    return out


def merge_table_dates(page: list[DateMention], table: list[DateMention]) -> list[DateMention]:
    """The page's dates with those inside a table's cells replaced by the cells' reading: page
    dates whose texts lie within a cell date's text (and together are no longer than it) are
    that date, read in pieces; each page date stands in for one cell date at most; so is a page
    date of the same value whose text has all the cell date's words and more. A cell date
    that is part of a longer page date (one date split over two cells) leaves the page's."""
    norm = words_key  # cells and pages are repaired apart: compare folded text
    kept, added = list(page), []
    for t in table:
        whole, room = norm(t.text), len(norm(t.text))
        if any(d.page_no == t.page_no and whole in norm(d.text) and whole != norm(d.text) for d in page):
            continue  # the page read more of it: a date split over two cells ("2025. gada" | "24. aprīļa")
        added.append(t)
        for d in [d for d in kept if d.page_no == t.page_no and norm(d.text) in whole]:
            if len(norm(d.text)) <= room:
                kept.remove(d)
                room -= len(norm(d.text))
        # the page read the same date over two lines with another column's words between
        for d in [d for d in kept if d.page_no == t.page_no and (d.start, d.end, d.kind) == (t.start, t.end, t.kind)
                  and set(whole.split()) < set(norm(d.text).split())]:
            kept.remove(d)
    return sorted(kept + added, key=lambda d: d.page_no)
