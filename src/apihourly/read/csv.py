"""CSV logs, plain or gzipped, read with pyarrow's streaming CSV reader.

Text is read as bytes and decoded later (see parse.decode_text), so one
Windows-1252 export cannot fail a whole report; category-like columns are
dictionary-encoded. One thread, so refused rows come with line numbers. CSV
has no statistics: the scan remembers what a full read found instead.

The dialect is read off the file's first lines: the delimiter from the
header (`,` `;` tab `|`: Excel in European locales saves with `;`), and a
first line that is not the header is skipped: Excel's `sep=;` and
PowerShell 5.1's `#TYPE System.Management.Automation.PSCustomObject`.

pyarrow reads a block at a time and refuses a record longer than a block
("straddling object"); such a file is read again with blocks four times as
big, up to MAX_BLOCK_BYTES, and what was already handed on is passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import schema
from ..errors import LogFormatError
from ..words import plural
from .remote import arrow_stream, gzipped, open_input

POSITION = "lines"
FIRST_RECORD = 2  # line 1 is the header
STATISTICS = False
BLOCK_BYTES = 1 << 22  # per read: big enough that per-block overhead is noise
HEADER_BLOCK_BYTES = 1 << 16  # the header needs only the first lines
MAX_BLOCK_BYTES = 1 << 28  # no call is this long: past it, an unclosed quote is the likely cause
_STRADDLING = "straddling object"  # pyarrow's words for a record longer than a block
DELIMITERS = (",", ";", "\t", "|")
_SEP_LINE = re.compile(rb'^(?:\xef\xbb\xbf)?"?sep=(.)"?\s*$', re.IGNORECASE)
_PREAMBLE = re.compile(rb"^(\xef\xbb\xbf)?#TYPE\b")


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    preamble: int = 0  # lines before the header


def sniff(head: bytes, tail: bytes) -> str | None:
    if b"\0" in head:
        return "binary data, not CSV text; check the file and its name"
    return None


def header(path) -> tuple[list[str], dict]:
    dialect = dialect_of(path)
    reader, _ = _opened(path, dialect, HEADER_BLOCK_BYTES, parse_options=_parse_options(dialect, lambda row: "skip"))
    return reader.schema.names, {}


def dialect_of(path) -> Dialect:
    """The delimiter and the lines before the header, from the first lines."""
    lines = _first_lines(path)
    preamble = 0
    delimiter = None
    if lines and (m := _SEP_LINE.match(lines[0])):
        preamble, delimiter = 1, m.group(1).decode("latin-1")
    elif lines and _PREAMBLE.match(lines[0]):
        preamble = 1
    head = lines[preamble] if len(lines) > preamble else b""
    if delimiter is None:
        counts = {d: head.count(d.encode()) for d in DELIMITERS}
        delimiter = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return Dialect(delimiter, preamble)


def _first_lines(path, size: int = 1 << 16) -> list[bytes]:
    """The first two lines (at most `size` bytes each). A damaged gzip file
    gives what could be read: the CSV reader then names the damage."""
    import gzip
    import zlib

    lines: list[bytes] = []
    try:
        with open_input(path) as raw, (gzip.GzipFile(fileobj=raw, mode="rb") if gzipped(path) else raw) as handle:
            while len(lines) < 2 and (line := handle.readline(size)):
                lines.append(line.rstrip(b"\r\n"))
    except (OSError, EOFError, zlib.error):
        pass
    return lines


def batches(log, columns: dict[str, str], window, cursor, stats, groups=None):
    """The file's records with the given columns; refused records (wrong
    number of fields) are counted in `stats` with their line numbers."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    refused: set[int] = set()  # a read again with bigger blocks meets these rows again

    def on_bad_row(row) -> str:
        if row.number is not None and row.number in refused:
            return "skip"
        refused.add(row.number)
        cursor.rejected.append(row.number)
        reason = f"with {plural(row.actual_columns, 'field')}, expected {row.expected_columns}"
        stats.skip(log.path, reason, [row.number] if row.number else [], 1)
        return "skip"

    names = list(dict.fromkeys(columns.values()))
    dictionary = {log.columns.get(f) for f in schema.DICTIONARY_FIELDS}
    types = {n: pa.dictionary(pa.int32(), pa.binary()) if n in dictionary else pa.binary() for n in names}
    dialect = dialect_of(log.path)
    cursor.first += dialect.preamble  # pyarrow numbers refused rows by the file's own lines
    options = {
        "parse_options": _parse_options(dialect, on_bad_row),
        # An empty field is a missing value (and lets counts be cast in one go);
        # no other text, such as 'NA' or 'null', is taken for one.
        "convert_options": pcsv.ConvertOptions(include_columns=names, column_types=types,
                                               strings_can_be_null=True, null_values=[""]),
    }
    return _records(log.path, dialect, options), columns


