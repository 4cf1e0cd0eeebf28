"""CSV and JSON for scripts and spreadsheets. The one place that decides
quoting, formula neutralising, JSON types and how files are written."""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import stat
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from .. import schema
from ..reports.model import Report
from ..reports.table import HOUR, INSTANT, MINUTE, TIMES, Table, is_missing
from ..words import neutralise, visible

def csv_cell(value: object, raw: bool = False) -> object:
    """A value as written to CSV: numbers as numbers, booleans as true/false,
    missing as empty, text neutralised unless `raw`."""
    kind = type(value)
    if kind is str:  # the common cases first: this runs for every cell
        return value if raw else neutralise(value)
    if kind is int:
        return value
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value if raw else neutralise(value)
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    return str(value) if raw else neutralise(str(value))


def csv_line(values) -> str:
    """One CSV record. Quotes any field holding a comma, quote, CR or LF: the
    csv module leaves a bare CR unquoted when lines end in LF, which splits
    the record for most readers."""
    return ",".join(_csv_field(v) for v in values) + "\n"


_NEEDS_QUOTES = re.compile('[,"\r\n]')


def _csv_field(value: object) -> str:
    text = str(value)
    # One regex search: a generator of four `in` tests was a third of the
    # time `activity --csv` took to write a 56k-call hour.
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


CSV, JSON, NL = "csv", "json", "nl"
# What a file name says its format is (after any .gz): names with none of
# these suffixes say nothing, and the flag (or CSV) decides.
SUFFIX_FORMATS = {".csv": CSV, ".json": JSON, ".jsonl": NL, ".ndjson": NL}
# Excel on Windows takes a file without a BOM for its ANSI code page, and
# reads no UTC offset: a time column gets its local wall time beside it.
BOM = "\ufeff"


def write_csv(table: Table, stream: TextIO, raw: bool = False, terminal: bool = False) -> None:
    stream.writelines(csv_pieces(table, raw, terminal))


def csv_pieces(table: Table, raw: bool = False, terminal: bool = False, excel: bool = False) -> Iterator[str]:
    """The table as CSV text, the header and then a piece per slice of rows:
    a million-call hour is never held as one string or as Python rows. For a
    terminal, text cells have their control characters shown as escapes: an
    ESC or OSC 52 sequence from a log would otherwise act on the terminal
    (CSV to a file or a pipe stays exact). For Excel (`excel`): a BOM first,
    and beside each column of times its local wall time ('Hour (local)')."""
    local = [spec.kind in LOCAL_CUTS for spec in table.columns] if excel else [False] * len(table.columns)
    header = _with_local(table.names, [spec.name + schema.LOCAL_SUFFIX for spec in table.columns], local)
    yield (BOM if excel else "") + csv_line(_shown(csv_cell(name, raw), terminal) for name in header)
    for part in table.chunks():
        # Converted a column at a time: a column of plain ints or strings (nearly
        # all of them) needs no per-cell call, which dominated writing 50k rows.
        columns = [_csv_column(values, raw, terminal) for values in part.data]
        if excel:
            columns = _with_local(columns, [_local_times(values, spec.kind) if wanted else None
                                            for values, spec, wanted in zip(part.data, part.columns, local)], local)
        yield "".join(csv_line(row) for row in zip(*columns))


# Characters of an ISO local time kept for its wall time: '2026-11-16T15:00'
# of an hour or minute start, with the milliseconds of an instant.
LOCAL_CUTS = {HOUR: 16, MINUTE: 16, INSTANT: 23}


def _local_times(values: list, kind: str) -> list[str]:
    """ISO local times ('2026-11-16T15:00:00+00:00') as wall times Excel
    reads as dates ('2026-11-16 15:00'); none stays empty."""
    cut = LOCAL_CUTS[kind]
    return [v[:cut].replace("T", " ") if isinstance(v, str) else "" for v in values]


def _with_local(items: list, locals_: list, wanted: list[bool]) -> list:
    """`items` with each wanted one followed by its local companion."""
    out = []
    for item, local, want in zip(items, locals_, wanted):
        out += [item, local] if want else [item]
    return out


