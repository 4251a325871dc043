"""The ending re-ranker and the character model: what each decides, and that it is reproducible."""
from __future__ import annotations

from pipeline import charmodel, reranker
from pipeline.lexicon import get_lexicon
from pipeline.repair import repair_text

# own text, written for these tests
TRAINING = """Mēs dzīvojam jaunajā mājā pie upes. Viņa devās uz māju ar kolēģi.
No mājas līdz skolai ir tālu. Ar kolēģi runājām par darbu jaunajā mājā.
Bērni gāja uz māju, un no mājas iznāca suns."""


def test_training_is_deterministic_and_fits_its_examples() -> None:
    lex = get_lexicon()
    first, second = reranker.train(TRAINING, lex), reranker.train(TRAINING, lex)
    assert first == second and first
    model = reranker.Reranker(first)
    examples = reranker.examples(TRAINING, lex)
    assert len(examples) >= 5
    for options, gold, previous, following, comma in examples:
        scores = [model.own(f, k, following, comma) + model.pair(previous, f) + model.pair(f, following)
                  for k, f in enumerate(options)]
        assert max(range(len(options)), key=lambda k: (scores[k], -k)) == gold, options[gold]


def test_bundled_weights_know_case_agreement() -> None:
    model = reranker.get_reranker()
    assert model.pair("uz", "māju") > model.pair("uz", "mājā")  # uz + accusative
    assert model.pair("no", "mājas") > model.pair("no", "mājās")  # no + genitive
    assert model.pair("pie", "galda") > model.pair("pie", "galdā")
    assert model.pair("jaunajā", "mājā") > model.pair("jaunajā", "māja")  # adjective–noun
    assert model.pair("jaunās", "mājās") > model.pair("jaunās", "mājas")
    assert model.pair("kā", "arī") > model.pair("ka", "arī")


def test_the_decoder_weighs_the_pairs() -> None:
    """Without its weights the word model alone makes 'sākās' of a present 'sākas' before a
    subject and a relative clause; the re-ranker's ending pairs keep the present."""
    folded = "Pec tam sakas darbs, ko veica pasvaldiba."
    assert repair_text(folded)[0] == "Pēc tam sākas darbs, ko veica pašvaldība."
    previous = reranker.use_reranker(reranker.Reranker({}))
    try:
        assert repair_text(folded)[0] == "Pēc tam sākās darbs, ko veica pašvaldība."
    finally:
        reranker.use_reranker(previous)


def test_character_model_restores_words_no_list_knows() -> None:
    lex = get_lexicon()
    for word in ("pārliecinošākajām", "mežsargājamākā"):  # derivations outside the lexicon
        assert lex.frequencies([word])[word] == 0
        assert charmodel.restore(charmodel.fold(word)) == word


def test_character_model_in_folded_text_but_not_on_ocr_signs() -> None:
    text = "Sodien runajam par parliecinosakajam metodem, un veteriinu palidziba ir pieejama."
    out = repair_text(text)[0]
    assert "pārliecinošākajām" in out
    assert "veteriinu" in out  # a doubled i is an OCR sign: the character model is not asked
