"""Turning log columns, in whatever form a file holds them, into typed Arrow
arrays: timestamps into UTC nanoseconds (offsets honoured, naive values taken
as UTC), counts into int64."""

from __future__ import annotations

from ..timeaxis import UNIT_NS

# An ISO 8601 date-time, 'T' or space between, optional seconds and fraction,
# optional 'Z' or numeric offset. Anything else is not a timestamp we accept.
_ISO = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}(:\d{2}(:\d{2}([.,]\d{1,9})?)?)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)?$"
_OFFSET = r"(Z|z|[+-]\d{2}(:?\d{2})?)$"


def to_utc_ns(column):
    """An int64 Arrow array of UTC nanoseconds; null where a value does not parse."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    typ = column.type
    if pa.types.is_timestamp(typ):
        return _timestamp_ns(column)
    if pa.types.is_dictionary(typ):
        column = column.cast(typ.value_type)
    if not (pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_dictionary(typ)):
        return pa.nulls(len(column), pa.int64())
    return _parse_strings(pc.utf8_trim_whitespace(column))


def _timestamp_ns(column):
    import pyarrow as pa

    unit_ns = column.cast(pa.timestamp(column.type.unit)) if column.type.tz else column
    try:
        return unit_ns.cast(pa.timestamp("ns")).cast(pa.int64())
    except pa.ArrowInvalid:  # out of the ns range: far past or future, not a call
        raw = unit_ns.cast(pa.int64()).to_pylist()
        scale = UNIT_NS[column.type.unit]
        ok = [v * scale if v is not None and abs(v * scale) < 2**63 else None for v in raw]
        return pa.array(ok, pa.int64())


def _parse_strings(column):
    import pyarrow as pa

    for target in (pa.timestamp("ns", "UTC"), pa.timestamp("ns")):
        try:
            return column.cast(target).cast(pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return _parse_mixed(column)


def _parse_mixed(column):
    """Slow path for a batch that mixes forms or holds bad values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    valid = pc.fill_null(pc.match_substring_regex(column, _ISO), False)
    has_offset = pc.fill_null(pc.match_substring_regex(column, _OFFSET), False)
    out = pa.nulls(len(column), pa.int64())
    for mask, target in ((pc.and_(valid, has_offset), pa.timestamp("ns", "UTC")),
                         (pc.and_(valid, pc.invert(has_offset)), pa.timestamp("ns"))):
        part = _cast_each_if_needed(column.filter(mask), target)
        out = pc.replace_with_mask(out, mask, part)
    return out


def _cast_each_if_needed(values, target):
    import pyarrow as pa

    try:
        return values.cast(target).cast(pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([_cast_one(v, target) for v in values.to_pylist()], pa.int64())


def _cast_one(value, target):
    import pyarrow as pa

    try:
        return pa.scalar(value.replace(",", "."), pa.string()).cast(target).cast(pa.int64()).as_py()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def whole_numbers(column):
    """int64 counts; null where a value is missing, negative or not a whole number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_integer(column.type):
        from ..arrays import int64_scalar  # a Python 0 would make pyarrow import pandas

        column = column.cast(pa.int64())
        return pc.if_else(pc.less(column, int64_scalar(0)), pa.nulls(len(column), pa.int64()), column)
    if pa.types.is_floating(column.type):
        whole = pc.and_(pc.equal(pc.floor(column), column), pc.greater_equal(column, 0))
        return pc.if_else(whole, column.cast(pa.int64(), safe=False), pa.nulls(len(column), pa.int64()))
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    digits = pc.fill_null(pc.match_substring_regex(text, r"^\d{1,18}$"), False)
    return pc.if_else(digits, pc.if_else(digits, text, "0").cast(pa.int64()), pa.nulls(len(column), pa.int64()))


def blank_to_null(column):
    """Text that is empty or only spaces becomes null; other types pass through."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), pa.nulls(len(column), column.type), column)


def decode_text(column):
    """(column with binary data decoded as text, how many values were not UTF-8).

    CSV text is read as bytes so that one Windows-1252 export cannot fail a
    whole report: values that are valid UTF-8 are taken as such, the others as
    Windows-1252 (Latin-1 for the five bytes it leaves undefined).
    """
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    typ = column.type
    if pa.types.is_dictionary(typ) and pa.types.is_binary(typ.value_type):
        values, legacy = _utf8_or_legacy(column.dictionary)
        return pa.DictionaryArray.from_arrays(column.indices, values), legacy
    if pa.types.is_binary(typ):
        return _utf8_or_legacy(column)
    return column, 0


def _utf8_or_legacy(values):
    import pyarrow as pa

    try:
        return values.cast(pa.string()), 0
    except pa.ArrowInvalid:
        pass
    legacy = 0
    out = []
    for raw in values.to_pylist():
        if raw is None:
            out.append(None)
            continue
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            legacy += 1
            out.append(_windows_1252(raw))
    return pa.array(out, pa.string()), legacy


def _windows_1252(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined there
        return raw.decode("latin-1")
