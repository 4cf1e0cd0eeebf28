"""Reading the --hour option: 14, 2PM, 14:00, or an ISO hour start."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .errors import BadOption
from .timeaxis import HourSlot, local_hour_axis, to_ns

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
