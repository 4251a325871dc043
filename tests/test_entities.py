"""The entity stage as a spaCy pipeline: what ``lvingest extract`` and the document pipeline share."""
from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys

from pipeline import entities
from pipeline.components import Context, find_entities
from pipeline.document import DateMention, Document, MunicipalityMention, Page
from pipeline.options import Config
from pipeline.records import to_rows

TEXT = ("Līdz 2025. gada 30. jūnijam Jelgavas novadā un Rīgā vakcinācijas aptvere "
        "sasniegs vismaz 90%.")


def test_a_blank_latvian_pipeline_with_the_rule_components() -> None:
    nlp = entities.nlp()
    assert nlp.lang == "lv"
    assert nlp.pipe_names == list(entities.PIPES)


def test_spans_carry_the_records() -> None:
    doc = entities.annotate(TEXT, year_hint=2025)
    [date] = doc.spans["dates"]
    assert date.text == "Līdz 2025. gada 30. jūnijam"
    assert (date._.record.end, date._.record.kind) == (dt.date(2025, 6, 30), "deadline")
    places = doc.spans["municipalities"]
    assert [s.text for s in places] == ["Jelgavas novadā", "Rīgā"]
    assert [s._.record.code for s in places] == ["LV-041", "LV-RIX"]
    assert [s.label_ for s in places] == ["MUNICIPALITY"] * 2
    [target] = doc._.targets
    assert (target.operator, target.value, target.unit, target.year) == ("≥", 90.0, "%", 2025)
    assert doc._.warnings == []


# --- a date glued to a place (issue 12): one token, two records --------------------------------

GLUED = "Reģ. Nr.\n2019.g.12.06.Valmierā\n2020.g.03.11.Rīgā\n"


def test_a_date_glued_to_a_place_keeps_both_records() -> None:
    doc = entities.annotate(GLUED, year_hint=2020)
    assert [(s.text, s._.record.start) for s in doc.spans["dates"]] == [
        ("2019.g.12.06.", dt.date(2019, 6, 12)), ("2020.g.03.11.", dt.date(2020, 11, 3))]
    assert [(s.text, s._.record.name) for s in doc.spans["municipalities"]] == [
        ("Valmierā", "Valmiera"), ("Rīgā", "Rīga")]
    assert all(isinstance(d, DateMention) for d in doc._.dates)
    assert all(isinstance(m, MunicipalityMention) for m in doc._.municipalities)
    assert "Valmierā" in [t.text for t in doc]  # the glue is a token boundary


def test_a_record_inside_one_token_gets_its_own_tokens() -> None:
    """Whatever the tokenizer does, a span covers exactly its record's text."""
    doc = entities.annotate("Kods X2019.g.12.06.Valmierā", year_hint=2020)
    assert [s.text for s in doc.spans["municipalities"]] == ["Valmierā"]
    assert all(s.text == s._.record.text for group in entities.GROUPS for s in doc.spans[group])


def test_glued_tokens_reach_the_records(tmp_path) -> None:
    document = Document(doc_id="d" * 64, source_path="x.pdf", file_name="x.pdf",
                        pages=[Page(page_no=1, width=1, height=1, text=GLUED * 50)])
    find_entities(document, Context(Config()))
    rows = to_rows(document)
    assert len(rows["dates"]) == 100 and len(rows["municipalities"]) == 100
    assert {r["text"] for r in rows["dates"]} == {"2019.g.12.06.", "2020.g.03.11."}


def test_extract_command_on_glued_tokens() -> None:
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", "--no-repair"],
                            input=GLUED, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    got = [(r["type"], r["text"]) for r in map(json.loads, result.stdout.splitlines())]
    assert got == [("date", "2019.g.12.06."), ("date", "2020.g.03.11."),
                   ("municipality", "Valmierā"), ("municipality", "Rīgā")]


def test_every_span_covers_its_record_whatever_the_glue() -> None:
    """Spaces dropped at random (as OCR and text layers do): splitting tokens for one record
    must not move another group's spans."""
    base = ("Nometnes rīkosim 2020.-2021. gadā Valmierā un Rīgā. Reģ. 2019.g.12.06.Valmierā, "
            "2020.g.03.11.Rīgā; no 2026. gada 1. aprīļa līdz 30. jūnijam Ķekavas pag./nov. un Cēsīs. "
            "10.-11.09.2022 Ogrē, 1976.21.III Talsos.")
    rng = random.Random(7)
    checked = 0
    for _ in range(300):
        text = base
        for _ in range(rng.randrange(1, 25)):
            spaces = [i for i, ch in enumerate(text) if ch == " "]
            cut = rng.choice(spaces)
            text = text[:cut] + text[cut + 1:]
        doc = entities.annotate(text, year_hint=2025)
        for group in entities.GROUPS:
            for span in doc.spans[group]:
                assert span.text == span._.record.text, (text, span.text, span._.record.text)
                checked += 1
    assert checked > 1000
