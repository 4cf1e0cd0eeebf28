"""Local hours and days in a time zone, as UTC instants, and the one place
that turns UTC nanoseconds into local ISO times and reads the --hour option.

Calls are bucketed by comparing UTC instants with the UTC start of every local
hour, never by flooring local wall time: on the day clocks fall back the two
01:00 hours are distinct buckets, on the day they spring forward 02:00 does
not exist, and zones with half-hour offsets still get their own hour starts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BadOption

NS = 1_000_000_000
MINUTE_NS = 60 * NS
HOUR_NS = 3_600 * NS
DAY_NS = 86_400 * NS
UNIT_NS = {"s": NS, "ms": 1_000_000, "us": 1_000, "ns": 1}  # Arrow/Parquet time units
# Bounds beyond any instant a log can hold (int64 ns spans 1678-2262): an
# open end of a period, with room to add an hour without overflowing.
EARLIEST_NS, LATEST_NS = -(2**62), 2**62
# Calls are read only from 2000-01-01 to 2100-01-01 (UTC): outside it a time
# is a placeholder ("no time" as 1970-01-01, "no end" as 9999-12-31), not a
# call. Fixed dates, not a window around today, so a report of old logs
# reads the same next year and tests stay stable.
ACCEPTED_RANGE = (946_684_800 * NS, 4_102_444_800 * NS)
ACCEPTED_RANGE_TEXT = "2000-01-01 to 2100-01-01"
_STEP = timedelta(minutes=15)  # every UTC offset in use is a multiple of 15 minutes
_QUARTER_NS = 15 * MINUTE_NS
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class HourSlot:
    """One local hour: its local start (with the UTC offset) and UTC bounds."""

    start: datetime
    end: datetime

    @property
    def start_ns(self) -> int:
        return to_ns(self.start)

    @property
    def end_ns(self) -> int:
        return to_ns(self.end)


def to_ns(moment: datetime) -> int:
    delta = moment.astimezone(timezone.utc) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * NS + delta.microseconds * 1_000


def from_ns(ns: int, tz: ZoneInfo) -> datetime:
    return (_EPOCH + timedelta(microseconds=ns // 1_000)).astimezone(tz)


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name` in any letter case ('utc',
    'america/new_york'), under its own name, which reports show; else a
    BadOption that names the nearest zone, or says how to find one."""
    given, name = name, name.strip()
    found = _zone_file(name)
    # A name with capitals that opens a zone is taken as written, without
    # listing every zone; an all-lower-case one may have opened a file on a
    # file system that ignores case, so it is always looked up by name.
    if found is not None and not name.islower():
        return found
    canonical = _zone_names().get(name.lower())
    if canonical is not None:
        return ZoneInfo(canonical)
    if found is not None:
        return found
    near = _nearest_zone(name)
    advice = f"did you mean {near}?" if near else "use an IANA name such as America/New_York or UTC"
    raise BadOption(f"unknown time zone {given!r}; {advice}", "--tz")