def _shown(cell: object, terminal: bool) -> object:
    return visible(cell) if terminal and isinstance(cell, str) else cell


def _csv_column(values: list, raw: bool, terminal: bool = False) -> list:
    kinds = set(map(type, values))
    if kinds <= {int}:
        return values
    if kinds <= {str}:
        values = values if raw else [neutralise(v) for v in values]
        return [visible(v) for v in values] if terminal else values
    return [_shown(csv_cell(v, raw), terminal) for v in values]


def json_value(value: object) -> object:
    """json.dumps' default= hook: numpy scalars, times, pandas NA."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if is_missing(value):
        return None
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(report: Report, stream: TextIO, part: str | None = None) -> None:
    stream.writelines(json_pieces(report, part))


def json_meta(report: Report, part: str | None = None) -> dict:
    """What a JSON document covers and how it was counted: the report, its
    date (or dates, hour, integration), zone, threshold, what was read, and
    the report's own headline figures."""
    stats = report.stats
    meta = {"report": report.kind, **report.covers, "tz": report.tz.key, "threshold": report.threshold,
            "files": stats.files, "calls_read": stats.rows, "rows_skipped": stats.skipped_rows,
            **({"tenant": stats.tenant} if stats.tenant else {}), **report.meta}
    if stats.given:
        meta["calls_from_counts"] = stats.given
    if report.parts:
        meta["part"] = part or next(iter(report.parts))
    return meta


def json_table(report: Report, part: str | None = None) -> Table:
    """The rows JSON writes: a wide report's long form, never footer rows
    (their figures are the report's `totals`)."""
    table = report.long if report.long is not None and part is None else report.part(part)
    return table.slice(0, len(table) - table.footer) if table.footer else table


def json_pieces(report: Report, part: str | None = None) -> Iterator[str]:
    """The report as one JSON object, written a piece at a time: `meta`
    (what it covers), its `rows` (`part`'s rows for a report of several
    tables), the `totals` of a report with a sum row, every table by name
    for a report of several, and the limits exceeded (`breaches`: null when
    not checked). Each row is one line, so the rows stream as they are made."""
    yield '{\n "meta": ' + _dumps(json_meta(report, part)) + ',\n "rows": '
    yield from _json_array(json_table(report, part), "  ")
    if report.totals is not None:
        yield ',\n "totals": ' + _dumps(report.totals)
    if report.parts:
        yield ',\n "tables": {'
        for i, (name, table) in enumerate(report.parts.items()):
            yield ("," if i else "") + f"\n  {_dumps(name)}: "
            yield from _json_array(table, "   ")
        yield "\n }"
    yield ',\n "breaches": ' + _dumps(report.breaches) + "\n}\n"


def nl_pieces(report: Report, part: str | None = None) -> Iterator[str]:
    """Newline-delimited JSON: the rows JSON writes, one object per line,
    nothing else (meta, totals and breaches are in the --json document)."""
    for lines in json_rows(json_table(report, part)):
        if lines:
            yield "\n".join(lines) + "\n"


def _json_array(table: Table, indent: str) -> Iterator[str]:
    """A table's rows as a JSON array of objects, a slice at a time."""
    first = True
    yield "["
    for lines in json_rows(table):
        if lines:
            yield ("\n" if first else ",\n") + indent + f",\n{indent}".join(lines)
            first = False
    yield "]" if first else "\n" + indent[:-1] + "]"


def json_rows(table: Table) -> Iterator[list[str]]:
    """Each slice of the table as JSON objects, one string a row, keyed by
    the columns' snake_case keys; missing values (and times that are not
    there, '') are null."""
    keys = [spec.json_key for spec in table.columns]
    for part in table.chunks():
        columns = [_json_column(values, spec.kind) for values, spec in zip(part.data, part.columns)]
        yield [_dumps(dict(zip(keys, row))) for row in zip(*columns)]


