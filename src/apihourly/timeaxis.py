"""Local hours and days in a time zone, as UTC instants.

Calls are bucketed by comparing UTC instants with the UTC start of every local
hour, never by flooring local wall time: on the day clocks fall back the two
01:00 hours are distinct buckets, on the day they spring forward 02:00 does
not exist, and zones with half-hour offsets still get their own hour starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import BadOption

NS = 1_000_000_000
HOUR_NS = 3_600 * NS
UNIT_NS = {"s": NS, "ms": 1_000_000, "us": 1_000, "ns": 1}  # Arrow/Parquet time units
_STEP = timedelta(minutes=15)  # every UTC offset in use is a multiple of 15 minutes


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
    delta = moment.astimezone(timezone.utc) - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * NS + delta.microseconds * 1_000


def from_ns(ns: int, tz: ZoneInfo) -> datetime:
    utc = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=ns // 1_000)
    return utc.astimezone(tz)


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or a BadOption that says how to find one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        raise BadOption(
            f"unknown time zone {name!r}; use an IANA name such as America/New_York or UTC", "--tz"
        ) from None


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


@lru_cache(maxsize=4096)
def local_hour_axis(day: date, tz: ZoneInfo) -> tuple[HourSlot, ...]:
    """Every local hour of `day` in `tz`: 24, or 23/25 on DST change days."""
    start, end = day_start(day, tz), day_start(day + timedelta(days=1), tz)
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


def parse_date(text: str, option: str = "--date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadOption(f"invalid date {text!r}; expected YYYY-MM-DD, e.g. 2026-11-15", option) from None


def repeated_wall_hours(axis: tuple[HourSlot, ...]) -> set[int]:
    """Local hours that occur twice on a fall-back day."""
    seen: dict[int, int] = {}
    for slot in axis:
        seen[slot.start.hour] = seen.get(slot.start.hour, 0) + 1
    return {hour for hour, n in seen.items() if n > 1}


def hour_label(slot: HourSlot, time_format: str, show_offset: bool = False) -> str:
    """'14:00' or '2 PM'; with the UTC offset when the wall hour is ambiguous."""
    start = slot.start
    if time_format == "12h":
        label = f"{(start.hour % 12) or 12}{start.strftime(':%M') if start.minute else ''} "
        label += "AM" if start.hour < 12 else "PM"
    else:
        label = start.strftime("%H:%M")
    if show_offset:
        label += f" ({start.strftime('%z')[:3]}:{start.strftime('%z')[3:]})"
    return label
