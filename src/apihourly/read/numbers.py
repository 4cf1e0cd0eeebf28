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

    from .parse import blank_to_null, whole_numbers

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
