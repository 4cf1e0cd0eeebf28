"""JSON Lines logs (.jsonl, .ndjson, plain or gzipped): one JSON object per
line, often nested, as middleware and proxies write them.

The file is cut into blocks of whole lines here, not by pyarrow's streaming
reader: that reader gives up for good at the first bad line and cannot say
which line it was. Each block is parsed by pyarrow's JSON reader with an
explicit schema of the wanted keys only, so other keys never cost a
conversion or make a block fail. Lines that cannot be objects (not
'{...}', such as a truncated last line) are found by their first and last
bytes, vectorised, and blanked before pyarrow sees them. Only a block
pyarrow still refuses (a broken object inside braces, or a wanted value of
two types in one block) is read line by line with Python's json. Every
line that is not an object is skipped and counted with its line number.

pyarrow infers types per block (a duration may be an integer in one block
and a string in the next), so every wanted value leaves here as bytes, text
fields dictionary-encoded: the same types in every batch, decoded and parsed
in canonical exactly as CSV text is.
"""

from __future__ import annotations

from .. import schema
from .remote import open_stream
from .stats import SHOWN_POSITIONS

POSITION = "lines"
FIRST_RECORD = 1  # no header line
STATISTICS = False
BLOCK_BYTES = 1 << 22  # per parse: big enough that per-block overhead is noise
HEADER_BYTES = 1 << 16  # the first block, where header() looks for keys
NOT_AN_OBJECT = "not a JSON object"

_OBJECT, _BLANK, _OTHER = 0, 1, 2
_SPACES = b" \t\r"  # JSON whitespace within a line
_BOM = b"\xef\xbb\xbf"


def sniff(head: bytes, tail: bytes) -> str | None:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16 text; save the file as UTF-8 JSON Lines"
    if b"\0" in head:
        return "binary data, not JSON Lines text; check the file and its name"
    lines = head.removeprefix(_BOM).lstrip().split(b"\n", 1)
    first = lines[0].strip()
    if not first:
        return None
    if first == b"{" and len(lines) > 1:
        return "pretty-printed JSON, not JSON Lines; write one object per line"
    if first.startswith(b"["):
        return "a JSON array, not JSON Lines; write one object per line"
    if not first.startswith(b"{"):
        return "not JSON Lines: the first line is not a JSON object; check the file and its name"
    return None


def header(path) -> tuple[list[str], dict]:
    """The dotted names of the keys in the file's first block. A key first
    seen later is not found: reading the whole file to name its columns
    would cost a second full read, and log writers emit the same keys on
    every line (a missing one is null)."""
    return list(_leaves(path)), {}


def batches(log, columns: dict[str, str], window, cursor, stats, groups=None):
    """One batch per block with the given (dotted) columns; lines that are
    not JSON objects are counted in `stats` with their line numbers."""
    return _read(log.path, columns, cursor, stats), columns


def latest_ns(log) -> int | None:
    return None  # no statistics: the scan reads the timestamps


def explain(error: str, refused: list[BaseException]) -> str | None:
    if "compressed" in error or "zlib" in error:
        return f"cannot be read: {error}; is it a complete gzip file of JSON Lines?"
    return None


def _read(path, columns: dict[str, str], cursor, stats):
    names = list(dict.fromkeys(columns.values()))
    leaves = _leaves(path)
    parser = _Parser({name: leaves[name] for name in names})
    text = {columns[f] for f in schema.DICTIONARY_FIELDS if f in columns}
    first_line = 1
    for data in _blocks(path, BLOCK_BYTES):
        rows, bad, blank, lines = _parsed_block(data, parser)
        numbers = (bad + first_line).tolist()
        # Blank lines are not records either: the cursor needs them to name
        # later rows by their true line, the report does not.
        cursor.rejected.extend(numbers + (blank + first_line).tolist())
        stats.skip(path, NOT_AN_OBJECT, numbers[:SHOWN_POSITIONS], len(numbers))
        first_line += lines
        if rows is not None and len(rows):
            yield _batch(rows, parser, names, text)


