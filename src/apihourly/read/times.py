"""Times in every form people write, read into UTC nanoseconds.

A file's times are read in two steps: detect_time_form looks at one batch
and names the form (ISO 8601, an Autotask display date such as 11/16/2026
3:04:12 PM, epoch numbers, a pattern the user gave, a typed timestamp);
parse_times reads every batch in that form. Display dates and times without
an offset are wall-clock times, so parse_times hands them back as wall time
read as UTC, flagged naive, for the caller to place in a zone with
timeaxis.local_to_utc.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..timeaxis import LATEST_NS, NS, UNIT_NS
from ..words import plural
from .text import decode_text

# An ISO 8601 date-time, 'T' or space between, optional seconds and fraction,
# optional 'Z' or numeric offset.
_ISO = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}(:\d{2}(:\d{2}([.,]\d{1,9})?)?)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)?$"
# What Arrow cannot parse in one cast is read through one regex whose named
# groups hold the parts (year, month, ..., ampm, zone), put together in numpy.
_ZONE = r"(?P<zone>[Zz]|(?P<zone_sign>[+-])(?P<zone_hour>\d{2})(?::?(?P<zone_minute>\d{2}))?)"
_ISO_PARTS = (r"^\s*(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[T ](?P<hour>\d{2})(?::(?P<minute>\d{2})"
              r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?)?\s*" + _ZONE + r"?\s*$")
# An offset after a time; a date alone ends in '-16', which is no offset.
_ISO_AWARE = r"[T ]\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_AMPM = r"(?P<ampm>[AaPp])\.?\s?[Mm]\.?"
_CLOCK = (r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
          r"\s*(?:" + _AMPM + r")?")
# Autotask's Activity export in its locales: 11/16/2026 3:04:12 PM, 16.11.2026 15:04:12, ...
_DISPLAY_LOOK = r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(?:\s*,\s*|\s+)\d{1,2}:\d{2}"
_FIRST_ABOVE_12 = r"^\s*(?:1[3-9]|[2-9]\d)[/.-]\d{1,2}[/.-]\d{4}\D"
_SECOND_ABOVE_12 = r"^\s*\d{1,2}[/.-](?:1[3-9]|[2-9]\d)[/.-]\d{4}\D"
_DATE_SEPARATORS = "/.-"
_EPOCH_LOOK = r"^\s*[-+]?\d+(?:\.\d*)?\s*$"
_EPOCH_PARTS = r"^\s*(?P<sign>[-+]?)(?P<whole>\d{1,19})(?:\.(?P<fraction>\d{0,9})\d*)?\s*$"
# Epoch units by magnitude: 1e11 seconds is the year 5138 and 1e11
# milliseconds 1973, so each unit is unambiguous from 1973 to 5138.
_EPOCH_UNITS = (("s", 1e11), ("ms", 1e14), ("us", 1e17), ("ns", float("inf")))
_EPOCH_NAMES = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}
_PLAUSIBLE_S = (631_152_000, 4_102_444_800)  # 1990-01-01 to 2100-01-01: outside earns a note
# Whole seconds whose nanoseconds, plus a fraction, still fit in int64.
_SECONDS_RANGE = (-(2**63) // NS + 1, (2**63 - 1) // NS - 1)
# The head of a batch tells ISO from epoch numbers from display dates; only
# day-first against month-first needs every value.
_SAMPLE = 4096
_MOST = 0.5

# strptime directives read from their parts; others go to Arrow's strptime.
_PATTERN_PARTS = {
    "Y": r"(?P<year>\d{4})", "y": r"(?P<year2>\d{2})", "m": r"(?P<month>\d{1,2})", "d": r"(?P<day>\d{1,2})",
    "H": r"(?P<hour>\d{1,2})", "I": r"(?P<hour12>\d{1,2})", "M": r"(?P<minute>\d{1,2})",
    "S": r"(?P<second>\d{1,2})", "f": r"(?P<fraction>\d{1,9})", "p": _AMPM, "z": _ZONE, "%": "%",
}
_PATTERN_SHORTHANDS = {"T": "%H:%M:%S", "F": "%Y-%m-%d", "R": "%H:%M", "D": "%m/%d/%y"}


# What a time may look like, for messages about a file of none.
ACCEPTED_FORMS = ("ISO 8601 (2026-11-16T15:04:12Z, offset optional), M/D/YYYY h:mm[:ss] AM/PM, M/D/YYYY H:mm[:ss], "
                  "D/M/YYYY, D.M.YYYY or D-M-YYYY H:mm[:ss], epoch seconds, ms, us or ns")


@dataclass(frozen=True)
class TimeForm:
    """How one file writes its times. `name` is 'iso', 'month_first',
    'day_first', 'epoch', 'pattern' or 'arrow'; `unit` is the epoch unit
    ('s', 'ms', 'us', 'ns'), `pattern` the user's strptime pattern and
    `separator` what stands between day, month and year in a display date."""

    name: str
    unit: str | None = None
    pattern: str | None = None
    separator: str = "/"

    @property
    def local(self) -> bool:
        """Written for people, in the instance's local time (Autotask's display dates)."""
        return self.name in ("month_first", "day_first")

    def describe(self) -> str:
        s = self.separator
        return {
            "iso": "ISO 8601 times",
            "month_first": f"month-first dates (M{s}D{s}YYYY)",
            "day_first": f"day-first dates (D{s}M{s}YYYY)",
            "epoch": f"epoch {_EPOCH_NAMES.get(self.unit or '', 'numbers')}",
            "pattern": f"times in the pattern {self.pattern}",
            "arrow": "typed timestamps",
        }[self.name]


def detect_time_form(column, pattern: str | None = None) -> tuple[TimeForm, str | None]:
    """The form a file writes its times in, judged from a batch of its raw
    values, and a note for the user when the choice is a guess."""
    import pyarrow as pa

    if pattern is not None:
        return _pattern_form(column, pattern)
    column = _plain(column)
    typ = column.type
    if pa.types.is_timestamp(typ):
        return TimeForm("arrow"), None
    if pa.types.is_integer(typ) or pa.types.is_floating(typ):
        return _epoch_form(column)
    if not _is_text(typ):
        return TimeForm("iso"), None  # nothing here is a time: parse_times gives nulls
    return _text_form(column)


def _text_form(column):
    import pyarrow.compute as pc

    head = pc.utf8_trim_whitespace(pc.drop_null(column).slice(0, _SAMPLE))
    if not len(head):
        return TimeForm("iso"), None
    share = _share_matching(head)
    if share(_ISO) >= _MOST:
        return TimeForm("iso"), None
    if share(_EPOCH_LOOK) >= _MOST:
        return _epoch_form(head)
    if share(_DISPLAY_LOOK) > share(_ISO):
        return _display_form(column, head)
    return TimeForm("iso"), (f"values such as {head[0].as_py()!r} are not times apihourly knows; "
                             "pass --input-time-format with their strptime pattern")


def _share_matching(values):
    import pyarrow.compute as pc

    def share(regex: str) -> float:
        return pc.sum(pc.match_substring_regex(values, regex)).as_py() / len(values)

    return share


def _display_form(column, head):
    """Day-first or month-first, by every value: a number above 12 is a day."""
    import pyarrow.compute as pc

    first = pc.sum(pc.match_substring_regex(column, _FIRST_ABOVE_12)).as_py() or 0
    second = pc.sum(pc.match_substring_regex(column, _SECOND_ABOVE_12)).as_py() or 0
    example = _first_matching(head, _DISPLAY_LOOK).split()[0].rstrip(",")
    separator = next(c for c in example if c in _DATE_SEPARATORS)
    form = TimeForm("day_first" if first > second else "month_first", separator=separator)
    if first and second:
        have = "has" if first == 1 else "have"
        return form, (f"{plural(first, 'date')} {have} a number above 12 first and {second:,} second; read as "
                      f"{form.describe()}; pass --input-time-format to choose")
    if not first and not second:
        return form, (f"dates such as {example} could be month-first or day-first; read as "
                      f"{form.describe()}; pass --input-time-format to choose")
    return form, None


def _first_matching(values, regex: str) -> str:
    import pyarrow.compute as pc

    return values.filter(pc.match_substring_regex(values, regex))[0].as_py()


def _epoch_form(column):
    """Epoch numbers, the unit told by the median's magnitude, and a note
    when that puts them outside 1990-2100 (dates without separators?)."""
    import numpy as np
    import pyarrow.compute as pc

    numbers = _epoch_numbers(column)
    median = float(np.median(numbers)) if len(numbers) else 0.0
    unit = next(unit for unit, below in _EPOCH_UNITS if abs(median) < below)
    form = TimeForm("epoch", unit=unit)
    if len(numbers) and not _PLAUSIBLE_S[0] <= median * UNIT_NS[unit] / NS < _PLAUSIBLE_S[1]:
        example = pc.drop_null(column)[0].as_py()
        return form, (f"numbers such as {example} read as {form.describe()} fall outside 1990-2100; "
                      "pass --input-time-format if they are dates")
    return form, None


def _epoch_numbers(column):
    """The valid epoch numbers of a batch as floats, for their magnitude."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_integer(column.type):
        return _ints(column.cast(pa.int64(), safe=False))[_mask(column.is_valid())].astype(np.float64)
    if pa.types.is_floating(column.type):
        values = _floats(column)[_mask(column.is_valid())]
        return values[np.isfinite(values)]
    whole, ok = _whole_digits(pc.extract_regex(column, pattern=_EPOCH_PARTS))
    return whole[ok].astype(np.float64)


