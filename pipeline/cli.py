"""The ``lvingest`` command line.

Exit codes (see ``pipeline.errors.ExitCode``): 0 all inputs ingested; 2 bad arguments;
3 a required program or model is missing; 4 the run finished but some input was quarantined or
only partly read; 5 no input found; 6 the output cannot be written; 130 interrupted; 15 a bug.

The pipeline (spaCy, pandas, pyarrow, Prefect: seconds of imports) is imported inside the
commands, so ``--help`` answers at once and Ctrl-C during start-up is an ordinary interruption.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import os
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from . import __version__, options
from .errors import ExitCode, LvIngestError, MissingDependencyError, NoInputError, OutputError

if TYPE_CHECKING:
    from .ingest import Outcome

EPILOG = """exit codes: 0 ok, 2 bad arguments, 3 missing dependency (tesseract, Latvian model,
hunspell-lv), 4 some input quarantined or partial, 5 no input found, 6 output not writable,
130 interrupted, 15 internal error"""


_positive = options.positive_int  # dpi, jobs, workers, OCR limit
_seconds = options.seconds


def _year(text: str) -> int:
    """argparse type: a four-digit year."""
    if not text.isdigit() or not 1000 <= int(text) <= 9999:
        raise argparse.ArgumentTypeError(f"not a four-digit year: {text!r}")
    return int(text)


def _read_stdin() -> str:
    """stdin as text: UTF-8, or else Windows-1257, the code page of Latvian text files from older
    Windows (said on stderr), so ``ū`` and ``ā`` arrive as letters rather than as U+FFFD."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # already text (stdin replaced by a caller)
        return sys.stdin.read()
    data = buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"lvingest: stdin is not UTF-8 (byte {exc.start}); read as Windows-1257", file=sys.stderr)
        return data.decode("cp1257", errors="replace")


