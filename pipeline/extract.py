"""Entities from plain text (``lvingest extract``): the same stages the pipeline runs per page."""
from __future__ import annotations

from collections.abc import Iterator

from . import dates, municipalities, repair, targets
from .document import DateMention, MunicipalityMention, Target


def extract_text(
    text: str, year: int | None = None, repair_first: bool = True
) -> Iterator[tuple[str, DateMention | Target | MunicipalityMention]]:
    """Yield ``("date"|"target"|"municipality", record)``; the year defaults to the text's own."""
    if repair_first:
        text = repair.repair_text(text)[0]
    year = year or dates.document_year(text)
    for mention in dates.find_dates(text, year_hint=year):
        yield "date", mention
    for target in targets.targets_from_text(text, year_hint=year):
        yield "target", target
    for place in municipalities.find_municipalities(text):
        yield "municipality", place
