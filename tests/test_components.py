"""The document pipeline as named components over one Document, like a spaCy pipeline."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.components import COMPONENTS, DEFAULT_PIPELINE, Context, run
from pipeline.document import Document
from pipeline.options import Config


def _doc(path: Path) -> Document:
    return Document(doc_id="test", source_path=str(path), file_name=path.name)


def test_default_pipeline_is_the_registered_components_in_data_order() -> None:
    assert DEFAULT_PIPELINE == ("read", "layout", "repair", "tables", "entities")
    assert set(DEFAULT_PIPELINE) <= set(COMPONENTS)


def test_a_prefix_leaves_the_document_as_that_stage_does(fixture_pdf: Path) -> None:
    """stop47_list: after read + layout the page text is there, nothing later has run."""
    doc = run(_doc(fixture_pdf / "stop47_list.pdf"), Context(Config()), ("read", "layout"))
    assert doc.n_pages == len(doc.pages) > 0
    assert all(page.text for page in doc.pages)
    assert not doc.tables and not doc.municipalities and not doc.dates
    run(doc, Context(Config()), ("repair", "tables", "entities"))
    assert doc.municipalities


def test_unknown_component_is_named() -> None:
    with pytest.raises(ValueError, match=r"unknown components \['ocr'\]"):
        run(_doc(Path("x.pdf")), Context(Config()), ("read", "ocr"))


def test_a_document_raises_the_gc_threshold_and_the_last_one_out_puts_it_back(
        fixture_pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents go through the components with fewer collections; overlapping documents
    (threads of a flow) and one that fails leave the process's own thresholds as they were."""
    import gc
    import threading

    from pipeline import components

    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    real_read_page = components.read_page

    def spying(*args, **kwargs):
        seen.append(gc.get_threshold())
        return real_read_page(*args, **kwargs)

    monkeypatch.setattr(components, "read_page", spying)
    run(_doc(fixture_pdf / "stop47_list.pdf"), Context(Config()), ("read",))
    assert seen and all(t[0] >= 10_000 and t[1:] == before[1:] for t in seen)
    assert gc.get_threshold() == before

    entered, release = threading.Event(), threading.Event()

    def holding() -> None:
        with components._PROCESSING:
            entered.set()
            release.wait(10)

    other = threading.Thread(target=holding)
    other.start()
    entered.wait(10)
    with pytest.raises(RuntimeError), components._PROCESSING:
        raise RuntimeError("a page that trips a bug")
    assert gc.get_threshold()[0] >= 10_000  # the other document is still in
    release.set()
    other.join(10)
    assert gc.get_threshold() == before
