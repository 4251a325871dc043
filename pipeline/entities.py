"""Dates, targets and municipalities of a text, as a spaCy pipeline over ``spacy.blank("lv")``.

The matchers are rules of their own, kept as data (``dates.py``, ``targets.py``,
``municipalities.py``); here they run as named spaCy components over one ``Doc``, the way
spaCy's own rule-based components do, so the document pipeline, ``lvingest extract`` and a
user's spaCy code share one entry point::

    doc = entities.annotate(text, year_hint=2025)
    doc._.dates, doc._.municipalities, doc._.targets  # the records, typed, in text order
    doc.spans["dates"], doc.spans["municipalities"]  # spans over them; the record is span._.record
    doc._.warnings                                   # municipality lists whose count is off

Records live in typed lists on the ``Doc``, never in span extension values: spaCy keys those by
a span's character offsets alone, so a date and a place over the same token (``2019.g.12.06.
Valmierā`` read as one token) would share one slot. A span carries its record's index in its
``id`` instead, and the tokens are split where a record begins or ends inside one, so every
span covers exactly its record's text.
"""
from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping, Sequence
from typing import cast

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex

from . import dates, municipalities, targets
from .document import DateMention, MunicipalityMention

PIPES = ("lvingest_dates", "lvingest_targets", "lvingest_municipalities")
# span group -> (span label, Doc extension holding its records)
GROUPS = {"dates": ("DATE", "dates"), "municipalities": ("MUNICIPALITY", "municipalities")}
_EXTENSION_OF = {label: ext for label, ext in GROUPS.values()}
# "2019.g.12.06.Valmierā", "12.06.Valmierā": a full stop between a number or abbreviation and a
# capitalised word glued to it is a boundary (spaCy's own infix only splits lower.Upper).
GLUED_INFIX = r"(?<=[0-9])\.(?=[^\W\d_])|(?<=\.)(?=[A-ZĀČĒĢĪĶĻŅŠŪŽ][a-zāčēģīķļņšūž])"

Doc.set_extension("year_hint", default=None, force=True)
Doc.set_extension("place_columns", default=None, force=True)
Doc.set_extension("dates", default=None, force=True)
Doc.set_extension("municipalities", default=None, force=True)
Doc.set_extension("targets", default=None, force=True)
Doc.set_extension("warnings", default=None, force=True)


def _record(span: Span) -> DateMention | MunicipalityMention | None:
    """The record a span of ``doc.spans["dates"|"municipalities"]`` stands for."""
    ext = _EXTENSION_OF.get(span.label_)
    records = span.doc._.get(ext) if ext else None
    if not records or not span.id_.isdigit():
        return None
    return records[int(span.id_)]


Span.set_extension("record", getter=_record, force=True)


def _split_at(doc: Doc, offsets: Sequence[int]) -> None:
    """Split tokens so that every offset that falls inside a token's text becomes a boundary."""
    starts = [t.idx for t in doc]
    inside: dict[int, list[int]] = {}
    for at in sorted(set(offsets)):
        i = bisect.bisect_right(starts, at) - 1
        if i >= 0 and doc[i].idx < at < doc[i].idx + len(doc[i].text):
            inside.setdefault(i, []).append(at - doc[i].idx)
    if not inside:
        return
    with doc.retokenize() as retokenizer:
        for i, cuts in inside.items():
            t = doc[i]
            bounds = [0, *cuts, len(t.text)]
            orths = [t.text[a:b] for a, b in zip(bounds, bounds[1:])]
            retokenizer.split(t, orths, heads=[(t, n) for n in range(len(orths))])


def _spans(doc: Doc, group: str, records: Sequence[DateMention | MunicipalityMention]) -> None:
    """Store the records on the doc and a span per record in ``doc.spans[group]``. Splitting
    tokens moves token indices, so every group already made is made again from its records."""
    doc._.set(GROUPS[group][1], list(records))
    _split_at(doc, [o for r in records for o in (r.char_start, r.char_end)])
    for name, (label, ext) in GROUPS.items():
        made = doc._.get(ext)
        if made is None:
            continue
        spans = []
        for n, record in enumerate(made):
            span = doc.char_span(record.char_start, record.char_end, alignment_mode="expand")
            if span is None:  # only for offsets outside the text: a finder's bug
                raise ValueError(f"{name} record at {record.char_start}:{record.char_end} is outside the text")
            spans.append(Span(doc, span.start, span.end, label=label, span_id=str(n)))
        doc.spans[name] = spans


def _text(doc: Doc) -> str:
    """The doc's text, made once: ``Doc.text`` joins every token again on each call."""
    return doc.user_data.setdefault("lvingest_text", doc.text)


@Language.component("lvingest_dates")
def _dates(doc: Doc) -> Doc:
    _spans(doc, "dates", dates.find_dates(_text(doc), year_hint=doc._.year_hint))
    return doc


@Language.component("lvingest_targets")
def _targets(doc: Doc) -> Doc:
    doc._.targets = targets.targets_from_text(_text(doc), year_hint=doc._.year_hint, dates=doc._.dates)
    return doc


@Language.component("lvingest_municipalities")
def _municipalities(doc: Doc) -> Doc:
    text = _text(doc)
    found = municipalities.find_municipalities(text, columns=doc._.place_columns)
    _spans(doc, "municipalities", found)
    doc._.warnings = municipalities.list_count_warnings(text, found)
    return doc


@functools.cache
def nlp() -> Language:
    """``spacy.blank("lv")`` (spaCy's Latvian tokenizer, plus a split of a number glued to a
    word by a full stop) with the lvingest components."""
    pipeline = spacy.blank("lv")
    infixes = [*(pipeline.Defaults.infixes or ()), GLUED_INFIX]
    tokenizer = cast(Tokenizer, pipeline.tokenizer)
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for name in PIPES:
        pipeline.add_pipe(name)
    return pipeline


def annotate(text: str, year_hint: int | None = None,
             place_columns: Mapping[str, Sequence[str]] | None = None) -> Doc:
    """Run the entity components over ``text``; ``year_hint`` is the year for dates without one,
    ``place_columns`` the cell texts of table columns that hold places, by the list_id their
    mentions get (``municipalities.place_columns``)."""
    doc = nlp().make_doc(text)
    doc._.year_hint = year_hint
    doc._.place_columns = place_columns
    return nlp()(doc)