def _zone_file(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """Every IANA zone name by its lower-case form (no two differ only in case)."""
    from zoneinfo import available_timezones

    return {name.lower(): name for name in available_timezones()}


def _nearest_zone(name: str) -> str | None:
    """The zone a mistyped name most likely meant: 'America/NewYork' and
    'new york' are America/New_York, 'Europe/Londn' is Europe/London."""
    from difflib import get_close_matches

    names = _zone_names()
    wanted = name.lower().replace(" ", "_")
    match = get_close_matches(wanted, names, n=1, cutoff=0.85)
    if match:
        return names[match[0]]
    cities = {lower.rsplit("/", 1)[-1]: names[lower] for lower in sorted(names) if "/" in lower}
    match = get_close_matches(wanted, cities, n=1, cutoff=0.85)
    return cities[match[0]] if match else None


def local_zone_name() -> str:
    """The machine's IANA zone: $TZ, /etc/timezone, the /etc/localtime link, else UTC."""
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        return env
    etc_timezone = Path("/etc/timezone")
    if etc_timezone.is_file():
        name = etc_timezone.read_text(encoding="utf-8", errors="replace").strip()
        if name:
            return name
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    return "UTC"


@lru_cache(maxsize=4096)
def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of the local date (local midnight, or later when
    midnight itself is skipped by a DST change)."""
    probe = datetime(day.year, day.month, day.day, tzinfo=timezone.utc) - timedelta(hours=15)
    while probe.astimezone(tz).date() < day:
        probe += _STEP
    return probe.astimezone(tz)


def day_window(day: date, tz: ZoneInfo) -> tuple[int, int]:
    """UTC bounds (ns) of the local date: [its first instant, the next date's)."""
    return to_ns(day_start(day, tz)), to_ns(day_start(day + timedelta(days=1), tz))


def range_window(since: date | None, until: date | None, tz: ZoneInfo) -> tuple[int, int] | None:
    """UTC bounds from the start of `since` to the end of `until`; an open
    end reaches the earliest or latest instant a log can hold."""
    if since is None and until is None:
        return None
    lo = day_window(since, tz)[0] if since else EARLIEST_NS
    hi = day_window(until, tz)[1] if until else LATEST_NS
    return lo, hi


@lru_cache(maxsize=4096)
def local_hour_axis(day: date, tz: ZoneInfo) -> tuple[HourSlot, ...]:
    """Every local hour of `day` in `tz`: 24, or 23/25 on DST change days."""
    start, end = day_start(day, tz), day_start(day + timedelta(days=1), tz)
    if end - start == timedelta(hours=24) and start.utcoffset() == end.utcoffset() and start.minute == 0:
        # No change of offset that day (nearly every day): 24 hours from midnight.
        bounds = [(start + timedelta(hours=h)).astimezone(tz) for h in range(25)]
        return tuple(HourSlot(a, b) for a, b in zip(bounds, bounds[1:]))
    starts, probe = [], start.astimezone(timezone.utc)
    while probe < end:
        local = probe.astimezone(tz)
        if local.minute == 0 or probe == start:
            starts.append(local)
        probe += _STEP
    bounds = starts + [end]
    return tuple(HourSlot(a, b) for a, b in zip(bounds, bounds[1:]))


def hour_starts_ns(first: date, last: date, tz: ZoneInfo) -> list[int]:
    """UTC starts (ns) of every local hour from `first` to `last`, in order."""
    out: list[int] = []
    day = first
    while day <= last:
        out.extend(slot.start_ns for slot in local_hour_axis(day, tz))
        day += timedelta(days=1)
    return out


def local_date(ns: int, tz: ZoneInfo) -> date:
    return from_ns(ns, tz).date()


def repeated_wall_hours(axis: tuple[HourSlot, ...]) -> set[int]:
    """Local hours that occur twice on a fall-back day."""
    seen: dict[int, int] = {}
    for slot in axis:
        seen[slot.start.hour] = seen.get(slot.start.hour, 0) + 1
    return {hour for hour, n in seen.items() if n > 1}


# Local ISO times -----------------------------------------------------------

def local_iso(values, tz: ZoneInfo, timespec: str = "milliseconds") -> list[str]:
    """UTC nanoseconds as local ISO 8601 times with their UTC offsets, exactly
    as datetime.isoformat(timespec=...) writes them ('milliseconds' or
    'seconds', truncated), for a whole array at once: a day of calls or
    thread stretches costs no datetime apiece."""
    import numpy as np

    ns = np.asarray(values, dtype=np.int64)
    if not len(ns):
        return []
    unit = {"milliseconds": "ms", "seconds": "s"}[timespec]
    offsets = _offsets_s(ns, tz)
    wall = (ns + offsets * NS) // UNIT_NS[unit]
    texts = np.datetime_as_string(wall.astype(f"datetime64[{unit}]"), unit=unit).tolist()
    distinct, index = np.unique(offsets, return_inverse=True)
    suffixes = [_offset_text(int(o)) for o in distinct]
    if len(suffixes) == 1:  # nearly always: one offset for the whole period
        return [text + suffixes[0] for text in texts]
    return [text + suffixes[i] for text, i in zip(texts, index.reshape(-1).tolist())]


def iso(ns: int | None, tz: ZoneInfo) -> str:
    """One instant as local_iso writes it; '' for none."""
    return "" if ns is None else local_iso([int(ns)], tz)[0]


def _offsets_s(ns, tz: ZoneInfo):
    """Each instant's UTC offset in seconds. Offsets change at transitions,
    so they are looked up once per quarter hour the instants fall in, and
    per instant only in a quarter hour that holds a transition."""
    import numpy as np

    quarters, index = np.unique(ns // _QUARTER_NS, return_inverse=True)
    index = index.reshape(-1)
    first = np.array([_offset_at(int(q) * _QUARTER_NS, tz) for q in quarters], dtype=np.int64)
    last = np.array([_offset_at(int(q + 1) * _QUARTER_NS - 1, tz) for q in quarters], dtype=np.int64)
    out = first[index]
    for k in np.flatnonzero(first != last):
        where = np.flatnonzero(index == k)
        out[where] = [_offset_at(int(v), tz) for v in ns[where]]
    return out


def _offset_at(ns: int, tz: ZoneInfo) -> int:
    return int(from_ns(ns, tz).utcoffset().total_seconds())


# Wall-clock times to UTC --------------------------------------------------------

def local_to_utc(wall_ns, tz: ZoneInfo):
    """(first, second, exists) numpy arrays for wall-clock times in `tz`,
    given as int64 nanoseconds of the wall time read as if it were UTC.

    `first` is the UTC instant (ns) of the wall time's earlier occurrence,
    `second` of its later one: the same instant, except in the hour repeated
    when clocks fall back. Where `exists` is False clocks skipped the wall
    time (spring forward) and first and second are 0. Like _offsets_s, the
    zone is asked once per quarter hour of wall time the values fall in, and
    per value only in a quarter hour whose start and the next one's start
    disagree (a change within it, or at its very end).
    """
    import numpy as np

    wall = np.asarray(wall_ns, dtype=np.int64)
    quarters, index = np.unique(wall // _QUARTER_NS, return_inverse=True)
    index = index.reshape(-1)
    probes = np.union1d(quarters, quarters + 1)  # a quarter's end is the next one's start
    table = _wall_offsets_each(probes * _QUARTER_NS, tz)
    starts = table[np.searchsorted(probes, quarters)]
    nexts = table[np.searchsorted(probes, quarters + 1)]
    found = starts[index]
    for k in np.flatnonzero((starts != nexts).any(axis=1)):
        where = np.flatnonzero(index == k)
        found[where] = _wall_offsets_each(wall[where], tz)
    exists = found[:, 2].astype(bool)
    first = np.where(exists, wall - found[:, 0] * NS, 0)
    second = np.where(exists, wall - found[:, 1] * NS, 0)
    return first, second, exists


def _wall_offsets_each(wall_ns, tz: ZoneInfo):
    """An (n, 3) int64 array of _wall_offsets for each wall time."""
    import numpy as np

    rows = [_wall_offsets(int(ns), tz) for ns in wall_ns]
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


@lru_cache(maxsize=1 << 16)  # batches of one day ask about the same quarter hours
def _wall_offsets(wall_ns: int, tz: ZoneInfo) -> tuple[int, int, int]:
    """(UTC offset in seconds of the wall time's earlier occurrence, of its
    later one, 1), or (0, 0, 0) when clocks skip it. zoneinfo offers an
    offset for fold=0 and fold=1 (PEP 495) even in a gap, so each one is
    kept only if the instant it gives reads back as the same wall time."""
    wall = _EPOCH.replace(tzinfo=None) + timedelta(microseconds=wall_ns // 1_000)
    both = {wall.replace(tzinfo=tz, fold=fold).utcoffset() for fold in (0, 1)}
    if len(both) == 1:  # the same offset for both folds: neither a gap nor a repeat
        seconds = int(both.pop().total_seconds())
        return seconds, seconds, 1
    offsets = []
    for offset in both:
        if (wall - offset).replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None) == wall:
            offsets.append(int(offset.total_seconds()))
    if not offsets:
        return 0, 0, 0
    return max(offsets), min(offsets), 1  # the larger offset is the earlier instant


def _offset_text(seconds: int) -> str:
    sign, seconds = ("+" if seconds >= 0 else "-"), abs(seconds)
    text = f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return text + (f":{seconds % 60:02d}" if seconds % 60 else "")


# The --date and --hour options ------------------------------------------------

def parse_date(text: str, option: str = "--date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadOption(f"invalid date {text!r}; expected YYYY-MM-DD, e.g. 2026-11-15", option) from None


_BARE = re.compile(r"^(\d{1,2})(?::00)?$")
_AMPM = re.compile(r"^(\d{1,2})(?::00)?\s*([AaPp])\.?[Mm]\.?$")


def wall_hour(spec: str) -> int | None:
    """0-23 for '14', '14:00', '2PM', '2 pm'; None when spec is not such a form."""
    text = spec.strip()
    if m := _BARE.match(text):
        hour = int(m.group(1))
        if hour > 23:
            raise BadOption(f"invalid hour {spec!r}; use 0-23, 2PM, 14:00 or an ISO hour start", "--hour")
        return hour
    if m := _AMPM.match(text):
        hour = int(m.group(1))
        if not 1 <= hour <= 12:
            raise BadOption(f"invalid hour {spec!r}; 12-hour times run from 1 to 12 AM/PM", "--hour")
        return hour % 12 + (12 if m.group(2).lower() == "p" else 0)
    return None


def resolve_hour(spec: str, day: date | None, tz: ZoneInfo,
                 default_day: Callable[[], date]) -> tuple[date, HourSlot]:
    """The local date and hour slot a user means by --hour (and --date)."""
    hour = wall_hour(spec)
    if hour is None:
        return _iso_hour(spec, tz)
    day = day or default_day()
    matches = [slot for slot in local_hour_axis(day, tz) if slot.start.hour == hour]
    if not matches:
        raise BadOption(f"{hour:02d}:00 does not exist on {day} in {tz.key} (clocks skip it)", "--hour")
    if len(matches) > 1:
        choices = " or ".join(slot.start.isoformat() for slot in matches)
        raise BadOption(f"{hour:02d}:00 happens twice on {day} in {tz.key}; pass --hour {choices}", "--hour")
    return day, matches[0]


def _iso_hour(spec: str, tz: ZoneInfo) -> tuple[date, HourSlot]:
    try:
        moment = datetime.fromisoformat(spec.strip())
    except ValueError:
        raise BadOption(f"invalid hour {spec!r}; use 0-23, 2PM, 14:00 or an ISO hour start "
                        "such as 2026-11-01T01:00:00-04:00", "--hour") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    day = moment.astimezone(tz).date()
    # Compare instants: aware datetimes in a repeated hour never compare equal
    # across zones (PEP 495), so ==/hash on them would miss the second 01:00.
    for slot in local_hour_axis(day, tz):
        if slot.start_ns == to_ns(moment):
            return day, slot
    raise BadOption(f"{spec} is not the start of a local hour in {tz.key}", "--hour")