def _add_ingest_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
    options.add_arguments(parser, {"jobs": (os.cpu_count() or 1, "CPU count")})
    parser.add_argument("--retry-failed", action="store_true",
                        help="read again the files an earlier run quarantined or read only in part "
                             "(otherwise their stored outcome is reported)")
    parser.add_argument("--doc-timeout", type=_seconds, default=None, metavar="SECONDS",
                        help="quarantine a document still in work after this long (reason "
                             "timeout; default: no limit)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lvingest",
        description="Ingest Latvian public-sector PDFs into Parquet datasets.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"lvingest {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = sub.add_parser("ingest", help="ingest PDF files and folders", epilog=EPILOG)
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="PDF files or folders")
    _add_ingest_options(ingest)
    ingest.add_argument("--force", action="store_true", help="re-process files already ingested by this version")
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")
    ingest.add_argument("--no-report", action="store_true", help="do not write the HTML report OUT/report/")
    _add_runner_options(ingest, ("local", "thread", "dask"),
                        "local: this process, no Prefect (default); thread or dask: run the "
                        "Prefect flow ingest_folder with that task runner")
    ingest.set_defaults(func=cmd_ingest)

    rep = sub.add_parser(
        "repair", help="repair Latvian text: stdin to stdout, line structure kept", epilog=EPILOG
    )
    rep.add_argument("--changes", action="store_true", help="also print each change to stderr as JSON")
    rep.set_defaults(func=cmd_repair)

    ext = sub.add_parser(
        "extract",
        help="dates, targets and municipalities from text on stdin, as JSON Lines",
        epilog=EPILOG,
    )
    ext.add_argument("--year", type=_year, default=None, help="year for dates written without one")
    ext.add_argument("--no-repair", action="store_true", help="do not repair the text first")
    ext.set_defaults(func=cmd_extract)

    watch = sub.add_parser(
        "watch", help="ingest PDFs dropped into a folder, once each has finished copying", epilog=EPILOG
    )
    watch.add_argument("folder", type=Path, metavar="FOLDER", help="the inbox folder to watch")
    _add_ingest_options(watch)
    watch.add_argument("--interval", type=float, default=2.0, help="seconds between looks (default: 2)")
    watch.add_argument("--settle", type=float, default=5.0,
                       help="seconds a file must stay unchanged before it is read (default: 5)")
    watch.add_argument("--grace", type=float, default=120.0,
                       help="seconds to wait for a file without the %%%%EOF end marker to finish "
                            "copying before it is read as it is (and quarantined if cut short; "
                            "default: 120); the wait is announced")
    watch.add_argument("--once", action="store_true",
                       help="process what is in the folder now, then exit")
    watch.add_argument("--no-report", action="store_true",
                       help="do not write the HTML report OUT/report/ after each batch")
    watch.set_defaults(func=cmd_watch)

    report = sub.add_parser(
        "report", help="write the HTML review report of an output folder to OUT/report/", epilog=EPILOG
    )
    report.add_argument("out", type=Path, metavar="OUT", help="an output folder of lvingest ingest")
    report.add_argument("--dpi", type=_positive, default=96, help="resolution of the page pictures (default: 96)")
    report.add_argument("--force", action="store_true",
                        help="remake every document's page, not only those whose data changed")
    report.set_defaults(func=cmd_report)

    serve = sub.add_parser(
        "serve", help="serve the Prefect deployment that ingests an inbox on a schedule", epilog=EPILOG
    )
    serve.add_argument("--inbox", type=Path, default=Path("inbox"), help="folder to ingest (default: inbox)")
    serve.add_argument("--out", type=Path, default=Path("outputs"), help="output folder (default: outputs)")
    when = serve.add_mutually_exclusive_group()
    when.add_argument("--cron", default=None, help='schedule (default: "*/15 * * * *")')
    when.add_argument("--interval", type=_seconds, default=None, metavar="SECONDS",
                      help="schedule: a run every SECONDS instead of --cron")
    serve.add_argument("--name", default="lvingest-inbox", help="deployment name (default: lvingest-inbox)")
    serve.add_argument("--port", type=_positive, default=4200,
                       help="port of the Prefect server started on 127.0.0.1 when PREFECT_API_URL "
                            "is not set (default: 4200)")
    serve.add_argument("--fail-on-quarantine", action="store_true",
                       help="a run in which a document was quarantined or partial ends Failed "
                            "(default: Completed, with a message saying how many)")
    _add_runner_options(serve, ("thread", "dask"),
                        "task runner of each scheduled run: thread (default: threads of the run's "
                        "process) or dask")
    serve.set_defaults(func=cmd_serve)
    return parser


def _shown(name: str) -> str:
    """A file name for one cell of the summary: control characters (a newline) escaped."""
    return name if name.isprintable() else repr(name)[1:-1]


def _print_summary(outcomes: list[Outcome], out: Path, missing: int = 0) -> None:
    from .records import DATASETS

    header = ["file", "status", "pages", "ocr", "tables", "dates", "targets", "munic.", "repairs"]
    rows: list[list[Any]] = [
        [_shown(o.path.name), o.status, o.counts.get("pages", 0), o.n_ocr_pages, o.counts.get("tables", 0),
         o.counts.get("dates", 0), o.counts.get("targets", 0), o.counts.get("municipalities", 0),
         o.counts.get("repairs", 0)]
        for o in outcomes
    ]
    # a file given twice (the same bytes under two names) is one document: count it once
    first = {o.doc_id: k for k, o in reversed(list(enumerate(outcomes)))}
    unique = [rows[k] for k in sorted(first.values())]
    totals: list[Any] = [f"{len(unique)} documents", f"{sum(r[1] == 'failed' for r in unique)} quarantined"
              + (f", {missing} missing" if missing else "")]
    totals += [sum(r[i] for r in unique) for i in range(2, len(header))]
    widths = [max(len(str(r[i])) for r in [header, *rows, totals]) for i in range(len(header))]

    def line(row: list) -> str:
        cells = zip(row, widths)
        return "  ".join(str(v).ljust(w) if i < 2 else str(v).rjust(w) for i, (v, w) in enumerate(cells))

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))
    print("  ".join("-" * w for w in widths))
    print(line(totals))
    for o in outcomes:
        if o.error:
            print(f"{o.path}: {o.error}", file=sys.stderr)
        for w in o.warnings:
            print(f"{o.path}: warning: {w}", file=sys.stderr)
    print(f"outputs in {out}/ (datasets: {', '.join(DATASETS)}; quarantine/)")


def _add_runner_options(parser: argparse.ArgumentParser, runners: tuple[str, ...], help: str) -> None:
    parser.add_argument("--runner", choices=runners, default=runners[0], help=help)
    parser.add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT",
                        help="with --runner dask: scheduler of a running Dask cluster "
                             "(default: a LocalCluster of --workers processes per run)")
    parser.add_argument("--workers", type=_positive, default=2,
                        help="documents at once with --runner thread|dask (default: 2)")
    parser.add_argument("--ocr-limit", type=_positive, default=None, metavar="N",
                        help="set the Prefect tag concurrency limit lvingest-ocr to N: at most N "
                             "documents in work at once across all workers of the server")


