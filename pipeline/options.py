"""The one options model: what a run may be told, checked once when it is made.

Like OCRmyPDF's ``OcrOptions`` and its ``_validation``: ``Config`` is what the library takes
(``ingest_file``, the watcher, the flow's tasks), with the triage, input-limit, layout and table
settings as nested dataclasses; ``Config(...)`` refuses a bad value with an ``OptionError`` naming it, so
no stage checks its options again. ``OPTIONS`` lists the ones a user sets: the command line's
flags are made from it (``add_arguments``) and the flow's parameters are checked against it.
"""
from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from .errors import ExitCode, LvIngestError

if TYPE_CHECKING:  # loaded when a Config is made: the command line's --help imports no pdfplumber
    from .source import Limits
    from .tables.settings import TableSettings
    from .triage import TriageRules

_LANGS = re.compile(r"[A-Za-z_]+(?:\+[A-Za-z_]+)*")  # tesseract's lav, lav+eng, script/Latin is not needed here


class OptionError(LvIngestError):
    """An option out of range; exit 2 like argparse's own errors."""

    exit_code = ExitCode.usage


def _limits() -> Limits:
    from .source import Limits

    return Limits()


def _triage() -> TriageRules:
    from .triage import TriageRules

    return TriageRules()


def _tables() -> TableSettings:
    from .tables.settings import TableSettings

    return TableSettings()


@dataclass(frozen=True, slots=True)
class LayoutSettings:
    """Every threshold of page layout (``pipeline.layout``): lines, columns, blocks, running lines.

    Lengths are in median word heights of the page, so one setting works for any font size and
    for OCR boxes. Checked when made, like ``Config``."""

    line_tolerance: float = 0.5  # vertical distance of word centres on one line
    speck: float = 0.4  # words lower than this share of the median height: punctuation, OCR specks
    gutter_width: float = 0.9  # narrowest gutter between columns (LaTeX sets 1 em; a space is ~0.3)
    min_column_rows: int = 3  # rows a gutter needs on each side before it splits the page into columns
    max_columns: int = 3  # more side-by-side stacks than this are a table, not text columns
    prose_lettered: float = 0.7  # share of a column's lines with letters (fewer: a table's numbers)
    paragraph_pitch: float = 1.45  # baseline step, in typical line pitches, that starts a new block
    size_change: float = 1.3  # word-height ratio between adjacent lines that starts a new block
    band: float = 0.12  # share of the page height at the top and bottom where running lines live
    header_gap: float = 1.5  # gap that sets a header/footer off the body
    cell_gap: float = 1.5  # gap between table cells on one line (two such gaps: a table row, never running)
    running_share: float = 0.5  # share of pages (and at least two) a running header/footer recurs on

    def __post_init__(self) -> None:
        for f in fields(self):
            if not getattr(self, f.name) > 0:
                raise OptionError(f"layout.{f.name} must be more than 0, not {getattr(self, f.name)}")
        for name, ok, bound in (("band", self.band < 0.5, "below 0.5"),
                                ("running_share", self.running_share <= 1, "at most 1"),
                                ("prose_lettered", self.prose_lettered <= 1, "at most 1"),
                                ("max_columns", self.max_columns >= 2, "at least 2"),
                                ("size_change", self.size_change >= 1, "at least 1")):
            if not ok:
                raise OptionError(f"layout.{name} must be {bound}, not {getattr(self, name)}")


@dataclass(frozen=True)
class Config:
    dpi: int = 300  # render resolution for OCR
    ocr_lang: str = "lav"  # tesseract languages
    ocr_timeout: float = 300.0  # seconds tesseract may spend on one page
    jobs: int = 2  # pages OCR'd at once
    force_ocr: bool = False
    limits: Limits = field(default_factory=_limits)
    triage: TriageRules = field(default_factory=_triage)
    tables: TableSettings = field(default_factory=_tables)
    layout: LayoutSettings = field(default_factory=LayoutSettings)

    def __post_init__(self) -> None:
        _validate(self)


def _validate(c: Config) -> None:
    if not 50 <= c.dpi <= 1200:
        raise OptionError(f"dpi must be between 50 and 1200, not {c.dpi}")
    if c.jobs < 1:
        raise OptionError(f"jobs must be at least 1, not {c.jobs}")
    if not c.ocr_timeout > 0:
        raise OptionError(f"ocr_timeout must be a positive number of seconds, not {c.ocr_timeout}")
    if not _LANGS.fullmatch(c.ocr_lang):
        raise OptionError(f"ocr_lang must be tesseract languages joined by +, e.g. lav+eng, not {c.ocr_lang!r}")


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def seconds(text: str) -> float:
    """argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


@dataclass(frozen=True)
class Option:
    """A ``Config`` field a user sets; ``parse`` None is an on/off flag."""

    name: str
    help: str
    parse: Callable[[str], Any] | None = None
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


OPTIONS = (
    Option("dpi", "render resolution for OCR", positive_int),
    Option("ocr_lang", "tesseract languages, e.g. lav or lav+eng", str),
    Option("ocr_timeout", "seconds tesseract may spend on one page before it fails", seconds, "SECONDS"),
    Option("jobs", "pages OCR'd at once", positive_int),
    Option("force_ocr", "OCR every page, even with a good text layer"),
)


def default(name: str) -> Any:
    """The default of a user's option (a plain value, so no nested settings are made)."""
    f = next(f for f in fields(Config) if f.name == name)
    return f.default


def add_arguments(parser: argparse.ArgumentParser, overrides: dict[str, tuple[Any, str]] | None = None) -> None:
    """One flag per ``OPTIONS`` entry; ``overrides`` maps a name to this command's own default
    and how its help shows it (the command line OCRs with every CPU: ``(8, "CPU count")``)."""
    for o in OPTIONS:
        value, shown = (overrides or {}).get(o.name, (default(o.name), None))
        if o.parse is None:
            parser.add_argument(o.flag, action="store_true", help=o.help)
        else:
            parser.add_argument(o.flag, type=o.parse, default=value, metavar=o.metavar,
                                help=f"{o.help} (default: {shown or value})")


def options_dict(config: Config) -> dict[str, Any]:
    """The user's options of ``config`` as plain values (what a flow hands its tasks)."""
    return {o.name: getattr(config, o.name) for o in OPTIONS}


def from_args(args: argparse.Namespace | dict[str, Any]) -> Config:
    """The ``Config`` of parsed flags (or of a flow's parameters), validated."""
    given = vars(args) if isinstance(args, argparse.Namespace) else args
    return Config(**{o.name: given[o.name] for o in OPTIONS if o.name in given})