def _blocks(path, size: int):
    """Blocks of whole lines of about `size` bytes; the last may lack its
    line break. Memory holds one block."""
    carry, first = b"", True
    with open_stream(path) as stream:
        while True:
            chunk = stream.read(size)
            data = carry + chunk if carry else chunk
            if first and data.startswith(_BOM):
                data = b"   " + data[len(_BOM):]  # JSON whitespace: offsets and line numbers stay
            cut = data.rfind(b"\n") + 1 if chunk else len(data)
            block, carry = data[:cut], data[cut:]
            if block:
                first = False
                yield block
            if not chunk:
                return


def _leaves(path) -> dict[str, tuple[tuple[str, ...], object]]:
    """Dotted name -> (its keys, the Arrow type to parse it as) for every
    value in the file's first block, in order of first appearance."""
    blocks = _blocks(path, HEADER_BYTES)
    block = next(blocks, b"")
    blocks.close()
    rows = _parsed_block(block, _Parser({}))[0] if block else None
    if rows is None:
        return {}
    found = _record_leaves(rows) if isinstance(rows, list) else _walk(rows.schema)
    leaves: dict[str, tuple[tuple[str, ...], object]] = {}
    for keys, parse_as in found:
        name = ".".join(keys)
        known = leaves.get(name)
        leaves[name] = (known[0], parse_as or known[1]) if known else (keys, parse_as)
    return leaves


def _walk(fields, prefix: tuple[str, ...] = ()):
    """(keys, type to parse as) of every leaf: struct columns flattened to their values."""
    import pyarrow as pa

    for f in fields:
        if pa.types.is_struct(f.type):
            yield from _walk(f.type, (*prefix, f.name))
        else:
            yield (*prefix, f.name), _parse_type(f.type)


def _record_leaves(records: list[dict]):
    """(keys, type to parse as) of every value of objects read by Python."""
    for record in records:
        yield from _values_of(record, ())


def _values_of(record: dict, prefix: tuple[str, ...]):
    for key, value in record.items():
        if isinstance(value, dict):
            yield from _values_of(value, (*prefix, key))
        else:
            yield (*prefix, key), _python_type(value)


def _parse_type(typ):
    """The explicit type to parse a value inferred as `typ` with, or None
    when inference said nothing useful (null, or a nested value)."""
    import pyarrow as pa

    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_timestamp(typ):
        return pa.binary()  # bytes: text that is not UTF-8 is decoded later, as for CSV
    if pa.types.is_integer(typ):
        return pa.int64()
    if pa.types.is_floating(typ):
        return pa.float64()
    if pa.types.is_boolean(typ):
        return pa.bool_()
    return None


def _python_type(value):
    import pyarrow as pa

    kinds = ((bool, pa.bool_), (int, pa.int64), (float, pa.float64), (str, pa.binary))  # bool is an int
    return next((make() for kind, make in kinds if isinstance(value, kind)), None)


def _line_kinds(data: bytes):
    """(starts, ends, kinds) of the block's lines, ends before any CR: an
    object, blank, or other, by the line's first and last non-blank bytes."""
    import numpy as np

    buf = np.frombuffer(data, np.uint8)
    breaks = np.flatnonzero(buf == 0x0A)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(buf)]))
    if data.endswith(b"\n"):  # nothing follows the last line break
        starts, ends = starts[:-1], ends[:-1]
    ends = ends - ((ends > starts) & (buf[np.maximum(ends - 1, 0)] == 0x0D))
    filled = starts < ends
    first, last = np.zeros(len(starts), np.uint8), np.zeros(len(starts), np.uint8)
    first[filled], last[filled] = buf[starts[filled]], buf[ends[filled] - 1]
    # A line cut short (the last line of a log being written) is caught here, without parsing.
    looks = (first == ord("{")) & (last == ord("}"))
    kinds = np.where(looks, _OBJECT, np.where(filled, _OTHER, _BLANK))
    # Only blank and indented lines have spaces around them: few enough to look at one by one.
    for i in np.flatnonzero(filled & (np.isin(first, list(_SPACES)) | np.isin(last, list(_SPACES)))):
        line = data[starts[i]:ends[i]].strip(_SPACES)
        kinds[i] = _BLANK if not line else _OBJECT if line[:1] == b"{" and line[-1:] == b"}" else _OTHER
    return starts, ends, kinds


