"""What the tenants reference tools share: their command line, PATH SINCE
UNTIL [--tz ZONE], and the UTC bounds of the local dates SINCE to UNTIL."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo


def period(since: str, until: str, tz: str) -> tuple[datetime, datetime]:
    """UTC bounds of the local dates SINCE to UNTIL: [first midnight, the midnight after UNTIL)."""
    zone = ZoneInfo(tz)
    first, last = date.fromisoformat(since), date.fromisoformat(until) + timedelta(days=1)
    return (datetime(first.year, first.month, first.day, tzinfo=zone).astimezone(timezone.utc),
            datetime(last.year, last.month, last.day, tzinfo=zone).astimezone(timezone.utc))


def arguments(args: list[str]) -> tuple[str, datetime, datetime]:
    """PATH and the period's UTC bounds from PATH SINCE UNTIL [--tz ZONE] (UTC by default)."""
    args, tz = list(args), "UTC"
    if "--tz" in args:
        at = args.index("--tz")
        tz = args[at + 1]
        del args[at:at + 2]
    path, since, until = args
    return (path, *period(since, until, tz))