def _runner_misuse(args: argparse.Namespace) -> str | None:
    """Runner options that the chosen runner would silently ignore."""
    if args.ocr_limit is not None and args.runner == "local":
        return "--ocr-limit needs --runner thread or dask"
    if args.dask_address and args.runner != "dask":
        return "--dask-address needs --runner dask"
    return None


def _check_writable(out: Path) -> None:
    """Before any document: the output folder and the lexicon's cache folder can be written, so
    a read-only mount fails at once with exit 6 instead of quarantining every document."""
    from . import lexicon, store

    store.check_writable(out)
    try:
        cache = lexicon.cache_dir()
        (cache / f".probe.{os.getpid()}").touch()
        (cache / f".probe.{os.getpid()}").unlink()
    except OSError as exc:
        raise OutputError(f"the cache folder cannot be written ({exc}); set LVINGEST_CACHE to a "
                          "writable folder") from exc


def cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import find_inputs, ingest_file
    from .progress import PageProgress
    from .source import page_count

    inputs = find_inputs(args.paths, exclude=args.out)
    for path in inputs.missing:  # reported, and the others ingested all the same
        print(f"lvingest: {path}: no such file or folder", file=sys.stderr)
    if not inputs.files:
        raise NoInputError(f"no PDF files found in {', '.join(map(str, args.paths))}")
    _check_writable(args.out)
    config = options.from_args(args)
    if args.runner != "local":
        outcomes = _ingest_with_prefect(args, inputs.files, config)
    else:
        outcomes = []
        total = sum(map(page_count, inputs.files)) if not args.no_progress else 0
        with PageProgress(total, enabled=not args.no_progress) as progress:
            for path in inputs.files:
                progress.describe(path.name)
                outcomes.append(
                    ingest_file(path, args.out, config, force=args.force,
                                retry_failed=args.retry_failed, doc_timeout=args.doc_timeout,
                                on_page=progress.page_done)
                )
    _print_summary(outcomes, args.out, missing=len(inputs.missing))
    if not args.no_report and args.runner == "local":  # the flow writes its own
        _report_after_run(args.out)
    bad = any(o.bad for o in outcomes) or inputs.missing
    return ExitCode.input_failed if bad else ExitCode.ok


class Orchestrator(Protocol):
    """What the command line needs of the Prefect flows (``flows/orchestrator.py``)."""

    def run_flow(self, paths: list[Path], out: Path, runner: str, address: str | None = None,
                 workers: int = 2, ocr_limit: int | None = None, **params: Any) -> list[dict[str, Any]]: ...

    def serve(self, **kwargs: Any) -> None: ...


def _orchestrator() -> Orchestrator:
    """The Prefect side, found through the entry point group ``lvingest.orchestrator`` that the
    flows package registers: the library never imports its wrapper."""
    _quiet_prefect()
    found = entry_points(group="lvingest.orchestrator")
    if not found:
        raise MissingDependencyError("--runner thread|dask and serve need lvingest's Prefect flows "
                                     "(entry point lvingest.orchestrator); reinstall lvingest")
    return cast(Orchestrator, next(iter(found)).load())


def _ingest_with_prefect(args: argparse.Namespace, files: list[Path], config: options.Config) -> list[Outcome]:
    from .ingest import stored_outcome

    rows = _orchestrator().run_flow(files, args.out, args.runner, args.dask_address, args.workers, args.ocr_limit,
                    dpi=config.dpi, ocr_lang=config.ocr_lang, page_jobs=config.jobs, ocr_timeout=config.ocr_timeout,
                    force=args.force, force_ocr=config.force_ocr, retry_failed=args.retry_failed,
                    doc_timeout=args.doc_timeout, html_report=not args.no_report)
    outcomes = []
    for row in rows:
        outcome = stored_outcome(args.out, Path(row["path"]), row["doc_id"], row["status"])
        outcome.cached = row["cached"]
        outcomes.append(outcome)
    return outcomes


