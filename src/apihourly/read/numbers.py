"""Counts and durations as people's tools write them: `1234`, `1,234`,
`1 234` (and `1.234` in a day-first file, where the dot groups thousands),
with spaces around. A value that is still not a whole number >= 0 is
unreadable: the caller leaves it empty and counts it, and keeps the call."""

from __future__ import annotations

# Digits in groups of three after the first one to three: the separator may
# be a comma, a space, a no-break or narrow no-break space (Excel in French
# and other locales), or a dot where the file is day-first.
# (RE2 syntax: \x{...} names a code point.)
_GROUPED = r"^\d{1,3}([,\s\x{00A0}\x{202F}]\d{3})+$"
_GROUPED_WITH_DOTS = r"^\d{1,3}([,.\s\x{00A0}\x{202F}]\d{3})+$"


def whole_counts(column, dot_groups: bool = False):
    """(int64 counts, mask of values present but unreadable); missing and
    blank values are null and not unreadable."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # nearly always every value is an integer: one cast, then only the sign to check
        present = column.cast(pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        present = _ungrouped(blank_to_null(column), dot_groups)
    counts = whole_numbers(present)
    return counts, pc.and_(pc.is_valid(present), pc.is_null(counts))


def _ungrouped(column, dot_groups: bool):
    """Text with its thousands separators taken out where the digits are
    grouped by threes; other values unchanged."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    text = pc.utf8_trim(column, characters=" \t\u00a0\u202f")
    grouped = pc.fill_null(pc.match_substring_regex(text, _GROUPED_WITH_DOTS if dot_groups else _GROUPED), False)
    return pc.if_else(grouped, pc.replace_substring_regex(text, r"\D", ""), text)


def whole_numbers(column):
    """int64 counts; null where a value is missing, negative or not a whole number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..arrays import int64_scalar  # a Python 0 would make pyarrow import pandas

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_integer(column.type):
        column = column.cast(pa.int64())
        return pc.if_else(pc.less(column, int64_scalar(0)), pa.nulls(len(column), pa.int64()), column)
    if pa.types.is_floating(column.type):
        # Below 2**53, where floats stop being exact (and not inf or NaN).
        limit = int64_scalar(2**53).cast(pa.float64())
        whole = pc.and_(pc.and_(pc.equal(pc.floor(column), column), pc.greater_equal(column, 0)),
                        pc.less(column, limit))
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