def _pattern_form(column, pattern: str):
    """The user's pattern, tried on the batch: a pattern that cannot be used
    is an option error, one that reads nothing earns a note."""
    import re

    import pyarrow as pa
    import pyarrow.compute as pc

    from ..errors import BadOption

    if "%" not in pattern:
        raise BadOption(f"--input-time-format {pattern!r} has no % directive; e.g. '%Y%m%d %H%M%S'",
                        "--input-time-format")
    regex = _pattern_regex(pattern) or ""
    if len(set(groups := re.findall(r"\(\?P<(\w+)>", regex))) < len(groups):
        raise BadOption(f"--input-time-format {pattern!r} gives one field twice (e.g. %d and %d, or %H and %I)",
                        "--input-time-format")
    form = TimeForm("pattern", pattern=pattern)
    head = pc.drop_null(_plain(column)).slice(0, _SAMPLE)
    try:
        ns, _ = parse_times(head, form)
    except pa.ArrowInvalid as error:
        raise BadOption(f"--input-time-format {pattern!r} cannot be used: {error}", "--input-time-format") from None
    if len(head) and ns.null_count == len(head):
        return form, f"no value such as {str(head[0].as_py())!r} matches --input-time-format {pattern!r}"
    return form, None


def parse_times(column, form: TimeForm):
    """(int64 nanoseconds, boolean naive) Arrow arrays for values in `form`.

    Where naive is True the nanoseconds are the wall-clock time read as if it
    were UTC (display dates, ISO and Arrow times without an offset), for the
    caller to place in a zone; where False they are the UTC instant. Values
    that do not parse are null, and naive is False there.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    column = _whole(column)
    if pa.types.is_dictionary(column.type):  # each distinct value parsed once
        ns, naive = parse_times(column.dictionary, form)
        ns = pc.take(ns, column.indices)
        return ns, pc.and_kleene(pc.take(naive, column.indices), pc.is_valid(ns))
    if pa.types.is_binary(column.type):
        column = decode_text(column)[0]
    if form.name in _READ_BY_REGEX and _is_text(column.type) and _repetitive(column):
        return parse_times(pc.dictionary_encode(column), form)
    return _READERS[form.name](column, form)


def _repetitive(column) -> bool:
    """Whether values repeat enough that parsing each distinct one once pays:
    a regex costs about a microsecond a value, hashing a tenth of that, and
    a busy file written to the second repeats most of its values."""
    import pyarrow.compute as pc

    head = column.slice(0, _SAMPLE)
    return len(column) > _SAMPLE and 2 * pc.count_distinct(head).as_py() <= len(head)


def _whole(column):
    import pyarrow as pa

    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _plain(column):
    """The values themselves: a dictionary's distinct values, binary decoded."""
    import pyarrow as pa

    column = _whole(column)
    if pa.types.is_dictionary(column.type):
        column = column.dictionary
    if pa.types.is_binary(column.type):
        column = decode_text(column)[0]
    return column