def _parsed_block(data: bytes, parser: _Parser):
    """(its rows: a table, or a list of objects when pyarrow refused the
    block, or None; indexes of lines that are not objects; indexes of blank
    lines; the number of lines)."""
    import numpy as np

    starts, ends, kinds = _line_kinds(data)
    objects, others, blank = (np.flatnonzero(kinds == kind) for kind in (_OBJECT, _OTHER, _BLANK))
    if not len(objects):
        return None, others, blank, len(kinds)
    rows = parser.parse(_blanked(data, starts, ends, others), len(objects))
    if rows is None:
        # A broken object, or a wanted value of two types in this block: Python reads each line.
        records, refused = _records(data, starts, ends, objects)
        others, objects = np.union1d(others, objects[refused]), np.delete(objects, refused)
        if refused and len(objects):
            rows = parser.parse(_blanked(data, starts, ends, others), len(objects))
        rows = records if rows is None else rows
    return rows, others, blank, len(kinds)


def _blanked(data: bytes, starts, ends, lines):
    """A buffer of the block with these lines turned to spaces, which pyarrow
    skips as blank lines; every other line keeps its place. pyarrow must
    never see a line that is not an object: it reads a 'null' line as a row
    of nulls, and as the first line it crashes."""
    import pyarrow as pa

    if not len(lines):
        return pa.py_buffer(data)
    buf = bytearray(data)
    for start, end in zip(starts[lines].tolist(), ends[lines].tolist()):
        buf[start:end] = b" " * (end - start)
    return pa.py_buffer(buf)


def _records(data: bytes, starts, ends, objects) -> tuple[list[dict], list[int]]:
    """The objects of a block pyarrow refused, read line by line, and the
    positions (in `objects`) of the lines that are not JSON objects."""
    import json

    records, refused = [], []
    for k, (start, end) in enumerate(zip(starts[objects].tolist(), ends[objects].tolist())):
        try:
            # surrogateescape: text that is not UTF-8 keeps its bytes, as pyarrow keeps them
            value = json.loads(data[start:end].decode("utf-8", "surrogateescape"))
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, dict):
            records.append(value)
        else:
            refused.append(k)
    return records, refused


class _Parser:
    """pyarrow's JSON reader with an explicit schema of the wanted values,
    learning their types as the file goes: a value that turns from integer
    to string makes one parse fail, the next one infers the new type."""

    def __init__(self, leaves: dict[str, tuple[tuple[str, ...], object]]):
        self.keys = {name: keys for name, (keys, _) in leaves.items()}
        self.types = {name: typ for name, (_, typ) in leaves.items()}

    def parse(self, buffer, rows: int):
        """The table of `rows` objects in `buffer`, or None when pyarrow refuses it."""
        explicit = self._schema() if self.keys else None
        table = _read_json(buffer, explicit, rows) if explicit is not None else None
        if table is None:
            table = _read_json(buffer, None, rows)
            if table is not None:
                self._learn(table)
        return table

    def column(self, table, name: str):
        """The value at `name`'s keys in every row, as bytes (null where absent
        or not a single value), so every block gives the same type."""
        import pyarrow as pa
        import pyarrow.compute as pc

        column, keys = None, self.keys[name]
        if keys[0] in table.column_names:
            column = table.column(keys[0])
            for key in keys[1:]:
                if not (pa.types.is_struct(column.type) and column.type.get_field_index(key) >= 0):
                    return pa.nulls(table.num_rows, pa.binary())
                column = pc.struct_field(column, key)
        return _as_bytes(column, table.num_rows)

    def _learn(self, table) -> None:
        leaves = {".".join(keys): typ for keys, typ in _walk(table.schema)}
        for name in self.keys:
            if leaves.get(name) is not None:
                self.types[name] = leaves[name]

    def _schema(self):
        """The wanted values as nested fields, or None when one key is both a
        value and an object among them (then each block is inferred)."""
        import pyarrow as pa

        tree: dict = {}
        for name, keys in self.keys.items():
            node = tree
            for key in keys[:-1]:
                node = node.setdefault(key, {})
                if not isinstance(node, dict):
                    return None
            if keys[-1] in node:
                return None
            node[keys[-1]] = self.types[name] or pa.binary()
        return pa.schema(_fields(tree))