def _json_column(values: list, kind: str) -> list:
    if kind in TIMES:
        return [(v or None) if isinstance(v, str) else (None if is_missing(v) else v) for v in values]
    if set(map(type, values)) <= {int, str, bool}:  # nearly every column: nothing can be missing
        return values
    return [None if is_missing(v) else v for v in values]


def _dumps(value: object) -> str:
    # Without indent json uses its C encoder: a row is one line, fast.
    return json.dumps(value, default=json_value, ensure_ascii=True)


def pieces(report: Report, fmt: str, raw: bool = False, part: str | None = None, terminal: bool = False,
           excel: bool = False) -> Iterator[str]:
    """The report as text in `fmt`: CSV (one table: `part`, or the report's
    own), a JSON document, or newline-delimited JSON rows."""
    if fmt == JSON:
        return json_pieces(report, part)
    if fmt == NL:
        return nl_pieces(report, part)
    return csv_pieces(report.part(part), raw, terminal, excel)


def write(report: Report, fmt: str, stream: TextIO, raw: bool = False, part: str | None = None,
          excel: bool = False) -> None:
    """The report on a stream (see pieces). JSON is ASCII with escapes
    already; CSV to a terminal shows its control characters as escapes
    (see csv_pieces). Excel's CSV is UTF-8 bytes whatever the stream's
    encoding: on Windows a redirected stdout is in the ANSI code page, which
    has no BOM and would undo what --excel is for."""
    texts = pieces(report, fmt, raw, part, _is_terminal(stream), excel)
    binary = getattr(stream, "buffer", None) if excel else None
    if binary is None:
        stream.writelines(texts)
        return
    stream.flush()
    binary.writelines(text.encode("utf-8") for text in texts)
    binary.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed or not a real file
        return False


def named_format(path: Path) -> str | None:
    """The format a file name asks for (.csv, .json, .jsonl or .ndjson,
    gzipped or not), or None for a name that says none."""
    name = _plain_name(path)
    return next((fmt for suffix, fmt in SUFFIX_FORMATS.items() if name.endswith(suffix)), None)


def format_for(path: Path) -> str:
    """The format a file of this name gets when no flag says: as its name
    says (named_format), else CSV."""
    return named_format(path) or CSV


def _plain_name(path: Path) -> str:
    return path.name.lower().removesuffix(".gz")


def encoded(report: Report, path: Path, raw: bool = False, part: str | None = None, fmt: str | None = None,
            excel: bool = False) -> Iterator[bytes]:
    """The bytes a file of this name gets, a piece at a time: `fmt` (by
    default as format_for says), gzipped for a .gz name. A .gz name never
    holds plain text: `gzip -d` and every reader that trusts the name would
    fail on it."""
    texts = pieces(report, fmt or format_for(path), raw, part, excel=excel)
    if not path.name.lower().endswith(".gz"):
        yield from (text.encode("utf-8") for text in texts)
        return
    # A gzip stream with no name and mtime 0: the same report gives the same bytes.
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for text in texts:
        yield packer.compress(text.encode("utf-8"))
    yield packer.flush()


class Refused(OSError):
    """A path -o will not write to, because writing would destroy something."""

    def __init__(self, path: Path, why: str):
        super().__init__(None, why, str(path))


# Why a file could not be written, worded for the `error: <path>: <why>` line.
REASONS = {
    errno.ENOENT: "its folder does not exist", errno.ENOTDIR: "part of its folder is a file, not a folder",
    errno.EISDIR: "is a folder", errno.EACCES: "permission denied", errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system", errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded", errno.EBADF: "not open for writing",
}


def reason(exc: OSError) -> str:
    """The short lower-case why of an error raised while writing a report."""
    if exc.errno in REASONS:
        return REASONS[exc.errno]
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def write_file(report: Report, path: Path, raw: bool = False, part: str | None = None,
               logs_read: Iterable[Path] = (), fmt: str | None = None, excel: bool = False) -> None:
    """Write the report to `path` (see `save`) in `fmt`, by default as the
    name says (format_for), gzipped for a .gz name."""
    save(path, encoded(report, path, raw, part, fmt, excel), logs_read)


