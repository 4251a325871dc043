"""Folding and the one OCR-confusion table (``data/ocr_confusions.json``), read by five readers."""
from __future__ import annotations

import pytest

from pipeline.channel import misreads
from pipeline.repair import rules
from pipeline.resources import data_json
from pipeline.textnorm import confusions, fold_lower, match_key, name_key, words_key


def test_each_reader_takes_its_own_rules_from_the_one_table() -> None:
    table = data_json("ocr_confusions.json")["rules"]
    assert {r for rule in table for r in rule["in"]} == {"words", "ocr_words", "keys", "names", "edits"}
    assert rules().confusions["è"] == ["ē", "č"] and rules().word_start["I"] == ["l"]
    assert "l" not in rules().word_start and rules().ocr_word_start["l"] == ["I"]  # OCR'd text only
    assert misreads()["t"] == ["ē", "ī"] and misreads()["rn"] == ["m"]
    assert all(len(read) == 1 for read in confusions("keys")["anywhere"])  # keys keep their length
    assert confusions("names")["word_start"] == {}
    with pytest.raises(ValueError, match="reader"):
        confusions("dates")


@pytest.mark.parametrize(("text", "key"), [("Jūlijā", "julija"), ("jūl&ja", "juleja"),
                                            ("Sistémas", "sistemas"), ("nodro$ināt", "nodrosinat"),
                                            ("2025. gadā ≥ 5 %", "2025. gada ≥ 5 %")])
def test_match_key_folds_and_maps_look_alikes_keeping_length(text: str, key: str) -> None:
    assert match_key(text) == key and len(match_key(text)) == len(text)


def test_name_key_and_words_key() -> None:
    assert name_key("Rézekné") == name_key("Rēzeknē") == "rezekne"
    assert name_key("Jiirmala") == "jurmala" and name_key("Cēs1s") == "cesis"
    assert name_key("VENTSPILS") == "ventspils"  # a capital T between capitals is a T
    assert words_key("Līdz 2025.\n  gada") == "lidz 2025. gada"



@pytest.mark.parametrize(("text", "key"), [("RĪGA Ķekava", "riga kekava"), ("ΟΔΟΣ Ogre", "οδοσ ogre"), ("", "")])
def test_fold_lower_lowers_each_character_alike(text: str, key: str) -> None:
    """A word-final Σ lowers to σ as everywhere else, so keys do not depend on a letter's place."""
    assert fold_lower(text) == key
