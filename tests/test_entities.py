"""The entity stage as a spaCy pipeline: what ``lvingest extract`` and the document pipeline share."""
from __future__ import annotations

import datetime as dt

from pipeline import entities

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