def save(path: Path, data: Iterable[bytes], logs_read: Iterable[Path] = ()) -> None:
    """Write `data` to `path` without ever destroying what is there.

    A name for an open descriptor (/dev/stderr, /dev/fd/N) is written to
    that descriptor; a character device (/dev/null) or FIFO is opened and
    written directly: replacing either with a regular file would break the
    system or the reader. A regular file, or a new one, is written through a
    temporary file beside it (beside a symlink's target: the link stays)
    renamed into place, so an error or a signal never leaves half a report;
    it keeps the old file's mode, and a new file gets 0666 less the umask,
    as a shell's `>` gives. Refused: a folder, a block device or socket,
    and any log this command reads (same device and inode, so through
    symlinks and hard links too): that would lose the input for its report.
    """
    descriptor, existing = descriptor_of(path), _stat(path)
    if existing is not None:
        _refuse_logs_read(path, existing, logs_read)
    if descriptor is not None:
        _write_all(os.dup(descriptor), data)
    elif existing is None or stat.S_ISREG(existing.st_mode):
        _replace(Path(os.path.realpath(path)), data, existing)
    elif stat.S_ISCHR(existing.st_mode) or stat.S_ISFIFO(existing.st_mode):
        _write_all(os.open(path, os.O_WRONLY | os.O_CLOEXEC), data)
    elif stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(errno.EISDIR, REASONS[errno.EISDIR], str(path))
    else:
        raise Refused(path, "is not a file, character device or FIFO; -o writes only to those")


# /dev/stdout and its kin are links to descriptors the shell set up (a pipe,
# a file opened for appending): opened afresh or renamed over, they would
# truncate or replace what the shell meant.
_DESCRIPTOR = re.compile(r"/dev/fd/(\d+)|/proc/self/fd/(\d+)|/dev/(stdin|stdout|stderr)")
_STANDARD = {"stdin": 0, "stdout": 1, "stderr": 2}


def descriptor_of(path: Path) -> int | None:
    """The open descriptor a path names (/dev/stdout is 1), or None."""
    match = _DESCRIPTOR.fullmatch(os.path.normpath(os.path.abspath(path)))
    if not match:
        return None
    number, self_number, standard = match.groups()
    return _STANDARD[standard] if standard else int(number or self_number)


def _stat(path: Path | str) -> os.stat_result | None:
    try:
        return os.stat(path)  # through symlinks: what a write would reach
    except (FileNotFoundError, NotADirectoryError):
        return None


def _refuse_logs_read(path: Path, existing: os.stat_result, logs_read: Iterable[Path]) -> None:
    for log in logs_read:
        local = getattr(log, "local", log)  # a URL's log: the file of a file:// URL, else none here
        found = _stat(local) if local is not None else None
        if found is not None and os.path.samestat(existing, found):
            named = "" if str(log) == str(path) else f" ({log})"
            raise Refused(path, f"is a log this command reads{named}; -o never writes over its input")


def _write_all(fd: int, data: Iterable[bytes]) -> None:
    with open(fd, "wb", closefd=True) as handle:
        handle.writelines(data)


def _replace(target: Path, data: Iterable[bytes], existing: os.stat_result | None) -> None:
    """Write `data` to a temporary file beside `target` (the same file
    system, so the rename is atomic) and rename it over `target`. The file
    is synced first: a crash just after the rename must not leave an empty
    report where the old one was."""
    fd, tmp = _create_temp(target)
    try:
        with open(fd, "wb", closefd=True) as handle:
            if existing is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(existing.st_mode))
            handle.writelines(data)  # made as written: an error midway removes the temporary file
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:  # Ctrl-C and SIGTERM (made SystemExit by the CLI) too
        tmp.unlink(missing_ok=True)
        raise


def _create_temp(target: Path) -> tuple[int, Path]:
    """A new hidden file beside `target`. Created with mode 0666 so that the
    umask (or the folder's default ACL) applies as to any new file;
    tempfile.mkstemp's 0600 would stay on the report."""
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), tmp
        except FileExistsError:
            continue