def _quiet_prefect() -> None:
    """Before Prefect is imported: no usage reports (a machine without network gets errors
    and, on a first run, a "database is locked" traceback from them), no Dask INFO lines."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")


def cmd_repair(args: argparse.Namespace) -> int:
    from .repair import repair_text

    text, changes = repair_text(_read_stdin())
    sys.stdout.write(text)
    if args.changes:
        for change in changes:
            print(json.dumps(dataclasses.asdict(change), ensure_ascii=False), file=sys.stderr)
    return ExitCode.ok


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


EXTRACT_CHUNK = 100_000  # characters per piece: spaCy refuses a text of over 1,000,000


def _pieces(text: str, size: int = EXTRACT_CHUNK) -> Iterator[tuple[int, str]]:
    """``(offset, piece)``: the text cut after a line end (or, in a line longer than ``size``,
    after a space) so that no piece is longer than ``size``."""
    start = 0
    while len(text) - start > size:
        cut = max(text.rfind("\n", start, start + size), text.rfind(" ", start, start + size))
        end = cut + 1 if cut > start else start + size
        yield start, text[start:end]
        start = end
    yield start, text[start:]


def cmd_extract(args: argparse.Namespace) -> int:
    from . import dates, repair
    from .extract import extract_text

    text = _read_stdin()
    if not args.no_repair:
        text = repair.repair_text(text)[0]
    year = args.year or dates.document_year(text)
    for offset, piece in _pieces(text):
        for kind, record in extract_text(piece, year=year, repair_first=False):
            row: dict[str, Any] = {"type": kind, **{k: _jsonable(v) for k, v in dataclasses.asdict(record).items()}}
            for key in ("char_start", "char_end"):  # offsets in the whole text, not the piece
                if key in row and row[key] >= 0:
                    row[key] += offset
            print(json.dumps(row, ensure_ascii=False))
    return ExitCode.ok


def cmd_watch(args: argparse.Namespace) -> int:
    from .watch import Watcher

    if not args.folder.is_dir():
        raise NoInputError(f"{args.folder}: no such folder")
    _check_writable(args.out)

    def waiting(path: Path) -> None:
        print(f"{path}: no %%EOF end marker yet (still copying?): waiting up to {args.grace:g} s "
              "(--grace) before reading it as it is", file=sys.stderr, flush=True)

    watcher = Watcher(args.folder, args.out, options.from_args(args), settle=args.settle, grace=args.grace,
                      retry_failed=args.retry_failed, doc_timeout=args.doc_timeout,
                      on_waiting=waiting)
    failed = False

    def report(outcome: Outcome) -> None:
        nonlocal failed
        failed |= outcome.bad
        print(f"{outcome.path}: {outcome.status}" + (f": {outcome.error}" if outcome.error else ""),
              flush=True)

    def batch(outcomes: list[Outcome]) -> None:  # the report after each batch ingested
        if outcomes and not args.no_report:
            _report_after_run(args.out)

    if args.once:
        while watcher.pending():
            outcomes = watcher.poll()
            for outcome in outcomes:
                report(outcome)
            batch(outcomes)
            time.sleep(args.interval)
    else:
        watcher.run(interval=args.interval, on_outcome=report, on_batch=batch)
    return ExitCode.input_failed if failed else ExitCode.ok


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    print(f"report: {write_report(args.out, dpi=args.dpi, force=args.force)}")
    return ExitCode.ok


def _report_after_run(out: Path) -> None:
    """The run's outputs are written: a report that fails says so but does not change the exit code."""
    from .report import write_report

    try:
        print(f"report: {write_report(out)}")
    except Exception as exc:
        print(f"lvingest: warning: report not written ({exc}); `lvingest report {out}` says more",
              file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> int:
    import signal

    # stopped by a service manager (SIGTERM) while starting: the Prefect server it started
    # still stops with it (once serving, Prefect's runner handles SIGTERM the same way)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    orchestrator = _orchestrator()
    _check_writable(args.out)
    cron = args.cron or (None if args.interval else "*/15 * * * *")
    orchestrator.serve(inbox=args.inbox, out=args.out, cron=cron, interval=args.interval, name=args.name,
          ocr_limit=args.ocr_limit, fail_on_quarantine=args.fail_on_quarantine, port=args.port,
          runner=args.runner, dask_address=args.dask_address, workers=args.workers)
    return ExitCode.ok


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 prints as \udcxx
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if hasattr(args, "runner") and (problem := _runner_misuse(args)):
        print(f"lvingest {args.command}: {problem}", file=sys.stderr)
        return int(ExitCode.usage)
    try:
        return int(args.func(args))
    except LvIngestError as exc:
        print(f"lvingest: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("lvingest: interrupted", file=sys.stderr)
        return int(ExitCode.interrupted)
    except BrokenPipeError:
        return int(ExitCode.ok)
    except Exception:  # a bug: say so with the traceback, and exit with its own code
        traceback.print_exc()
        print(f"lvingest: internal error (exit {int(ExitCode.internal)}); please report it with the "
              "traceback above", file=sys.stderr)
        return int(ExitCode.internal)


if __name__ == "__main__":
    sys.exit(main())