def _is_text(typ) -> bool:
    import pyarrow as pa

    return pa.types.is_string(typ) or pa.types.is_large_string(typ)


def _iso_times(column, form):
    """ISO 8601: one cast when the batch is uniform (nearly always, and what
    the benchmark times), else _iso_mixed. The head says which cast to try:
    a failed cast costs about a microsecond for each value it refuses, ten
    times what a successful one costs."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not _is_text(column.type):
        return _nothing(len(column))
    head = pc.drop_null(column.slice(0, 64))
    aware = pc.sum(pc.match_substring_regex(head, _ISO_AWARE)).as_py() or 0
    if 0 < aware < len(head):
        return _iso_mixed(column)
    try:
        ns = column.cast(pa.timestamp("ns", "UTC") if aware else pa.timestamp("ns")).cast(pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _iso_mixed(column)
    return ns, (_constant(False, len(column)) if aware else pc.is_valid(ns))


def _iso_mixed(column):
    """A batch that mixes offsets and naive values, or holds bad ones: each
    kind cast apart, and a kind Arrow refuses (a comma fraction, a lowercase
    z, an invalid date that must become null) read from its parts."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(column)
    looks = _mask(pc.match_substring_regex(text, _ISO))
    aware = _mask(pc.match_substring_regex(text, _ISO_AWARE))
    ns, ok, naive = np.zeros(len(text), np.int64), np.zeros(len(text), bool), np.zeros(len(text), bool)
    for where, target in ((looks & aware, pa.timestamp("ns", "UTC")), (looks & ~aware, pa.timestamp("ns"))):
        rows = np.flatnonzero(where)
        part = text.take(_index_array(rows))
        try:
            ns[rows], ok[rows], naive[rows] = _ints(part.cast(target).cast(pa.int64())), True, target.tz is None
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            ns[rows], ok[rows], naive[rows] = _from_parts(pc.extract_regex(part, pattern=_ISO_PARTS))
    return _arrow_times(ns, ok, naive)


