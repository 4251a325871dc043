"""The word-sequence model: counts, Kneser-Ney probabilities, decoding, adaptation, its cache."""
from __future__ import annotations

import lzma
import sqlite3
from pathlib import Path

import pytest

from pipeline import wordmodel
from pipeline.repair import repair_text
from pipeline.textnorm import fold

# our own sentences: "gadā" (in the year) after a locative, "gada" (of the year) before a noun
SMALL = """Šajā gadā pilsētā uzcēla jaunu skolu.
Šā gada sākumā skola vēl nebija gatava.
Nākamajā gadā skolā mācīsies simts bērnu, un tas ir labi.
Pagājušā gada rudenī darbi sākās.
Tajā gadā lija bieži."""


@pytest.fixture()
def small(tmp_path: Path) -> wordmodel.WordModel:
    path = tmp_path / "small.sqlite"
    wordmodel.build(path, SMALL)
    return wordmodel.WordModel(path, kn_share=1.0)  # KN alone: a proper distribution


def table(model: wordmodel.WordModel, name: str) -> dict[str, tuple]:
    with sqlite3.connect(model.path) as db:
        return {key: tuple(values) for key, *values in db.execute(f"SELECT * FROM {name}")}


def test_sentences_are_lower_cased_words_numbers_and_commas() -> None:
    text = "Līgums (Nr. 12) noslēgts 2024. gadā, Rīgā! Otrs teikums"
    assert wordmodel.sentences(text) == [
        ["līgums", "nr"], ["<num>", "noslēgts", "<num>"], ["gadā", ",", "rīgā"], ["otrs", "teikums"],
    ]


def test_counts_and_continuation_counts(small: wordmodel.WordModel) -> None:
    tri, hist2, bi, uni = (table(small, t) for t in ("tri", "hist2", "bi", "uni"))
    assert tri["<s> <s> šajā"] == (1,)
    assert tri["šajā gadā pilsētā"] == (1,)
    assert hist2["<s> <s>"] == (5, 5)  # five sentences, five different first words
    assert bi["gadā pilsētā"] == (1,)  # one distinct word before "gadā pilsētā"
    assert uni["gadā"] == (3,)  # "gadā" follows šajā, nākamajā and tajā
    assert uni["gada"] == (2,)  # "gada" follows šā and pagājušā


@pytest.mark.parametrize("history", [("<s>", "šajā"), ("šajā", "gadā"), ("nekas", "nezināms")])
def test_kneser_ney_probabilities_sum_to_one(small: wordmodel.WordModel, history) -> None:
    vocabulary = set(table(small, "uni"))
    stats = small.stats((*history, w) for w in vocabulary)
    total = sum(small.probability(*history, w, stats, 0.0) for w in vocabulary)
    assert total == pytest.approx(1.0, abs=1e-9)


def test_seen_continuation_beats_unseen(small: wordmodel.WordModel) -> None:
    stats = small.stats([("<s>", "šajā", "gadā"), ("<s>", "šajā", "gada")])
    assert small.probability("<s>", "šajā", "gadā", stats, 0.0) > 10 * small.probability(
        "<s>", "šajā", "gada", stats, 0.0)


@pytest.mark.parametrize("before, after, expected", [
    ("šajā", "pilsēta", "gadā"),  # a locative calls for a locative
    ("šā", "sākumā", "gada"),  # a genitive before a noun
])
def test_decoding_picks_the_ending_by_context(before: str, after: str, expected: str) -> None:
    model = wordmodel.get_model()
    sentence = [[(before, 0.0)], [("gada", 0.0), ("gadā", 0.0)], [(after, 0.0)]]
    decoded = model.decode([sentence])[0]
    winner, margin = decoded[1]
    assert ["gada", "gadā"][winner] == expected and margin > 1.0
    assert decoded[0] == (0, float("inf"))  # a lone option wins by any margin


