"""Bad inputs are quarantined with a reason record, the run goes on, the exit code says so; no
input is hidden on a re-run; the work per document is bounded."""
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


def test_file_names_that_are_not_utf8(
    broken_dir: Path, fixture_pdf: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A name with a Latin-1 byte (a copy from an old Windows share): both files are recorded,
    the name made printable, and the run goes on to the next file."""
    import os

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = inbox / os.fsdecode(b"pl\xe2ns.pdf")
    shutil.copy(fixture_pdf / "stop47_list.pdf", good)
    shutil.copy(broken_dir / "not_a_pdf.pdf", inbox / os.fsdecode(b"bojats \xe2.pdf"))
    shutil.copy(fixture_pdf / "plan_text.pdf", inbox / "z.pdf")
    out = tmp_path / "out"
    assert main(["ingest", str(inbox), "--out", str(out), "--no-progress"]) == ExitCode.input_failed
    docs = pd.read_parquet(out / "documents").set_index("file_name")
    assert docs["status"].to_dict() == {"pl\ufffdns.pdf": "ok", "bojats \ufffd.pdf": "failed", "z.pdf": "ok"}
    assert _reason(out, os.fsdecode(b"bojats \xe2.pdf"))["file_name"] == "bojats \ufffd.pdf"
    assert "bojats \\udce2.pdf: not_pdf" in capsys.readouterr().err


def test_broken_link_in_an_inbox_is_recorded(fixture_pdf: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(fixture_pdf / "stop47_list.pdf", inbox / "a.pdf")
    (inbox / "moved.pdf").symlink_to(tmp_path / "nowhere.pdf")
    out = tmp_path / "out"
    assert main(["ingest", str(inbox), "--out", str(out), "--no-progress"]) == ExitCode.input_failed
    docs = pd.read_parquet(out / "documents").set_index("file_name")
    assert docs.loc["moved.pdf", "error"] == "unreadable: cannot read the file: No such file or directory"
    assert docs.loc["a.pdf", "status"] == "ok"
    # what ``ingest --runner thread|dask`` uses to find each file's row again
    from pipeline.ingest import document_id

    assert docs.loc["moved.pdf", "doc_id"] == document_id(inbox / "moved.pdf")


def test_page_too_large_to_render_loses_only_that_page(fixture_pdf: Path, tmp_path: Path) -> None:
    """A blank 20000 pt page after a good one: the document is partial, the good page kept."""
    path = tmp_path / "poster.pdf"
    with pikepdf.open(fixture_pdf / "stop47_list.pdf") as pdf:
        pdf.add_blank_page()
        pdf.pages[-1].MediaBox = [0, 0, 20000, 20000]  # beyond pikepdf's own page-size check
        pdf.save(path)
    outcome = ingest_file(path, tmp_path / "out")
    assert outcome.status == "partial"
    [warning] = outcome.warnings
    assert warning.startswith("page 2: 20000 x 20000 pt is too large to render for OCR")
    assert outcome.counts["municipalities"] > 0  # page 1 was read


def test_large_page_is_rendered_at_the_resolution_that_fits(tmp_path: Path) -> None:
    """An A0 drawing at 300 dpi would exceed the pixel limit: it gets fewer dpi, and says so."""
    from pipeline.source import Renderer

    path = tmp_path / "a0.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(2384, 3370))
    pdf.save(path)
    limits = Limits()
    with Renderer(path, limits) as renderer:
        image = renderer.render(1, 300)
    dpi = image.info["dpi"][0]
    assert 250 < dpi < 300
    assert image.width * image.height <= limits.max_render_pixels
    assert abs(image.width - 2384 * dpi / 72) <= 1


def _inbox(tmp_path: Path, fixture_pdf: Path, *names: str) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in names:
        shutil.copy(fixture_pdf / "stop47_list.pdf" if name < "m" else fixture_pdf / "plan_text.pdf",
                    inbox / name)
    return inbox


def test_a_bug_on_one_document_quarantines_it_and_the_run_goes_on(
    fixture_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any exception a stage raises on one document (here: tables, on plan_text's bytes only):
    that document is failed with reason internal_error and the traceback in its quarantine
    record; the documents after it are ingested; the exit code is 4, not 15."""
    from pipeline import components

    tables = components.COMPONENTS["tables"]

    def broken(doc, ctx) -> None:
        if doc.file_name == "p.pdf":
            raise ZeroDivisionError("a bug in the table finder")
        tables(doc, ctx)

    monkeypatch.setitem(components.COMPONENTS, "tables", broken)
    inbox = _inbox(tmp_path, fixture_pdf, "a.pdf", "p.pdf")
    shutil.copy(fixture_pdf / "kpi_multipage.pdf", inbox / "z.pdf")
    out = tmp_path / "out"
    assert main(["ingest", str(inbox), "--out", str(out), "--no-progress"]) == ExitCode.input_failed
    docs = pd.read_parquet(out / "documents").set_index("file_name")
    assert docs["status"].to_dict() == {"a.pdf": "ok", "p.pdf": "failed", "z.pdf": "ok"}
    assert docs.loc["p.pdf", "error"] == "internal_error: ZeroDivisionError: a bug in the table finder"
    record = _reason(out, "p.pdf")
    assert record["reason"] == "internal_error" and record["copied"] is True
    assert "Traceback" in record["traceback"] and "in broken" in record["traceback"]


def test_symlink_loops_are_recorded_and_the_run_goes_on(
    fixture_pdf: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """``ln -s b.pdf a.pdf; ln -s a.pdf b.pdf`` in an inbox, and one such link named directly."""
    inbox = _inbox(tmp_path, fixture_pdf, "good.pdf")
    (inbox / "a.pdf").symlink_to("b.pdf")
    (inbox / "b.pdf").symlink_to("a.pdf")
    out = tmp_path / "out"
    for args in ([str(inbox)], [str(inbox / "a.pdf"), str(inbox / "good.pdf")]):
        assert main(["ingest", *args, "--out", str(out), "--no-progress"]) == ExitCode.input_failed
    docs = pd.read_parquet(out / "documents").set_index("file_name")
    assert docs["status"].to_dict() == {"a.pdf": "failed", "b.pdf": "failed", "good.pdf": "ok"}
    assert docs.loc["a.pdf", "error"] == "unreadable: cannot read the file: Too many levels of symbolic links"
    assert _reason(out, "b.pdf")["source_path"] == str(inbox / "b.pdf")


def test_doc_timeout_quarantines_the_document(fixture_pdf: Path, tmp_path: Path) -> None:
    """Outside the main thread (a Prefect task runner's thread) the limit is checked after
    every page: a limit already spent stops after page 1."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        outcome = pool.submit(ingest_file, fixture_pdf / "kpi_multipage.pdf", tmp_path,
                              doc_timeout=1e-9).result()
    assert outcome.status == "failed"
    assert outcome.error == "timeout: over the limit of 1e-09 s per document (after page 1)"
    assert _reason(tmp_path, "kpi_multipage.pdf")["reason"] == "timeout"


def test_doc_timeout_stops_a_stage_that_hangs(
    fixture_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stage stuck for a minute (as a parser on a hostile page) is stopped at the limit."""
    import time

    from pipeline import components

    monkeypatch.setitem(components.COMPONENTS, "layout", lambda doc, ctx: time.sleep(60))
    start = time.monotonic()
    outcome = ingest_file(fixture_pdf / "stop47_list.pdf", tmp_path, doc_timeout=1)
    assert time.monotonic() - start < 30
    assert outcome.error == "timeout: over the limit of 1 s per document (in layout)"


def _poster(fixture_pdf: Path, path: Path) -> Path:
    """stop47_list plus a blank page too large to render for OCR: partial on every reading."""
    with pikepdf.open(fixture_pdf / "stop47_list.pdf") as pdf:
        pdf.add_blank_page()
        pdf.pages[-1].MediaBox = [0, 0, 20000, 20000]
        pdf.save(path)
    return path


def _statuses(out: Path) -> dict[str, tuple[str, object]]:
    docs = pd.read_parquet(out / "documents")
    return {r.file_name: (r.status, r.ingested_at) for r in docs.itertuples()}


def test_rerun_reports_quarantined_and_partial_inputs_and_retry_failed_reads_them(
    broken_dir: Path, fixture_pdf: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A re-run does not read them again, but reports them as they are (exit 4, not cached
    with 0); a page that can never be rendered is partial once, not retried on every run;
    ``--retry-failed`` reads the failed and partial ones again, and only those."""
    inbox = _inbox(tmp_path, fixture_pdf, "a.pdf")
    shutil.copy(broken_dir / "truncated.pdf", inbox / "t.pdf")
    _poster(fixture_pdf, inbox / "poster.pdf")
    out = tmp_path / "out"
    args = ["ingest", str(inbox), "--out", str(out), "--no-progress"]
    assert main(args) == ExitCode.input_failed
    first = _statuses(out)
    capsys.readouterr()
    assert main(args) == ExitCode.input_failed
    summary = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()[2:5]}
    assert summary == {"a.pdf": "cached", "poster.pdf": "partial", "t.pdf": "failed"}
    assert _statuses(out) == first  # nothing read again
    assert main([*args, "--retry-failed"]) == ExitCode.input_failed
    again = _statuses(out)
    assert again["a.pdf"] == first["a.pdf"]
    assert again["t.pdf"][1] > first["t.pdf"][1] and again["poster.pdf"][1] > first["poster.pdf"][1]


def test_a_completed_copy_supersedes_its_failed_row(fixture_pdf: Path, tmp_path: Path) -> None:
    """x.pdf half copied (failed: truncated), then complete: one document, ok; the stale row and
    quarantine copy are gone. The sources dataset says where x.pdf went."""
    data = (fixture_pdf / "stop47_list.pdf").read_bytes()
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "x.pdf").write_bytes(data[: len(data) // 2])
    assert ingest_file(inbox / "x.pdf", out).status == "failed"
    assert list((out / "quarantine").iterdir())
    (inbox / "x.pdf").write_bytes(data)
    ok = ingest_file(inbox / "x.pdf", out)
    assert ok.status == "ok"
    assert pd.read_parquet(out / "documents")["doc_id"].tolist() == [ok.doc_id]
    assert not list((out / "quarantine").iterdir())
    [source] = pd.read_parquet(out / "sources").to_dict("records")
    assert (source["file_name"], source["doc_id"], source["outcome"]) == ("x.pdf", ok.doc_id, "ok")
    assert source["first_seen"] < source["last_seen"]


def test_a_file_readable_at_last_supersedes_its_failed_row(
    fixture_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.ingest

    path = shutil.copy(fixture_pdf / "stop47_list.pdf", tmp_path / "x.pdf")
    out = tmp_path / "out"
    with monkeypatch.context() as patched:
        patched.setattr(pipeline.ingest, "file_identity",
                        lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
        assert ingest_file(path, out).status == "failed"
    assert ingest_file(path, out).status == "ok"  # the permissions were fixed
    assert pd.read_parquet(out / "documents")["status"].tolist() == ["ok"]
    assert not list((out / "quarantine").iterdir())


def test_same_bytes_under_two_paths_are_both_recorded(fixture_pdf: Path, tmp_path: Path) -> None:
    inbox = _inbox(tmp_path, fixture_pdf, "a.pdf", "b.pdf")
    out = tmp_path / "out"
    main(["ingest", str(inbox), "--out", str(out), "--no-progress"])
    sources = pd.read_parquet(out / "sources").sort_values("file_name")
    assert sources["source_path"].tolist() == [str(inbox / "a.pdf"), str(inbox / "b.pdf")]
    assert sources["doc_id"].nunique() == 1 and set(sources["outcome"]) == {"ok"}
    assert len(pd.read_parquet(out / "documents")) == 1


def test_an_output_folder_inside_the_input_is_not_read_back(
    broken_dir: Path, fixture_pdf: Path, tmp_path: Path
) -> None:
    """``ingest inbox --out inbox/out``, twice: the quarantine copy in inbox/out is not an input,
    also when the output folder is named through a link."""
    inbox = _inbox(tmp_path, fixture_pdf, "a.pdf")
    shutil.copy(broken_dir / "not_a_pdf.pdf", inbox / "bad.pdf")
    (tmp_path / "link").symlink_to(inbox)
    for out in (inbox / "out", tmp_path / "link" / "out"):
        main(["ingest", str(inbox), "--out", str(out), "--no-progress"])
    assert sorted(pd.read_parquet(inbox / "out" / "documents")["file_name"]) == ["a.pdf", "bad.pdf"]


def _content_bomb(path: Path, inflated: int) -> Path:
    """One page whose content stream inflates to ``inflated`` bytes of drawing operators."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].Contents = pdf.make_stream(b"")
    pdf.pages[0].Contents.write(zlib.compress(b"0 0 m\n" * (inflated // 6), 9),
                                filter=pikepdf.Name.FlateDecode)
    pdf.save(path)
    return path


def test_content_stream_decompression_bomb(tmp_path: Path) -> None:
    limits = Limits(max_content_bytes=2_000_000)
    bomb = _content_bomb(tmp_path / "bomb.pdf", 3_000_000)
    outcome = ingest_file(bomb, tmp_path / "out", Config(limits=limits))
    assert outcome.status == "failed"
    assert outcome.error == "decompression_bomb: page 1: its content inflates to over 2,000,000 bytes"
    fine = _content_bomb(tmp_path / "fine.pdf", 1_000_000)
    assert ingest_file(fine, tmp_path / "out", Config(limits=limits)).status == "ok"


def test_blank_page_images_are_not_ocrd(monkeypatch: pytest.MonkeyPatch) -> None:
    """White, or white with scanner specks: no tesseract; a few printed words: tesseract."""
    from PIL import Image, ImageDraw

    from pipeline._exec import tesseract
    from pipeline.document import Page
    from pipeline.ocr import is_blank, ocr_page

    def no_tesseract(*args: object, **kwargs: object) -> None:
        raise AssertionError("tesseract was asked to read a blank page")

    monkeypatch.setattr(tesseract, "image_to_words", no_tesseract)
    page_image = Image.new("L", (2480, 3508), 255)
    page_image.info["dpi"] = (300, 300)
    specks = page_image.copy()
    for x, y in ((100, 100), (1500, 2000), (2400, 3400)):
        specks.putpixel((x, y), 0)
    page = Page(page_no=1, width=595, height=842, triage="no text layer")
    ocr_page(page, specks, "lav", 10)
    assert (page.words, page.method, page.triage) == ([], "ocr", "no text layer; blank page image, not OCR'd")
    assert is_blank(page_image)
    ImageDraw.Draw(page_image).text((300, 300), "Rīgas valstspilsēta, 2025", fill=0, font_size=40)
    assert not is_blank(page_image)