def read_all(path, names: list[str]):
    """The whole file, every column as bytes: for hourly counts files, which
    hold a row per hour. A row with the wrong number of fields is an error,
    for a count in the wrong column would be counted for another integration."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    dialect = dialect_of(path)
    options = {
        "parse_options": _parse_options(dialect, lambda row: "error"),
        "convert_options": pcsv.ConvertOptions(column_types={name: pa.binary() for name in names},
                                               strings_can_be_null=True, null_values=[""]),
    }
    reader, _ = _opened(path, dialect, BLOCK_BYTES, **options)
    return reader.read_all(), dialect


def _records(path, dialect: Dialect, options: dict):
    """The file's record batches. When pyarrow stops at a record longer than
    its block, the file is read again with bigger blocks and the records
    already handed on are passed over, so each counts once."""
    import pyarrow as pa

    block, handed = BLOCK_BYTES, 0
    while True:
        reader, block = _opened(path, dialect, block, **options)
        position = 0  # records of this read so far
        try:
            for batch in reader:
                start = max(0, handed - position)  # records an earlier read handed on
                position += batch.num_rows
                if start < batch.num_rows:
                    handed = position
                    yield batch.slice(start) if start else batch
            return
        except pa.ArrowInvalid as exc:
            if (block := _bigger(path, block, exc)) is None:
                raise


def _opened(path, dialect: Dialect, block: int, **options):
    """pyarrow's streaming reader, which reads the first block at once, and
    the block size that let it: bigger blocks while a record straddles them."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    while True:
        try:
            return pcsv.open_csv(arrow_stream(path), read_options=_read_options(dialect, block), **options), block
        except pa.ArrowInvalid as exc:
            if (block := _bigger(path, block, exc)) is None:
                raise


def _bigger(path, block: int, exc: BaseException) -> int | None:
    """The block size to try after `exc`: None when `exc` is not about a
    record longer than the block, an error naming the file past the bound."""
    if _STRADDLING not in str(exc):
        return None
    if block >= MAX_BLOCK_BYTES:
        raise LogFormatError(path, f"a record longer than {_size(MAX_BLOCK_BYTES)}, the most read in one piece; "
                                   'an unclosed quote (") makes the rest of a file one value') from None
    return min(block * 4, MAX_BLOCK_BYTES)


def _size(n: int) -> str:
    return f"{n >> 20:,} MB" if n >= 1 << 20 else f"{n >> 10:,} KB"


def latest_ns(log) -> int | None:
    return None  # no statistics: the scan reads the timestamps


def explain(error: str, refused: list[BaseException]) -> str | None:
    if any(isinstance(e, UnicodeDecodeError) for e in refused):
        # pyarrow decodes a malformed row as UTF-8 before our handler can skip
        # it; when that fails the row cannot be skipped, only named.
        return (f"a row with the wrong number of fields is not UTF-8 text ({error}); "
                "fix or remove that row, or save the file as UTF-8")
    return None


def _read_options(dialect: Dialect, block_size: int):
    import pyarrow.csv as pcsv

    return pcsv.ReadOptions(block_size=block_size, use_threads=False, skip_rows=dialect.preamble)


def _parse_options(dialect: Dialect, on_bad_row):
    import pyarrow.csv as pcsv

    # Quoted values may hold delimiters and line breaks.
    return pcsv.ParseOptions(delimiter=dialect.delimiter, newlines_in_values=True, invalid_row_handler=on_bad_row)
