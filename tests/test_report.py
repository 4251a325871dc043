"""The HTML review report: every document and table in it, overlays on the right words, escaping,
a missing source, cached pictures, the ``report`` command, a Prefect link, and a real browser."""
from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.report import images, write_report
from pipeline.source import file_identity

FIXTURES = ("kpi_multipage.pdf", "notice_ocr_eng.pdf", "plan_scan.pdf", "plan_text.pdf")
ODD_NAME = '<b>&"Rīga" ģērbonis.pdf'
CHROMIUM = Path("/usr/bin/chromium")


class Element:
    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs, self.text = tag, attrs, ""

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class Parsed(HTMLParser):
    """Every element with its attributes and the text directly inside it."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in ("img", "input", "meta", "link", "br"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1].text += data

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
        return [el for el in self.elements
                if (tag is None or el.tag == tag) and (cls is None or cls in el.classes)
                and all(el.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def out(fixture_pdf: Path, broken_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixtures ingested by the command line, which writes the report at the end of the run;
    and a copy of stop47_list.pdf (other bytes) under a name full of HTML."""
    inbox = tmp_path_factory.mktemp("inbox")
    for name in FIXTURES:
        shutil.copy(fixture_pdf / name, inbox / name)
    shutil.copy(broken_dir / "truncated.pdf", inbox / "truncated.pdf")
    (inbox / ODD_NAME).write_bytes((fixture_pdf / "stop47_list.pdf").read_bytes() + b"\n% other bytes\n")
    target = tmp_path_factory.mktemp("out")
    assert main(["ingest", str(inbox), "--out", str(target), "--no-progress"]) == ExitCode.input_failed
    return target


