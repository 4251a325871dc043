"""The Latvian lexicon: built from hunspell-lv forms and wordfreq, cached on disk."""
from __future__ import annotations

import pytest

from pipeline import lexicon
from pipeline._exec import hunspell
from pipeline.errors import MissingDependencyError


def test_inflected_forms_and_frequencies() -> None:
    lex = lexicon.get_lexicon()
    freqs = lex.frequencies(["pašvaldībās", "mācību", "pasvaldibas", "xqzt"])
    assert freqs["pašvaldībās"] > 0 and freqs["mācību"] > 0
    assert freqs["pasvaldibas"] == 0 and freqs["xqzt"] == 0
    forms = lex.by_fold(["pasvaldibas"])["pasvaldibas"]
    assert [f for f, _ in forms][:2] == ["pašvaldības", "pašvaldībās"]


def test_letter_windows_guess_marks_of_unknown_words() -> None:
    lex = lexicon.get_lexicon()
    assert lex.frequencies(["apturēšanu"])["apturēšanu"] == 0.0  # outside the lexicon ...
    assert lex.guess_marks("apturesanu") == "apturēšanu"  # ... yet its letters are guessed
    assert lex.guess_marks("zemkruts") == "zemkrūts"
    assert lex.guess_marks("hennessy") == "hennessy"  # nothing Latvian about it


def test_ratios_tell_latvian_from_garbage() -> None:
    assert lexicon.known_ratio("Nacionālā veselīgo pašvaldību tīkla darba plāns") == 1.0
    assert lexicon.folded_ratio("Nacionala veseligo pasvaldibu tikla darba plans") == 1.0
    assert lexicon.folded_ratio("Ð×Ü qwx zzkt bvvf") == 0.0


def test_missing_dictionary_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(hunspell, "DICTIONARY", tmp_path / "lv_LV.dic")
    with pytest.raises(MissingDependencyError, match="apt-get install hunspell-lv"):
        hunspell.dictionary_files()
