"""Bad inputs are quarantined with a reason record, the run goes on, the exit code says so."""
from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import pandas as pd
import pikepdf
import pytest

from pipeline.cli import main
from pipeline.components import Config
from pipeline.errors import ExitCode
from pipeline.ingest import ingest_file
from pipeline.source import Limits

BROKEN = {
    "zero.pdf": "empty",
    "truncated.pdf": "truncated",
    "encrypted.pdf": "encrypted",
    "not_a_pdf.pdf": "not_pdf",
    "garbage.pdf": "unreadable",
}


def _reason(out: Path, name: str) -> dict:
    [record] = list((out / "quarantine").glob(f"*-{name}.reason.json"))
    return json.loads(record.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "reason"), sorted(BROKEN.items()))
def test_broken_fixture_is_quarantined(broken_dir: Path, tmp_path: Path, name: str, reason: str) -> None:
    outcome = ingest_file(broken_dir / name, tmp_path)
    assert outcome.status == "failed"
    assert outcome.error.startswith(f"{reason}: ")
    record = _reason(tmp_path, name)
    assert record["reason"] == reason and record["file_name"] == name
    copy = next((tmp_path / "quarantine").glob(f"*-{name}"))
    assert copy.read_bytes() == (broken_dir / name).read_bytes()
    docs = pd.read_parquet(tmp_path / "documents")
    assert docs["status"].tolist() == ["failed"]


def _bomb(path: Path) -> Path:
    """A page whose image declares 60000 x 60000 pixels: decoding it would need 3.6 GB."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    image = pikepdf.Stream(pdf, zlib.compress(b"\0" * 1024))
    image.update({"/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Image, "/Width": 60000,
                  "/Height": 60000, "/ColorSpace": pikepdf.Name.DeviceGray, "/BitsPerComponent": 8,
                  "/Filter": pikepdf.Name.FlateDecode})
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    pdf.save(path)
    return path


def test_decompression_bomb(tmp_path: Path) -> None:
    outcome = ingest_file(_bomb(tmp_path / "bomb.pdf"), tmp_path / "out")
    assert outcome.status == "failed"
    assert outcome.error.startswith("decompression_bomb: page 1 embeds a 60000x60000 image")


def test_oversized_input(fixture_pdf: Path, tmp_path: Path) -> None:
    config = Config(limits=Limits(max_bytes=1000))
    outcome = ingest_file(fixture_pdf / "stop47_list.pdf", tmp_path, config)
    assert outcome.status == "failed" and outcome.error.startswith("too_large: ")


def test_run_goes_on_and_exit_code_reports_failure(
    broken_dir: Path, fixture_pdf: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in BROKEN:
        shutil.copy(broken_dir / name, inbox / name)
    shutil.copy(fixture_pdf / "stop47_list.pdf", inbox / "stop47_list.pdf")
    code = main(["ingest", str(inbox), "--out", str(tmp_path / "out"), "--no-progress"])
    assert code == ExitCode.input_failed
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("file_name")
    assert docs.loc["stop47_list.pdf", "status"] == "ok"
    assert sorted(docs.index[docs["status"] == "failed"]) == sorted(BROKEN)
    err = capsys.readouterr().err
    assert "zero.pdf: empty: the file is empty" in err


def test_unreadable_file_is_recorded_without_a_copy(
    fixture_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the process may not read (tests run as root, so the denial is simulated)."""
    import pipeline.ingest

    def denied(path: Path) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(pipeline.ingest, "file_identity", denied)
    out = tmp_path / "out"
    outcome = ingest_file(fixture_pdf / "stop47_list.pdf", out)
    assert outcome.status == "failed"
    assert outcome.error == "unreadable: cannot read the file: Permission denied"
    record = _reason(out, "stop47_list.pdf")
    assert record["reason"] == "unreadable" and record["copied"] is False
    assert not list((out / "quarantine").glob("*.pdf"))


@pytest.mark.parametrize("failure", ["render", "ocr_timeout"])
def test_pages_that_fail_make_the_document_partial(
    failure: str, fixture_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """pdfium failing to render, or tesseract timing out: every page is still recorded, the
    document is ``partial`` with a warning per page, and the run exits 4."""
    import pypdfium2 as pdfium

    from pipeline._exec import tesseract
    from pipeline.errors import OcrTimeoutError

    def broken_render(*args: object, **kwargs: object) -> None:
        raise pdfium.PdfiumError("Failed to render page")

    def timeout(*args: object, **kwargs: object) -> None:
        raise OcrTimeoutError("tesseract took longer than 1 s")

    if failure == "render":
        monkeypatch.setattr(pdfium.PdfPage, "render", broken_render)
        expected = "pdfium cannot render it: Failed to render page"
    else:
        monkeypatch.setattr(tesseract, "image_to_words", timeout)
        expected = "tesseract took longer than 1 s"
    out = tmp_path / "out"
    code = main(["ingest", str(fixture_pdf / "kpi_multipage.pdf"), "--out", str(out), "--force-ocr",
                 "--no-progress"])
    assert code == ExitCode.input_failed
    [doc] = pd.read_parquet(out / "documents").to_dict("records")
    assert doc["status"] == "partial"
    assert len(pd.read_parquet(out / "pages")) == doc["n_pages"] == len(doc["warnings"]) == 3
    assert all(expected in w for w in doc["warnings"]), doc["warnings"]
    assert "warning: page 1: " in capsys.readouterr().err