def test_repair_uses_context_in_folded_text() -> None:
    gold = ("Pašvaldības dome šā gada sākumā apstiprināja budžetu, bet šajā gadā budžets mainīsies. "
            "Pagājušā gada rudenī darbi sākās, un pašvaldība tajā gadā uzcēla skolu.")
    text, changes = repair_text(fold(gold))
    assert text == gold
    scores = {c.after: c.score for c in changes}
    assert 0.5 < scores["gadā"] <= 1.0  # the model's margin, as a probability


def test_known_word_kept_unless_clear_margin() -> None:
    # "valsti" (accusative) is a form the lexicon knows: marked text keeps it
    text = "Viņš ilgus gadus pārstāvēja valsti starptautiskās organizācijās."
    assert repair_text(text)[0] == text


def test_adaptation_changes_a_choice(small: wordmodel.WordModel) -> None:
    sentence = [[("mēs", 0.0)], [("dzīvojam", 0.0)], [("rīga", 0.0), ("rīgā", 0.0)]]
    assert small.decode([sentence])[0][2][0] == 0  # nothing in the corpus: the unigram decides
    assert small.learn("Mēs dzīvojam Rīgā.") and small.learn("Mēs dzīvojam Rīgā kopš 2020. gada.")
    assert not small.learn("Mēs dzīvojam Rīgā.")  # a page is learnt once
    assert small.decode([sentence])[0][2][0] == 1
    assert table(small, "tri")["mēs dzīvojam rīgā"] == (2,)


def test_only_clean_pages_are_learnt(monkeypatch: pytest.MonkeyPatch, small: wordmodel.WordModel) -> None:
    monkeypatch.setattr(wordmodel, "_model", small)
    monkeypatch.setenv("LVINGEST_LEARN", "1")
    clean = ("Pašvaldība šogad atjaunoja skolas ēku, un bērni mācās jaunās klasēs. " * 3).strip()
    assert not wordmodel.learn(fold(clean), 0.95)  # no marks: typed without diacritics
    assert not wordmodel.learn(clean, 0.5)  # the lexicon knows too few of its words
    assert not wordmodel.learn(clean, 0.95, changes=5)  # repair had to work on it
    assert wordmodel.learn(clean, 0.95)
    monkeypatch.setenv("LVINGEST_LEARN", "0")  # a run that must not depend on what came before
    assert not wordmodel.learn(clean + " Vēl viens teikums par skolu.", 0.95)


def test_cache_keyed_by_corpus_hash(tmp_path: Path) -> None:
    corpus = lzma.compress(SMALL.encode())
    first = wordmodel.open_model(tmp_path, corpus)
    base = wordmodel.base_model(tmp_path, corpus)
    assert first.learn("Mūsu novadā ir trīs skolas un divas bibliotēkas, kurās strādā daudzi cilvēki.")
    # the same corpus again: the same files, with what was learnt; the base model untouched
    again = wordmodel.open_model(tmp_path, corpus)
    assert again.path == first.path and "mūsu novadā ir" in table(again, "tri")
    assert "mūsu novadā ir" not in table(wordmodel.WordModel(base), "tri")
    # a changed corpus: a new model
    changed = wordmodel.open_model(tmp_path, lzma.compress((SMALL + "\nVēl viens teikums.").encode()))
    assert changed.path != first.path and "vēl viens teikums" in table(changed, "tri")


def test_fresh_cache_builds_from_the_bundled_corpus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LVINGEST_CACHE", str(tmp_path))
    monkeypatch.delenv("LVINGEST_WORDMODEL")
    monkeypatch.setattr(wordmodel, "_model", None)
    model = wordmodel.get_model()
    assert model.path.parent == tmp_path
    assert table(model, "hist2")["<s> <s>"][0] > 10_000  # the LVTB training sentences


def _learn_many(path: Path, worker: int) -> int:
    model = wordmodel.WordModel(path)
    return sum(model.learn(f"Darbinieks {worker} strādā birojā numur {n}, un viņam patīk darbs.")
               for n in range(15))


