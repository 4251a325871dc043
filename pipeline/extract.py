"""Entities from plain text (``lvingest extract``): the same stages the pipeline runs per page."""
from __future__ import annotations

from collections.abc import Iterator

from . import dates, entities, repair
from .document import DateMention, MunicipalityMention, Target


def extract_text(
    text: str, year: int | None = None, repair_first: bool = True
) -> Iterator[tuple[str, DateMention | Target | MunicipalityMention]]:
    """Yield ``("date"|"target"|"municipality", record)``; the year defaults to the text's own."""
    if repair_first:
        text = repair.repair_text(text)[0]
    doc = entities.annotate(text, year_hint=year or dates.document_year(text))
    for date in doc._.dates:
        yield "date", date
    for target in doc._.targets:
        yield "target", target
    for place in doc._.municipalities:
        yield "municipality", place
