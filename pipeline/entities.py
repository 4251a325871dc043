"""Dates, targets and municipalities of a text, as a spaCy pipeline over ``spacy.blank("lv")``.

The matchers are rules of their own, kept as data (``dates.py``, ``targets.py``,
``municipalities.py``); here they run as named spaCy components over one ``Doc``, the way
spaCy's own rule-based components do, so the document pipeline, ``lvingest extract`` and a
user's spaCy code share one entry point::

    doc = entities.annotate(text, year_hint=2025)
    doc.spans["dates"], doc.spans["municipalities"]  # spans; the record is span._.record
    doc._.targets                                    # targets (a prose target has no one span)
    doc._.warnings                                   # municipality lists whose count is off
"""
from __future__ import annotations

import functools

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import dates, municipalities, targets

PIPES = ("lvingest_dates", "lvingest_targets", "lvingest_municipalities")

Doc.set_extension("year_hint", default=None, force=True)
Doc.set_extension("targets", default=None, force=True)
Doc.set_extension("warnings", default=None, force=True)
Span.set_extension("record", default=None, force=True)


def _spans(doc: Doc, label: str, records: list) -> list[Span]:
    spans = []
    for record in records:
        span = doc.char_span(record.char_start, record.char_end, label=label, alignment_mode="expand")
        span._.record = record
        spans.append(span)
    return spans


@Language.component("lvingest_dates")
def _dates(doc: Doc) -> Doc:
    doc.spans["dates"] = _spans(doc, "DATE", dates.find_dates(doc.text, year_hint=doc._.year_hint))
    return doc


@Language.component("lvingest_targets")
def _targets(doc: Doc) -> Doc:
    doc._.targets = targets.targets_from_text(doc.text, year_hint=doc._.year_hint)
    return doc


@Language.component("lvingest_municipalities")
def _municipalities(doc: Doc) -> Doc:
    found = municipalities.find_municipalities(doc.text)
    doc.spans["municipalities"] = _spans(doc, "MUNICIPALITY", found)
    doc._.warnings = municipalities.list_count_warnings(doc.text, found)
    return doc


@functools.cache
def nlp() -> Language:
    """``spacy.blank("lv")`` (spaCy's Latvian tokenizer) with the lvingest components."""
    pipeline = spacy.blank("lv")
    for name in PIPES:
        pipeline.add_pipe(name)
    return pipeline


def annotate(text: str, year_hint: int | None = None) -> Doc:
    """Run the entity components over ``text``; ``year_hint`` is the year for dates without one."""
    doc = nlp().make_doc(text)
    doc._.year_hint = year_hint
    return nlp()(doc)