def _fields(tree: dict) -> list:
    import pyarrow as pa

    return [pa.field(key, pa.struct(_fields(value)) if isinstance(value, dict) else value)
            for key, value in tree.items()]


def _read_json(buffer, explicit, rows: int):
    """The table pyarrow reads, or None when it refuses the text or reads
    another number of rows than there are lines (two objects on one line)."""
    import pyarrow as pa
    import pyarrow.json as pj

    options = pj.ParseOptions(explicit_schema=explicit, unexpected_field_behavior="ignore" if explicit else "infer")
    try:
        table = pj.read_json(pa.BufferReader(buffer), parse_options=options,
                             read_options=pj.ReadOptions(use_threads=False, block_size=max(buffer.size + 1, 1 << 16)))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, UnicodeDecodeError):
        return None
    return table if table.num_rows == rows else None


def _as_bytes(column, rows: int):
    """Binary values of a scalar column: text as its bytes, numbers and
    booleans as pyarrow writes them; null for nested values."""
    import pyarrow as pa

    typ = None if column is None else column.type
    if typ is None or pa.types.is_null(typ) or pa.types.is_nested(typ):
        return pa.nulls(rows, pa.binary())
    if pa.types.is_binary(typ):
        return column
    if pa.types.is_floating(typ):
        column = _float_text(column)
    elif not (pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_large_binary(typ)):
        column = column.cast(pa.string())
    return column.cast(pa.binary())


def _float_text(column):
    """Whole numbers as digits: pyarrow writes 1763305452345.0 (an epoch in
    milliseconds) as 1.763305452345e+12, which no parser downstream reads."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = column.cast(pa.float64())
    ints = column.cast(pa.int64(), safe=False)
    whole = pc.equal(ints.cast(pa.float64(), safe=False), column)  # false for fractions, NaN, beyond int64
    return pc.if_else(whole, ints.cast(pa.string()), column.cast(pa.string()))


def _batch(rows, parser: _Parser, names: list[str], text: set[str]):
    """A record batch of the block's rows (a table, or objects read by
    Python), every column bytes, text columns dictionary-encoded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = []
    for name in names:
        if isinstance(rows, list):
            array = _record_column(rows, parser.keys[name])
        else:
            array = parser.column(rows, name)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        arrays.append(pc.dictionary_encode(array) if name in text else array)
    return pa.RecordBatch.from_arrays(arrays, names=names)


def _record_column(records: list[dict], keys: tuple[str, ...]):
    """The value at `keys` of each object as bytes, written as _as_bytes writes them."""
    values = []
    for record in records:
        value = record
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        values.append(_text(value))
    return _binary_array(values)


def _binary_array(values: list):
    """An Arrow binary array of bytes and Nones, built from buffers:
    pa.array() would import pandas, which costs a report 0.3 s."""
    import numpy as np
    import pyarrow as pa

    present = np.array([v is not None for v in values], bool)
    offsets = np.zeros(len(values) + 1, np.int32)
    np.cumsum([len(v) if v is not None else 0 for v in values], out=offsets[1:])
    data = b"".join(v for v in values if v is not None)
    validity = np.packbits(present, bitorder="little")
    return pa.Array.from_buffers(pa.binary(), len(values), [pa.py_buffer(validity), pa.py_buffer(offsets),
                                                              pa.py_buffer(data)])


def _text(value) -> bytes | None:
    if isinstance(value, str):
        try:
            return value.encode("utf-8", "surrogateescape")  # bytes that were not UTF-8 come back as they were
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape such as \ud83d
            return value.encode("utf-8", "replace")
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, float):
        whole = value.is_integer() and abs(value) < 2**63
        return (str(int(value)) if whole else repr(value)).encode()
    return None  # null; objects and arrays are not one value
