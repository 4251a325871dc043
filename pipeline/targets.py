"""KPI targets from tables (indicator row x year column) and from prose ("vismaz 60%").

A target is a value with an operator, a year and a unit. Table cells such as ``x``, ``1x``,
``bāze`` or ``nepalielinās`` are recorded as text with no number: "1x" is a frequency, not the
number one. The vocabulary is data (``data/targets_lv.json``).
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib.resources import files

from .document import Table, Target
from .textnorm import match_key

NUMBER = r"[-–−+]?\d{1,3}(?:[ \u00a0]\d{3})*(?:[.,]\d+)?|[-–−+]?\d+(?:[.,]\d+)?"
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
SENTENCE_END = re.compile(r"(?<![\d\s])[.!?](?=\s|$)|\n\s*\n")  # page lines are not sentences
# what stands between an indicator and its value: "2026. gadā sasniegs", "līdz 2027. gadam būs"
FILLER = re.compile(r"(?:[\s,]|\b(?:lidz|no)\b|\b(?:19|20)\d\d\.\s*(?:gada|gadam|g\.)|\b(?:sasniegs|sasniegt|jasasniedz|bus|ir|ka|un|savukart|tiks|paredzets)\b)+$")


@dataclass(frozen=True)
class Vocabulary:
    operators: dict[str, str]
    not_numbers: frozenset[str]
    baseline: tuple[str, ...]
    cell: re.Pattern
    prose: re.Pattern
    prose_operator: dict[str, str]
    years: tuple[re.Pattern, ...]


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def vocabulary() -> Vocabulary:
    data = json.loads(files("pipeline").joinpath("data/targets_lv.json").read_text("utf-8"))
    units = _alt(data["units"])
    operators = _alt(data["operators"])
    cell = re.compile(rf"^(?P<op>{operators})?\s*(?P<num>{NUMBER})\s*(?P<unit>{units})?\.?$")
    phrases = {p["phrase"]: p["operator"] for p in data["prose"]}
    prose = re.compile(
        rf"(?<![a-z])(?P<phrase>{_alt(phrases)})\s+(?P<num>{NUMBER})(?!\.\d)\s*(?P<unit>{units})?(?![a-z])"
    )
    return Vocabulary(
        operators=data["operators"],
        not_numbers=frozenset(data["not_numbers"]),
        baseline=tuple(data["baseline_words"]),
        cell=cell,
        prose=prose,
        prose_operator=phrases,
        years=tuple(re.compile(p) for p in data["year_phrases"]),
    )


def _number(text: str) -> float:
    return float(re.sub(r"[ \u00a0]", "", text).replace(",", ".").replace("–", "-").replace("−", "-"))


def _unit(found: str | None) -> str | None:
    if not found:
        return None
    return "%" if found in ("%", "procenti", "procentiem", "procentu") else found.upper() if found in ("eur", "euro") else found


def parse_value(cell: str) -> tuple[str | None, float | None, str | None]:
    """``"≥ 3,0%"`` -> ("≥", 3.0, "%"); ``"-3%"`` -> ("=", -3.0, "%"); ``"x"``/``"1x"`` -> (None, None, None)."""
    v = vocabulary()
    key = " ".join(match_key(cell).split())
    if not key or key in v.not_numbers or re.fullmatch(r"\d+\s*x", key):
        return None, None, None
    m = v.cell.match(key.replace("≥", "≥").replace("≤", "≤"))
    if not m:
        m = v.cell.match(" ".join(cell.split()))
    if not m:
        return None, None, None
    op = v.operators.get(m.group("op") or "=", "=")
    return op, _number(m.group("num")), _unit(m.group("unit"))


def _year_of(header: str) -> int | None:
    years = YEAR.findall(header)
    return int(years[-1]) if len(years) == 1 else None


def targets_from_table(table: Table) -> list[Target]:
    """One target per indicator row and year column; none when no header cell is a year."""
    v = vocabulary()
    grid = table.grid()
    header_rows = table.header_rows() or [0]
    headers = [" ".join(grid[r][c] for r in header_rows) for c in range(table.n_cols)]
    years = {c: _year_of(h) for c, h in enumerate(headers)}
    year_cols = [c for c, y in years.items() if y]
    if not year_cols:
        return []
    text_cols = [c for c in range(table.n_cols) if c not in year_cols]
    if not text_cols:
        return []
    body = [r for r in range(table.n_rows) if r not in header_rows]
    indicator_col = max(text_cols, key=lambda c: sum(len(re.sub(r"[\d\W]", "", grid[r][c])) for r in body))
    baseline = {c for c in year_cols if any(b in match_key(headers[c]) for b in v.baseline)}
    page_of = {(cell.row, cell.col): cell.page_no for cell in table.cells}
    out = []
    for r in body:
        indicator = grid[r][indicator_col]
        if not indicator:
            continue
        for c in year_cols:
            text = grid[r][c].strip()
            if not text:
                continue
            op, value, unit = parse_value(text)
            out.append(Target(indicator=indicator, year=years[c], operator=op, value=value, unit=unit,
                              is_baseline=c in baseline, text=text, table_id=table.table_id,
                              page_no=page_of.get((r, c), table.page_first)))
    return out


def targets_from_text(text: str, year_hint: int | None = None) -> list[Target]:
    """Targets stated in prose; the year comes from the sentence ("līdz 2027. gadam") or the hint."""
    v = vocabulary()
    key = match_key(text)
    out = []
    bounds = [0] + [m.end() for m in SENTENCE_END.finditer(key)] + [len(key)]
    for start, end in zip(bounds, bounds[1:]):
        s_key = key[start:end]
        clause_start = 0
        for m in v.prose.finditer(s_key):
            year = next((int(y.group("y")) for p in v.years for y in p.finditer(s_key)), year_hint)
            clause = s_key[clause_start : m.start()]
            trimmed = len(FILLER.sub("", clause))
            indicator = text[start + clause_start : start + clause_start + trimmed].strip(" ,;:-–(")
            clause_start = m.end()
            out.append(Target(
                indicator=indicator[-120:], year=year, operator=v.prose_operator[m.group("phrase")],
                value=_number(m.group("num")), unit=_unit(m.group("unit")), is_baseline=False,
                text=text[start + m.start() : start + m.end()]))
    return out