def documents(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents")


def doc_page(out: Path, file_name: str) -> tuple[str, Parsed]:
    docs = documents(out)
    [doc_id] = docs.loc[docs["file_name"] == file_name, "doc_id"]
    text = (out / "report" / "docs" / f"{doc_id}.html").read_text(encoding="utf-8")
    return text, Parsed(text)


def test_index_lists_every_document_those_needing_a_look_first(out: Path) -> None:
    text = (out / "report" / "index.html").read_text(encoding="utf-8")
    page = Parsed(text)
    listed = [r.attrs["id"] for r in page.find("tr") if "id" in r.attrs]
    docs = documents(out)
    assert sorted(listed) == sorted(docs["doc_id"])
    failed = docs.loc[docs["status"] == "failed", "doc_id"].item()
    assert listed[0] == failed  # quarantined: first
    row = text[text.index(f'id="{failed}"'):]
    assert "quarantined (truncated): unexpected end of file" in row[:row.index("</tr>")]
    for link in page.find("a"):
        assert (out / "report" / link.attrs["href"]).is_file()


def test_every_table_is_drawn_and_listed(out: Path) -> None:
    tables = pd.read_parquet(out / "tables")
    docs = documents(out).set_index("doc_id")
    assert len(tables) >= 4
    for t in tables.itertuples():
        _, page = doc_page(out, docs.loc[t.doc_id, "file_name"])
        for n in range(t.page_first, t.page_last + 1):
            [html_table] = page.find("table", id=f"{t.table_id}-p{n}")
            assert html_table.attrs["data-table"] == t.table_id
        outlines = [el for el in page.find("div", cls="tbl") if t.table_id in el.attrs["title"]]
        assert len(outlines) == t.page_last - t.page_first + 1
    # the KPI table runs over three pages: pages 2 and 3 say they continue it
    _, page = doc_page(out, "kpi_multipage.pdf")
    conts = [el for el in page.find("div", cls="tbl") if "cont" in el.classes]
    assert len(conts) == 2
    assert [a.attrs["href"] for a in page.find("a") if a.attrs["href"].startswith("#")] == ["#p1", "#p2", "#p3"]


def _union(words: pd.DataFrame) -> tuple[float, float, float, float]:
    return words["x0"].min(), words["top"].min(), words["x1"].max(), words["bottom"].max()


def _boxes(page: Parsed, cls: str) -> list[tuple[Element, tuple[float, ...]]]:
    return [(el, tuple(map(float, el.attrs["data-box"].split()))) for el in page.find("div", cls=cls)]


def test_overlays_stand_on_their_words(out: Path) -> None:
    """plan_text.pdf's approval date and the town in its prose, and a repaired word of the notice:
    each box is exactly around its words in the words dataset, and placed there on the picture."""
    docs = documents(out)
    words = pd.read_parquet(out / "words").merge(docs[["doc_id", "file_name"]])
    plan = words[(words["file_name"] == "plan_text.pdf") & (words["page_no"] == 1)]
    _, page = doc_page(out, "plan_text.pdf")
    line = plan[plan["text"] == "2022."]["line_no"].item()
    expected = _union(plan[(plan["line_no"] == line) & plan["text"].isin(["2022.", "gada", "19.", "oktobra"])])
    [(date, box)] = [(el, b) for el, b in _boxes(page, "date") if "2022. gada 19. oktobra" in el.attrs["title"]]
    assert box == pytest.approx(expected, abs=0.06)
    # placed in percent of the page (A4, 595.3 x 841.9 points) over the picture
    style = dict(part.split(":") for part in date.attrs["style"].split(";"))
    assert float(style["left"].rstrip("%")) == pytest.approx(100 * expected[0] / 595.28, abs=0.05)
    assert float(style["top"].rstrip("%")) == pytest.approx(100 * expected[1] / 841.89, abs=0.05)
    [img] = [el for el in page.find("img") if el.attrs["alt"] == "page 1"]
    assert (out / "report" / "docs" / img.attrs["src"]).is_file()
    town = plan[plan["text"].str.startswith("Kuldīgā")]
    [(_, box)] = [(el, b) for el, b in _boxes(page, "municipality") if "“Kuldīgā”" in el.attrs["title"]]
    assert box == pytest.approx(_union(town), abs=0.06)

    notice = words[words["file_name"] == "notice_ocr_eng.pdf"]
    _, page = doc_page(out, "notice_ocr_eng.pdf")
    [(fix, box)] = [(el, b) for el, b in _boxes(page, "fix")
                    if el.attrs["title"].startswith("sistémas → sistēmas")]
    assert "ocr_confusion" in fix.attrs["title"]
    assert box == pytest.approx(_union(notice[notice["text"].str.startswith("sistémas")]), abs=0.06)


def test_table_cells_stand_in_the_table_not_in_the_prose_above(out: Path) -> None:
    """kpi_multipage's header cell "Bāzes vērtība (2024)" also stands in the prose above the
    table ("Bāzes vērtība ir 2024. gadā"): the cell box is the one in the header row."""
    _, page = doc_page(out, "kpi_multipage.pdf")
    cells = [(el, b) for el, b in _boxes(page, "cell") if el.attrs["title"].startswith("T1 row 0, ")]
    tops = {round(b[1]) for _, b in cells}
    [(_, base)] = [(el, b) for el, b in cells if "Bāzes vērtība (2024)" in el.attrs["title"]]
    assert max(tops) - min(tops) < 2 and round(base[1]) in tops
    assert len(cells) == 7


def _word(text: str, x0: float, top: float, line: int, width: float = 40.0) -> dict:
    return {"text": text, "x0": x0, "top": top, "x1": x0 + width, "bottom": top + 10.0, "line_no": line,
            "running": False, "conf": None}


def test_a_name_repeated_in_the_next_cell_stays_in_its_column() -> None:
    """A timetable: "Antra Muižarāja / Sandra Šmiukše" wraps in column 1 while the cell to its
    right on the same line is "Sandra Šmiukše"; reading order would give column 1 the neighbour's
    name. Column 1's cell keeps to its column."""
    from pipeline.report.docpage import _place_cells
    from pipeline.report.locate import PageWords

    words = [_word("Laiks", 10, 10, 0), _word("Otrdiena", 100, 10, 0), _word("Trešdiena", 200, 10, 0),
             _word("0.stunda", 10, 30, 1), _word("Antra", 100, 30, 1), _word("Muižarāja", 140, 30, 1),
             _word("Sandra", 200, 30, 1), _word("Šmiukše", 240, 30, 1),
             _word("Sandra", 100, 42, 2), _word("Šmiukše", 140, 42, 2)]
    cells = [{"row": 0, "col": 0, "text": "Laiks"}, {"row": 0, "col": 1, "text": "Otrdiena"},
             {"row": 0, "col": 2, "text": "Trešdiena"}, {"row": 1, "col": 0, "text": "0.stunda"},
             {"row": 1, "col": 1, "text": "Antra Muižarāja Sandra Šmiukše"},
             {"row": 1, "col": 2, "text": "Sandra Šmiukše"}]
    for row, names in enumerate([("1.stunda", "Ruta", "Vita"), ("2.stunda", "Aija", "Elgars")], start=2):
        for col, name in enumerate(names):
            words.append(_word(name, 10 + 100 * col, 40 + 20 * row, row + 1))
            cells.append({"row": row, "col": col, "text": name})
    placed = _place_cells(cells, PageWords(words))
    assert [(w["x0"], w["top"]) for w in placed[4]] == [(100, 30), (140, 30), (100, 42), (140, 42)]
    assert [(w["x0"], w["top"]) for w in placed[5]] == [(200, 30), (240, 30)]


def test_repaired_and_wrapped_texts_find_their_words() -> None:
    """Entity texts are repaired (diacritics restored, OCR look-alikes fixed) and may wrap onto
    the next line; the second of two equal texts takes the second occurrence."""
    from pipeline.report.locate import PageWords, line_rects

    words = [_word("Lidz", 10, 10, 0), _word("2025.", 60, 10, 0), _word("gada", 110, 10, 0),
             _word("30.", 160, 10, 0), _word("junijam", 10, 24, 1), _word("nodro$inats", 60, 24, 1),
             _word("Rīgā,", 10, 38, 2), _word("Rīgā.", 60, 38, 2)]
    page = PageWords(words)
    used: set[int] = set()
    date = page.find("Līdz 2025. gada 30. jūnijam", used)
    assert [w["text"] for w in date] == ["Lidz", "2025.", "gada", "30.", "junijam"]
    assert len(line_rects(date)) == 2
    assert [w["text"] for w in page.find("nodrošināts", set())] == ["nodro$inats"]
    towns: set[int] = set()
    assert [page.find("Rīgā", towns)[0]["x0"], page.find("Rīgā", towns)[0]["x0"]] == [10, 60]
    assert page.find("Jelgavā", set()) == []


def test_everything_is_escaped_and_latvian_stays_utf8(out: Path) -> None:
    text, page = doc_page(out, ODD_NAME)
    assert "<b>&" not in text
    assert "&lt;b&gt;&amp;&quot;Rīga&quot; ģērbonis.pdf" in text
    [title] = page.find("title")
    assert title.text == ODD_NAME
    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;&amp;&quot;Rīga&quot; ģērbonis.pdf" in index and "<b>&" not in index
    assert '<meta charset="utf-8">' in index


def test_pictures_are_kept_and_a_debug_picture_is_shown(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second report renders nothing; a picture another stage left in debug/ appears."""
    docs = documents(out)
    doc_id = docs.loc[docs["file_name"] == "plan_text.pdf", "doc_id"].item()
    debug = out / "report" / "debug" / doc_id / "p2-tables.png"
    debug.parent.mkdir(parents=True)
    shutil.copy(next((out / "report" / "img" / doc_id).glob("p1-*.png")), debug)

    def no_rendering(*args: object) -> None:
        raise AssertionError("a kept picture was rendered again")

    monkeypatch.setattr(images.Renderer, "render", no_rendering)
    write_report(out)
    _, page = doc_page(out, "plan_text.pdf")
    [img] = [el for el in page.find("img") if el.attrs["alt"] == "p2-tables"]
    assert img.attrs["src"] == f"../debug/{doc_id}/p2-tables.png"


def test_only_changed_documents_are_made_again(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report is rewritten after every run into a growing output folder: a document whose
    files did not change keeps its page; one re-ingested (its files rewritten) gets a new one."""
    from pipeline.report import docpage

    write_report(out)
    made: list[str] = []
    real = docpage.DocumentPage.html
    monkeypatch.setattr(docpage.DocumentPage, "html", lambda self: made.append(self.s.file_name) or real(self))
    write_report(out)
    assert made == []
    docs = documents(out)
    doc_id = docs.loc[docs["file_name"] == "notice_ocr_eng.pdf", "doc_id"].item()
    (out / "dates" / f"{doc_id}.parquet").touch()
    write_report(out)
    assert made == ["notice_ocr_eng.pdf"]
    write_report(out, force=True)
    assert len(made) == 1 + len(docs)
    gone = out / "report" / "docs" / ("0" * 64 + ".html")  # a document since removed from the output
    gone.write_text("old page")
    write_report(out)
    assert not gone.exists()


def test_a_page_read_turned_is_pictured_turned(fixture_pdf: Path, tmp_path: Path) -> None:
    """A page OCR'd turned 90° has its word boxes in the turned frame: so has its picture."""
    source = fixture_pdf / "plan_text.pdf"
    doc_id = file_identity(source)
    pictures = images.PageImages(tmp_path, doc_id, str(source))
    upright, turned = pictures.page(1), pictures.page(1, rotation=90)
    pictures.close()
    assert (turned.width, turned.height) == (upright.height, upright.width)
    assert turned.scale == pytest.approx(96 / 72, rel=0.01)
    assert sorted(p.name for p in (tmp_path / doc_id).iterdir()) == ["p1-96dpi-r90.png", "p1-96dpi.png"]


def test_missing_source_pdf_shows_the_pages_without_pictures(fixture_pdf: Path, tmp_path: Path) -> None:
    source = tmp_path / "gone.pdf"
    shutil.copy(fixture_pdf / "stop47_list.pdf", source)
    target = tmp_path / "out"
    assert main(["ingest", str(source), "--out", str(target), "--no-progress", "--no-report"]) == 0
    assert not (target / "report").exists()
    source.unlink()
    assert main(["report", str(target)]) == 0
    text, page = doc_page(target, "gone.pdf")
    assert "the source PDF is no longer at" in text and str(source) in text
    assert not page.find("img")
    assert len(page.find("div", cls="municipality")) == len(pd.read_parquet(target / "municipalities"))
    # an output written before the words dataset: no boxes, the text still there
    for path in (target / "words").glob("*.parquet"):
        path.unlink()
    assert main(["report", str(target)]) == 0
    text, page = doc_page(target, "gone.pdf")
    assert "no words dataset" in text and not page.find("div", cls="o") and "Jelgavas" in text


def test_a_damaged_dataset_file_costs_only_its_document(out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    docs = documents(copy)
    doc_id = docs.loc[docs["file_name"] == "plan_text.pdf", "doc_id"].item()
    (copy / "words" / f"{doc_id}.parquet").write_bytes(b"PAR1 not parquet at all")
    assert main(["report", str(copy)]) == 0
    text, _ = doc_page(copy, "plan_text.pdf")
    assert "Its datasets cannot be read" in text
    _, page = doc_page(copy, "kpi_multipage.pdf")
    assert len(page.find("section", cls="page")) == 3


def test_a_report_that_cannot_be_written_does_not_change_the_runs_exit_code(
        fixture_pdf: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "report").write_text("a file where the report folder should be")
    assert main(["ingest", str(fixture_pdf / "stop47_list.pdf"), "--out", str(target), "--no-progress"]) == 0
    assert "warning: report not written" in capsys.readouterr().err
    assert len(pd.read_parquet(target / "documents")) == 1


def test_report_command_exit_codes(tmp_path: Path, out: Path) -> None:
    assert main(["report", str(tmp_path / "nothing")]) == ExitCode.no_input
    blocked = tmp_path / "blocked"
    shutil.copytree(out / "documents", blocked / "documents")
    (blocked / "report").write_text("a file where the report folder should be")
    assert main(["report", str(blocked)]) == ExitCode.output_error
    with pytest.raises(SystemExit) as exc:
        main(["report", str(out), "--dpi", "0"])
    assert exc.value.code == ExitCode.usage
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "report", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "exit codes: 0 ok" in result.stdout


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed (apt-get install chromium)")
def test_report_renders_in_a_browser(out: Path, tmp_path: Path) -> None:
    """Headless Chromium opens a document's page from the file system: the screenshot is not
    blank and the DOM holds the pages, their pictures, the overlays and the tables."""
    from PIL import Image

    docs = documents(out)
    doc_id = docs.loc[docs["file_name"] == "plan_scan.pdf", "doc_id"].item()
    url = (out / "report" / "docs" / f"{doc_id}.html").as_uri()
    flags = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "shot.png"
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1200,900", url],
                   capture_output=True, timeout=120, check=True)
    with Image.open(shot) as image:
        grey = image.convert("L")
        dark = sum(grey.histogram()[:200])
    assert dark > 0.02 * grey.width * grey.height, "the screenshot is (nearly) blank"
    dom = subprocess.run([*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True).stdout
    page = Parsed(dom)
    assert len(page.find("section", cls="page")) == 2
    assert len(page.find("img")) == 2
    assert page.find("div", cls="cell") and page.find("div", cls="date") and page.find("table", cls="cells")


@pytest.mark.prefect
@pytest.mark.usefixtures("prefect_server")
def test_flow_publishes_a_link_to_the_report(fixture_pdf: Path, tmp_path: Path) -> None:
    from test_flow import api_post

    from flows.ingest import ingest_folder

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(fixture_pdf / "stop47_list.pdf", inbox / "stop47_list.pdf")
    state = ingest_folder(inbox=str(inbox), out=str(tmp_path / "out"), return_state=True)
    index = tmp_path / "out" / "report" / "index.html"
    assert index.is_file()
    run = str(state.state_details.flow_run_id)
    [link] = api_post("/artifacts/filter", {"artifacts": {"key": {"any_": ["lvingest-report"]},
                                                          "flow_run_id": {"any_": [run]}}})
    assert index.resolve().as_uri() in link["data"]


def test_cell_boxes_are_the_boxes_of_their_words(out: Path) -> None:
    """The tables stage stores each cell's box (schema 1.3): the box around exactly the words
    the cell was read from, and the report draws that box."""
    docs = documents(out)
    cells = pd.read_parquet(out / "table_cells").merge(docs[["doc_id", "file_name"]])
    words = pd.read_parquet(out / "words").merge(docs[["doc_id", "file_name"]])
    kpi = cells[cells["file_name"] == "kpi_multipage.pdf"]
    boxed = kpi.dropna(subset=["x0"])
    assert len(boxed) >= 0.8 * (kpi["text"] != "").sum() and sorted(boxed["page_no"].unique()) == [1, 2, 3]
    assert kpi.loc[kpi["text"] == "", "x0"].isna().all()
    for c in boxed.itertuples():
        page = words[(words["file_name"] == c.file_name) & (words["page_no"] == c.page_no)]
        cx, cy = (page["x0"] + page["x1"]) / 2, (page["top"] + page["bottom"]) / 2
        inside = page[(cx > c.x0) & (cx < c.x1) & (cy > c.top) & (cy < c.bottom)]
        assert _union(inside) == pytest.approx((c.x0, c.top, c.x1, c.bottom), abs=0.01), c.text
        assert " ".join(inside["text"]).split()[0][:3].lower() in c.text.lower(), c.text
    _, page = doc_page(out, "kpi_multipage.pdf")
    drawn = {b for _, b in _boxes(page, "cell")}
    assert drawn == {tuple(round(v, 1) for v in (c.x0, c.top, c.x1, c.bottom)) for c in boxed.itertuples()}


def test_the_table_finder_layer_shows_rulings_gaps_and_tables(out: Path, fixture_pdf: Path) -> None:
    """Pages with tables or candidate column gaps carry the finder's layer (off until ticked):
    the rulings of the source page, the gaps of its aligned runs, its tables; other pages none."""
    from pipeline.source import Limits, open_pdf, read_page

    text, page = doc_page(out, "plan_text.pdf")
    assert '<input type="checkbox" id="L-dbg">' in text  # hidden until ticked
    [first, second] = page.find("svg", cls="dbg")
    assert (first.attrs["data-tables"], second.attrs["data-tables"]) == ("1", "1")
    assert int(second.attrs["data-gaps"]) >= 2  # the unruled KPI table's column gaps
    with open_pdf(fixture_pdf / "plan_text.pdf", Limits()) as pdf:
        rulings = read_page(pdf, 0, Limits(), fixture_pdf / "plan_text.pdf").page.rulings
    assert int(first.attrs["data-rulings"]) == len(rulings) > 0
    rules = [(float(el.attrs["x"]), float(el.attrs["y"])) for el in page.find("rect", cls="rule")]
    assert (round(rulings[0].x0, 1), round(rulings[0].top, 1)) in rules
    assert page.find("rect", cls="found") and page.find("rect", cls="gap")
    _, page = doc_page(out, "notice_ocr_eng.pdf")  # prose only: nothing for the finder to show
    assert not page.find("svg", cls="dbg")


def test_watch_writes_the_report_after_each_batch(fixture_pdf: Path, tmp_path: Path) -> None:
    inbox, target = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(fixture_pdf / "stop47_list.pdf", inbox / "a.pdf")
    watch = ["watch", str(inbox), "--out", str(target), "--once", "--settle", "0.1", "--interval", "0.1"]
    assert main([*watch, "--no-report"]) == 0
    assert not (target / "report").exists()
    (inbox / "b.pdf").write_bytes((fixture_pdf / "stop47_list.pdf").read_bytes() + b"\n% other bytes\n")
    assert main(watch) == 0
    index = Parsed((target / "report" / "index.html").read_text(encoding="utf-8"))
    assert len([r for r in index.find("tr") if "id" in r.attrs]) == 2


def _cropped_page(path: Path, rotate: int) -> None:
    """A page cropped inside its MediaBox, turned by /Rotate, its text upright as shown."""
    import pikepdf
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setCropBox((100, 150, 500, 700))
    if rotate == 90:  # shown turned clockwise: drawn turned counter-clockwise
        c.translate(A4[0], 0)
        c.rotate(90)
    c.setFont("DejaVu", 14)
    for k in range(4):
        c.drawString(130, 400 - 20 * k, f"Sadarbība starp Kuldīgas novadu un Tukuma novadu, posms {k + 1}")
    c.save()
    if rotate:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            pdf.pages[0].Rotate = rotate
            pdf.save(path)


def test_overlays_on_cropped_and_turned_pages_stand_on_ink(tmp_path: Path) -> None:
    """The picture shows the CropBox turned by /Rotate; the words are placed in the MediaBox:
    the overlays are shifted by the CropBox's corner, so each place name's box covers ink."""
    from PIL import Image

    inbox, target = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for rotate in (0, 90):
        _cropped_page(inbox / f"crop-r{rotate}.pdf", rotate)
    assert main(["ingest", str(inbox), "--out", str(target), "--no-progress"]) == 0
    for name, size in (("crop-r0.pdf", (400, 550)), ("crop-r90.pdf", (550, 400))):
        _, page = doc_page(target, name)
        [img] = page.find("img")
        with Image.open(target / "report" / "docs" / img.attrs["src"]) as picture:
            grey = picture.convert("L")
        assert grey.width / grey.height == pytest.approx(size[0] / size[1], rel=0.01)
        towns = page.find("div", cls="municipality")
        assert len(towns) == 8
        for el in towns:
            style = {k: float(v.rstrip("%")) / 100 for k, v in (p.split(":") for p in el.attrs["style"].split(";"))}
            x0, top = style["left"] * grey.width, style["top"] * grey.height
            inked = grey.crop((int(x0), int(top), int(x0 + style["width"] * grey.width),
                               int(top + style["height"] * grey.height)))
            dark = sum(inked.histogram()[:160]) / (inked.width * inked.height)
            assert dark > 0.1, (name, el.attrs["title"])