def _display_times(column, form):
    import pyarrow.compute as pc

    if not _is_text(column.type):
        return _nothing(len(column))
    first, second = ("month", "day") if form.name == "month_first" else ("day", "month")
    regex = (rf"^\s*(?P<{first}>\d{{1,2}})[/.-](?P<{second}>\d{{1,2}})[/.-](?P<year>\d{{4}})"
             rf"(?:\s*,\s*|\s+){_CLOCK}\s*$")
    return _arrow_times(*_from_parts(pc.extract_regex(column, pattern=regex)))


def _pattern_times(column, form):
    """The user's pattern: from its parts when every directive has a group
    here, else by Arrow's strptime (month and weekday names, %j, ...), which
    reads no fraction and rolls an invalid date over (Feb 30 -> Mar 2)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not _is_text(column.type):
        column = column.cast(pa.string())  # e.g. integers 20261116 read with %Y%m%d
    regex = _pattern_regex(form.pattern)
    if regex is not None:
        return _arrow_times(*_from_parts(pc.extract_regex(column, pattern=regex)))
    stamps = pc.strptime(column, format=form.pattern, unit="ns", error_is_null=True)
    ns = stamps.cast(pa.int64())
    return ns, (pc.is_valid(ns) if stamps.type.tz is None else _constant(False, len(ns)))


def _pattern_regex(pattern: str) -> str | None:
    """A strptime pattern as a regex with named groups, None when it uses a
    directive without one. Whitespace matches any run of it, as in strptime."""
    import re

    parts = []
    for token in _pattern_tokens(pattern):
        if len(token) == 2 and token.startswith("%"):
            if token[1] not in _PATTERN_PARTS:
                return None
            parts.append(_PATTERN_PARTS[token[1]])
        else:
            parts.append(r"\s*" if token.isspace() else re.escape(token))
    return r"^\s*" + "".join(parts) + r"\s*$"


def _pattern_tokens(pattern: str) -> list[str]:
    """Directives, runs of whitespace and literal text, shorthands such as %T spelt out."""
    import re

    tokens = []
    for token in re.split(r"(%.|\s+)", pattern):
        if token.startswith("%") and token[1:] in _PATTERN_SHORTHANDS:
            tokens.extend(_pattern_tokens(_PATTERN_SHORTHANDS[token[1:]]))
        elif token:
            tokens.append(token)
    return tokens


def _epoch_times(column, form):
    """Epoch numbers in the file's unit: integers exactly, numeric text
    exactly to the nanosecond, floats to the microsecond (all that a double
    holds of a date's fraction)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    typ, unit = column.type, form.unit or "s"
    if pa.types.is_integer(typ):
        ns, ok = _scaled(_ints(column.cast(pa.int64(), safe=False)), _mask(column.is_valid()), unit)
    elif pa.types.is_floating(typ):
        ns, ok = _scaled_float(_floats(column), _mask(column.is_valid()), unit)
    elif _is_text(typ) and (integers := _integer_text(column)) is not None:
        ns, ok = _scaled(_ints(integers), _mask(integers.is_valid()), unit)
    elif _is_text(typ):
        ns, ok = _scaled_text(pc.extract_regex(column, pattern=_EPOCH_PARTS), unit)
    else:
        return _nothing(len(column))
    return _arrow_times(ns, ok, np.zeros(len(ok), bool))


def _integer_text(column):
    """Text of plain integers in one cast, else None. Tried only when the
    head is such text: a failed cast costs a microsecond a value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pc.all(pc.match_substring_regex(column.slice(0, 64), r"^-?\d{1,19}$")).as_py():
        return None
    try:
        return column.cast(pa.int64())
    except pa.ArrowInvalid:
        return None


def _scaled(whole, ok, unit: str, fraction_ns=0):
    """Whole units to nanoseconds plus a fraction. A time beyond what int64
    nanoseconds hold (9999-12-31, a common "no end") is read as the far edge
    (±LATEST_NS), so the reader counts it as outside the accepted range,
    not as unreadable."""
    import numpy as np

    scale = UNIT_NS[unit]
    beyond = (whole == np.iinfo(np.int64).min) | (np.abs(whole) >= (2**63 - 1) // scale - 1)
    ns = np.where(ok & ~beyond, whole, 0) * scale + fraction_ns
    return np.where(beyond, np.sign(whole) * LATEST_NS, ns), ok


def _scaled_float(values, ok, unit: str):
    import numpy as np

    scale = UNIT_NS[unit]
    ok = ok & np.isfinite(values)
    beyond = ok & (np.abs(values) >= (2**63 - 1) // scale - 1)
    values = np.where(ok & ~beyond, values, 0.0)
    whole = np.floor(values)
    # The double nearest 1794787200.123 is ...200.12299990654: rounding its
    # fraction to the microsecond gives back .123.
    fraction_ns = np.round((values - whole) * (scale / 1_000)).astype(np.int64) * 1_000
    ns, ok = _scaled(whole.astype(np.int64), ok, unit, fraction_ns)
    return np.where(beyond, np.sign(np.where(beyond, values, 0.0)).astype(np.int64) * LATEST_NS, ns), ok


def _scaled_text(parts, unit: str):
    import numpy as np
    import pyarrow.compute as pc

    whole, ok = _whole_digits(parts)
    ns, ok = _scaled(whole, ok, unit, _fraction_ns(parts) * UNIT_NS[unit] // NS)
    negative = _mask(pc.starts_with(pc.struct_field(parts, "sign"), pattern="-"))
    return np.where(negative, -ns, ns), ok


def _whole_digits(parts):
    """The `whole` group as int64 and whether it fits: 19 digits can exceed
    int64, so they are read as 10 high and 9 low digits."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.utf8_lpad(pc.struct_field(parts, "whole"), width=19, padding="0")
    high = _ints(pc.utf8_slice_codeunits(digits, 0, 10).cast(pa.int64()))
    low = _ints(pc.utf8_slice_codeunits(digits, 10, 19).cast(pa.int64()))
    ok = _mask(parts.is_valid()) & (high < (2**63 - 1) // NS)
    return np.where(ok, high, 0) * NS + low, ok


def _timestamp_times(column, form):
    """Arrow timestamps in any unit: naive unless they carry a zone."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_timestamp(column.type):
        return _nothing(len(column))
    try:  # the usual case: one cast to nanoseconds (dropping the zone keeps the instants)
        ns = column.cast(pa.timestamp(column.type.unit)).cast(pa.timestamp("ns")).cast(pa.int64())
    except pa.ArrowInvalid:  # a value beyond the int64 nanosecond range: read it from its parts
        ns, ok = _scaled(_ints(column.cast(pa.int64())), _mask(column.is_valid()), column.type.unit)
        return _arrow_times(ns, ok, ok if column.type.tz is None else np.zeros(len(ok), bool))
    return ns, pc.is_valid(ns) if column.type.tz is None else _constant(False, len(ns))


_READERS = {"iso": _iso_times, "month_first": _display_times, "day_first": _display_times,
            "epoch": _epoch_times, "pattern": _pattern_times, "arrow": _timestamp_times}
_READ_BY_REGEX = ("month_first", "day_first", "pattern")


def _from_parts(parts):
    """(ns, ok, naive) numpy arrays from a regex match's named groups.

    Absent groups take strptime's defaults (1900-01-01 00:00:00). Not ok:
    no match, dates that do not exist (month 13, Feb 30), hours past 23 or
    outside 1-12 with AM/PM, and times beyond int64 nanoseconds.
    """
    import numpy as np

    year = _part(parts, "year", 1900)
    if parts.type.get_field_index("year2") >= 0:  # strptime's %y: 69-99 are 19xx, 00-68 20xx
        year2 = _part(parts, "year2", 0)
        year = np.where(year2 >= 69, 1900, 2000) + year2
    days, ok = _civil_days(year, _part(parts, "month", 1), _part(parts, "day", 1))
    hour, ok = _hour_24(parts, ok)
    minute, second = _part(parts, "minute", 0), _part(parts, "second", 0)
    ok &= _mask(parts.is_valid()) & (minute <= 59) & (second <= 59)
    offset_s, aware, ok = _offset_seconds(parts, ok)
    seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_s
    # Beyond int64 nanoseconds (year 9999): the far edge, outside the accepted range.
    beyond = (seconds < _SECONDS_RANGE[0]) | (seconds > _SECONDS_RANGE[1])
    ns = np.where(ok & ~beyond, seconds, 0) * NS + _fraction_ns(parts)
    return np.where(ok, np.where(beyond, np.sign(seconds) * LATEST_NS, ns), 0), ok, ok & ~aware


def _part(parts, name: str, absent: int):
    """The group `name` as int64: 0 where it matched nothing, `absent` where
    the regex has no such group."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if parts.type.get_field_index(name) < 0:
        return np.full(len(parts), absent, np.int64)
    # lpad makes an empty group "0"; a Python "0" would make pyarrow load pandas.
    return _ints(pc.utf8_lpad(pc.struct_field(parts, name), width=1, padding="0").cast(pa.int64()))


def _fraction_ns(parts):
    """The `fraction` group's digits as nanoseconds (.5 is 500000000)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if parts.type.get_field_index("fraction") < 0:
        return np.zeros(len(parts), np.int64)
    return _ints(pc.utf8_rpad(pc.struct_field(parts, "fraction"), width=9, padding="0").cast(pa.int64()))


def _civil_days(year, month, day):
    """Days since 1970-01-01 of each date, and whether the date exists;
    numpy's calendar knows where each month starts and how long it is."""
    import numpy as np

    months = (year - 1970) * 12 + np.clip(month, 1, 12) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    length = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - first
    return first + day - 1, (month >= 1) & (month <= 12) & (day >= 1) & (day <= length)


def _hour_24(parts, ok):
    """0-23 from the hour and AM/PM (12 AM is 0, 12 PM is 12), and ok. An
    hour is on the 12-hour clock when AM/PM follows it, or when a pattern
    reads it with %I (AM without %p, as in strptime)."""
    import numpy as np
    import pyarrow.compute as pc

    n = len(parts)
    twelve, pm = np.zeros(n, bool), np.zeros(n, bool)
    if parts.type.get_field_index("ampm") >= 0:
        ampm = pc.struct_field(parts, "ampm")
        twelve, pm = _ints(pc.utf8_length(ampm)) > 0, _mask(pc.match_substring_regex(ampm, "^[Pp]"))
    if parts.type.get_field_index("hour12") >= 0:
        hour, twelve = _part(parts, "hour12", 0), np.ones(n, bool)
    else:
        hour = _part(parts, "hour", 0)
    ok = ok & np.where(twelve, (hour >= 1) & (hour <= 12), hour <= 23)
    return np.where(twelve, hour % 12 + 12 * pm, hour), ok


def _offset_seconds(parts, ok):
    """(UTC offset in seconds, whether a value has one, ok) from the zone
    group: Z, +HH, +HHMM or +HH:MM."""
    import numpy as np
    import pyarrow.compute as pc

    if parts.type.get_field_index("zone") < 0:
        return np.zeros(len(parts), np.int64), np.zeros(len(parts), bool), ok
    aware = _ints(pc.utf8_length(pc.struct_field(parts, "zone"))) > 0
    hours, minutes = _part(parts, "zone_hour", 0), _part(parts, "zone_minute", 0)
    negative = _mask(pc.starts_with(pc.struct_field(parts, "zone_sign"), pattern="-"))
    offset = np.where(negative, -1, 1) * (hours * 3_600 + minutes * 60)
    return offset, aware, ok & (hours <= 23) & (minutes <= 59)


# Arrow and numpy meet through buffers: converting any Python value (even a
# 0) makes pyarrow import pandas, which a one-day report never needs.

def _ints(array):
    from ..arrays import int_values

    return int_values(array)


def _floats(array):
    import numpy as np
    import pyarrow as pa

    array = array.cast(pa.float64())
    return np.frombuffer(array.buffers()[1], np.float64, count=len(array) + array.offset)[array.offset:]


def _mask(booleans):
    """A boolean Arrow array as numpy, null as False."""
    import numpy as np

    n, offset = len(booleans), booleans.offset
    validity, data = booleans.buffers()[:2]
    out = np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")[offset:offset + n].astype(bool)
    if booleans.null_count:
        out &= np.unpackbits(np.frombuffer(validity, np.uint8), bitorder="little")[offset:offset + n].astype(bool)
    return out


def _index_array(rows):
    import numpy as np
    import pyarrow as pa

    return pa.Array.from_buffers(pa.int64(), len(rows), [None, pa.py_buffer(np.ascontiguousarray(rows, np.int64))])


def _arrow_times(ns, ok, naive):
    """numpy (ns, ok, naive) as Arrow (int64 null where not ok, naive)."""
    import numpy as np
    import pyarrow as pa

    from ..arrays import bool_array

    validity = None if ok.all() else bool_array(ok).buffers()[1]
    values = pa.py_buffer(np.ascontiguousarray(np.where(ok, ns, 0), np.int64))
    return pa.Array.from_buffers(pa.int64(), len(ns), [validity, values]), bool_array(naive & ok)


def _constant(value: bool, n: int):
    import numpy as np

    from ..arrays import bool_array

    return bool_array(np.full(n, value))


def _nothing(n: int):
    import pyarrow as pa

    return pa.nulls(n, pa.int64()), _constant(False, n)
