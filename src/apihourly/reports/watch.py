"""What `apihourly watch` shows and says: the live window at one instant as
a Report (tables for people, --json for scripts), and the alerts made when
the rolling count crosses 50%, 75% or 100% of the tenant's threshold."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..count.rolling import TIERS
from ..count.window import Look
from ..read.stats import ScanStats
from ..timeaxis import NS, from_ns, iso, local_date, local_hour_axis
from .limits import ENTITY, INTEGRATION, shares_of
from .model import Report
from .table import COUNT, INSTANT, SHARE, Column, Table

WINDOW_COLUMNS = (INTEGRATION, Column("Last 60 min", COUNT), Column("Last 5 min", COUNT),
                  Column("5 min before", COUNT, key="five_min_before"), Column("Trend"),
                  Column("Share (%)", SHARE, key="share_pct"))
HOUR_COLUMNS = (INTEGRATION, Column("Calls", COUNT, rule="hourly"))
STRETCH_COLUMNS = (INTEGRATION, ENTITY, Column("Start", INSTANT), Column("End", INSTANT),
                   Column("Max in flight", COUNT))
TIER_NAMES = ("normal", *(f"{share}%" for share, _ in TIERS))  # by tier number, 0-3
SHOWN_TOP = 3  # integrations named in an alert


def watch_report(look: Look, tz: ZoneInfo, threshold: int, stats: ScanStats, max_threads: int) -> Report:
    """The window as a report: the integrations in it (its table), the
    current hour as the summary's row, and the thread-limit stretches of
    the last 5 minutes; the rolling count and tier in `meta`, and a breach
    when the count is over the threshold now."""
    parts = {"integrations": _integrations(look), "hour": _hour(look), "threads": _stretches(look, tz)}
    day = local_date(look.end_ns, tz)
    return Report("watch", parts["integrations"], tz, threshold, stats, day, categories=look.labels, parts=parts,
                  slots=local_hour_axis(day, tz),
                  covers={"window_end": iso(look.end_ns, tz)}, meta=_meta(look, tz, max_threads, stats),
                  breaches=_breach(look, tz))


def _meta(look: Look, tz: ZoneInfo, max_threads: int, stats: ScanStats) -> dict:
    leaves = look.leaves_in_ns
    return {"window_end_s": look.end_ns / NS, "rolling_calls": look.count, "db_threshold": look.threshold,
            "share_pct": round(100 * look.count / look.threshold, 1), "tier": look.tier,
            "tier_name": TIER_NAMES[look.tier], "effect": effect(look.tier),
            "newest_call": iso(look.newest_ns, tz), "oldest_call": iso(look.oldest_ns, tz),
            "oldest_leaves_in_s": None if leaves is None else leaves / NS,
            "hour_start": from_ns(look.hour_start_ns, tz).isoformat(), "hour_calls": sum(look.hour),
            "max_threads": max_threads, "calls_total": look.calls_total, "skipped_rows_total": stats.skipped_rows}


def effect(tier: int) -> str:
    """What Autotask does to calls in a tier (public Autotask help)."""
    return "no added latency" if tier == 0 else TIERS[tier - 1][1]


def _integrations(look: Look) -> Table:
    """Integrations with calls in the window, most first."""
    shares = shares_of(look.window).tolist()
    rows = [[label, look.window[k], look.recent[k], look.before[k], look.trend(k), shares[k]]
            for k, label in enumerate(look.labels) if look.window[k] or look.recent[k] or look.before[k]]
    rows.sort(key=lambda row: (-row[1], row[0]))
    return Table.from_rows(WINDOW_COLUMNS, rows)


def _hour(look: Look) -> Table:
    """The calls of each integration since the local hour the window ends in
    began, in summary column order (labels are values here: the drawing
    makes them the summary row's columns)."""
    return Table.from_rows(HOUR_COLUMNS, [[label, n] for label, n in zip(look.labels, look.hour) if n])


def _stretches(look: Look, tz: ZoneInfo) -> Table:
    return Table.from_rows(STRETCH_COLUMNS, [[label, entity, iso(start, tz), iso(end, tz), peak]
                                             for label, entity, start, end, peak in look.stretches])


def _breach(look: Look, tz: ZoneInfo) -> list[dict]:
    if look.tier < len(TIERS):
        return []
    top = _named(look.top(SHOWN_TOP))
    end = iso(look.end_ns, tz)
    return [{"kind": "rolling_now", "calls": look.count, "limit": look.threshold, "at": end,
             "message": f"rolling 60-minute count is {look.count:,} at {end}, over {look.threshold:,}"
                        + (f" (top: {top})" if top else "")}]


@dataclass(frozen=True)
class Alert:
    """The rolling count crossed a tier's floor, up or down."""

    at_ns: int
    count: int
    threshold: int
    tier: int        # the tier now, 0-3
    rising: bool
    top: tuple[tuple[str, int], ...]

    @property
    def share(self) -> int:
        """The share crossed: the floor of the tier entered going up, of the one left going down."""
        return TIERS[(self.tier if self.rising else self.tier + 1) - 1][0]

    @property
    def floor(self) -> int:
        """The share where the tier now begins: 0, 50, 75 or 100."""
        return TIERS[self.tier - 1][0] if self.tier else 0

    def sentence(self, tz: ZoneInfo) -> str:
        way = "up" if self.rising else "down"
        top = _named(self.top)
        return (f"{iso(self.at_ns, tz)} rolling 60-minute count {self.count:,} crossed {self.share}% of "
                f"{self.threshold:,} {way} ({TIER_NAMES[self.tier]}: {effect(self.tier)})"
                + (f"; top: {top}" if top else ""))


@dataclass
class Crossings:
    """The tier last seen, to tell when the count crosses a floor. One
    alert per look however many floors were crossed since the last: a
    burst from 40% to 101% is one alert, of the 100% tier."""

    tier: int = 0

    def seen(self, look: Look) -> Alert | None:
        tier = look.tier
        if tier == self.tier:
            return None
        rising, self.tier = tier > self.tier, tier
        return Alert(look.end_ns, look.count, look.threshold, tier, rising, tuple(look.top(SHOWN_TOP)))


def _named(top) -> str:
    """Integrations with their calls, as alerts and breaches name them: 'Datto RMM 3,890, IT Glue 650'."""
    return ", ".join(f"{label} {calls:,}" for label, calls in top)
