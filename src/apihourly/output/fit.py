"""Fitting a grid of numbers into the width a terminal has, without ever
shortening a number: headers wrap at their spaces first, then long words
of headers break over lines, then the columns are drawn in groups, each
led by the first (the Hour) column."""

from __future__ import annotations

import textwrap

OVERHEAD = 2  # a Rich column's padding: one space either side

Part = list[tuple[int, str, "int | None"]]  # (column, header as drawn, fixed width or None)


def longest_word(header: str) -> int:
    return max((len(word) for word in header.split()), default=0)


def folded_width(header: str) -> int:
    """The width a header needs with its longest word broken once: half of
    it, and at least 4 characters ('Lion' / 'gard')."""
    longest = longest_word(header)
    return min(longest, max(4, -(-longest // 2)))


def wrapped(header: str, width: int) -> str:
    """The header on lines of at most `width`, broken at spaces, and inside
    a word only when one word is longer than the width."""
    return "\n".join(textwrap.wrap(header, max(width, 1), break_on_hyphens=False)) or header


def column_groups(widths: list[int], headers: list[str], width: int | None) -> list[Part]:
    """The columns in groups that each fit `width` (None: one group, headers
    on one line). Every group starts with column 0; the last column stays
    in the last group; a column keeps the width of its widest cell."""
    everything = list(range(len(widths)))
    if width is None or _total(widths, headers, everything, wrap=False) <= width:
        return [[(j, headers[j], None) for j in everything]]
    wrapped_widths = [max(w, longest_word(h)) for w, h in zip(widths, headers)]
    folded_widths = [max(w, folded_width(h)) for w, h in zip(widths, headers)]
    for tried in (wrapped_widths, folded_widths):
        if sum(tried) + OVERHEAD * len(widths) <= width:
            return [[(j, wrapped(headers[j], tried[j]), tried[j]) for j in everything]]
    return [_part(group, widths, headers, wrapped_widths, width) for group in _grouped(wrapped_widths, width)]


def _total(widths: list[int], headers: list[str], columns: list[int], wrap: bool) -> int:
    sized = (max(widths[j], longest_word(headers[j]) if wrap else len(headers[j])) for j in columns)
    return sum(sized) + OVERHEAD * len(columns)


def _grouped(widths: list[int], width: int) -> list[list[int]]:
    """Greedy groups of columns 1..n-1 behind column 0."""
    lead = widths[0] + OVERHEAD
    groups, current, used = [], [0], lead
    for j in range(1, len(widths)):
        need = min(widths[j], max(width - lead, 1)) + OVERHEAD
        if used + need > width and len(current) > 1:
            groups.append(current)
            current, used = [0], lead
        current.append(j)
        used += need
    return groups + [current]


def _part(group: list[int], data: list[int], headers: list[str], widths: list[int], width: int) -> Part:
    """A group's columns, each with its header wrapped to its width; a
    column too wide alone gets the room there is, never less than its data."""
    room = width - widths[0] - 2 * OVERHEAD
    part = []
    for j in group:
        fixed = widths[j] if j == 0 else max(data[j], min(widths[j], room))
        part.append((j, wrapped(headers[j], fixed), fixed))
    return part
