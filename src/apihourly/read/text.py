"""Text as logs hold it: bytes from CSV and JSON Lines decoded as UTF-8, or as
Windows-1252 where a value is not, so one legacy export cannot fail a report."""

from __future__ import annotations


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