def test_concurrent_workers_learn_without_losing_counts(small: wordmodel.WordModel) -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        learnt = list(pool.map(_learn_many, [small.path] * 4, range(4)))
    assert learnt == [15] * 4  # every text differs, so each is learnt once
    assert table(small, "tri")["strādā birojā numur"] == (60,)
    assert table(small, "hist2")["strādā birojā"] == (60, 1)


def test_an_archive_word_learnt_is_restored(monkeypatch: pytest.MonkeyPatch, word_model, tmp_path: Path) -> None:
    """A place name neither the lexicon nor the corpus knows, read once on a clean page, is
    restored when a later document has it typed without diacritics."""
    model = wordmodel.copy_model(word_model.path, tmp_path / "archive.sqlite")
    monkeypatch.setattr(wordmodel, "_model", model)
    monkeypatch.setenv("LVINGEST_LEARN", "1")
    folded = fold("Pašvaldība informē, ka Mežvīteļu ciemā turpinās ceļa remonts un satiksme ir ierobežota.")
    assert "Mežvīteļu" not in repair_text(folded)[0]
    page = ("Mežvīteļu ciema iedzīvotāji šogad atjaunoja parku. Pašvaldība piešķīra līdzekļus, "
            "un darbi notika vasarā. Mežvīteļu bibliotēkā notiks sapulce par nākamā gada plāniem.")
    assert wordmodel.learn(page, 0.95)
    assert "Mežvīteļu" in repair_text(folded)[0]


def test_the_repair_component_learns_clean_text_pages(monkeypatch: pytest.MonkeyPatch, word_model,
                                                      tmp_path: Path) -> None:
    from pipeline.components import Config, Context, run
    from pipeline.document import Document, Page

    model = wordmodel.copy_model(word_model.path, tmp_path / "archive.sqlite")
    monkeypatch.setattr(wordmodel, "_model", model)
    monkeypatch.setenv("LVINGEST_LEARN", "1")
    text = ("Pašvaldības dome apstiprināja jauno kārtību. Skolēni mācās trīs ēkās, un vecāki var "
            "pieteikties konsultācijām pie klases audzinātāja katru otrdienu pēc stundām.")
    english = "\nThe committee will meet again next week."  # a line in another language is not learnt
    pages = [Page(1, 595, 842, text=text + english), Page(2, 595, 842, text=text + " Paldies.", method="ocr"),
             Page(3, 595, 842, text=fold(text) + " Teksts bez garumzīmēm.")]
    run(Document("d", "x.pdf", "x.pdf", pages=pages), Context(Config()), ("repair",))
    learnt = table(model, "learnt")
    assert len(learnt) == 1  # the clean text page; not the OCR'd one, nor the one without marks
    assert table(model, "tri")["dome apstiprināja jauno"] == (1,)
    assert "the committee will" not in table(model, "tri")


def test_learning_in_parts_counts_as_building_at_once(tmp_path: Path) -> None:
    lines = SMALL.splitlines()
    wordmodel.build(tmp_path / "whole.sqlite", SMALL)
    wordmodel.build(tmp_path / "parts.sqlite", lines[0])
    parts = wordmodel.WordModel(tmp_path / "parts.sqlite")
    assert all(parts.learn(line) for line in lines[1:])
    whole = wordmodel.WordModel(tmp_path / "whole.sqlite")
    for name in ("tri", "hist2", "bi", "hist1", "uni", "meta"):
        assert table(parts, name) == table(whole, name), name


def test_a_reader_sees_what_another_worker_learnt(small: wordmodel.WordModel) -> None:
    sentence = [[("mēs", 0.0)], [("dzīvojam", 0.0)], [("rīga", 0.0), ("rīgā", 0.0)]]
    assert small.decode([sentence])[0][2][0] == 0  # read, and cached in this process
    other = wordmodel.WordModel(small.path)  # another worker's connection to the same file
    assert other.learn("Mēs dzīvojam Rīgā.") and other.learn("Mēs dzīvojam Rīgā jau sen.")
    assert small.decode([sentence])[0][2][0] == 1
