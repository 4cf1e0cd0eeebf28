"""The HTML report: one self-contained page (reports/page.py's Page) that
anyone can open offline and click through.

Everything the page shows travels as JSON in a `<script type="application/
json">` block, escaped against `</script>` by Jinja2's tojson, and enters
the DOM through textContent only: log text is never HTML. The page's own
script and style are inline and named by hash in a Content-Security-Policy
that forbids every request, so nothing in a log can run or call out.

Cells are written here with the terminal's rules (output/cells.py): the
same numbers, clocks, marks and levels. Every table carries the exact CSV
its command writes; a cell's calls carry their values, from which the page
writes the CSV `apihourly activity --csv` writes (quoting as csv_line does,
text neutralised here).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shlex
from importlib import resources

from .. import __version__
from ..schema import DEFAULT_DB_THRESHOLD
from ..reports.drilldown import COLUMNS as ACTIVITY_COLUMNS
from ..reports.drilldown import LOGGED
from ..reports.model import Report
from ..reports.page import DayPage, Page, activity_command, limits_command
from ..reports.table import Table
from ..words import neutralise, visible
from . import export
from .cells import UNICODE, Cells, hour_labels, read_warnings

ASSETS = "assets"
LIMIT_PARTS = ("tiers", "peak", "threads", "intervals", "counter")
TABLE_ROWS = 1_000  # rows of a limits table the page holds; the page names the command for all


def page_html(page: Page, time_format: str = "24h") -> str:
    """The report as one HTML document."""
    import jinja2

    script, style = _asset("report.js"), _asset("report.css")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_asset("report.html.j2"))
    # htmlsafe_json_dumps writes <, >, & and ' as \u escapes: no text can end the
    # script block; and keys stay in their order (the tojson filter sorts them).
    data = jinja2.utils.htmlsafe_json_dumps(page_data(page, time_format), separators=(",", ":"))
    return template.render(data=data, script=script, style=style, head=_head(page),
                           script_hash=_csp_hash(script), style_hash=_csp_hash(style))


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(ASSETS, name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _head(page: Page) -> dict:
    """The header's facts, as text (Jinja escapes them)."""
    stats, settings = page.days.stats, page.settings
    first, last = page.days.covers.get("since"), page.days.covers.get("until")
    return {
        "period": first if first == last else f"{first} to {last}",
        "tenant": visible(stats.tenant) if stats.tenant else "",
        "zone": page.tz.key,
        "threshold": f"{page.threshold:,}",
        "db_threshold": f"{settings.db_threshold:,}" if settings.db_threshold else
                        f"the counter samples', else {DEFAULT_DB_THRESHOLD:,}",
        "max_threads": f"{settings.max_threads:,}",
        "files": f"{stats.files:,}", "calls": f"{stats.rows + stats.given:,}",
        "skipped": f"{stats.skipped_rows:,}", "warnings": read_warnings(stats),
        "made": page.made.isoformat(timespec="seconds"), "version": __version__,
        "logs": [visible(source) for source in page.sources.logs], "notes": [visible(n) for n in page.notes],
    }


def page_data(page: Page, time_format: str) -> dict:
    """Everything the page's script draws, by date."""
    return {
        "time_format": time_format,
        "threshold": page.threshold,
        "calls_per_cell": page.settings.calls_per_cell,
        "days": table_data(page.days, page.days.table, time_format),
        "activity_columns": [spec.name for spec in ACTIVITY_COLUMNS], "logged_column": LOGGED.name,
        "check": UNICODE.check,
        "dates": {day.day.isoformat(): _day_data(page, day, time_format) for day in page.dates},
    }


def _day_data(page: Page, day: DayPage, time_format: str) -> dict:
    slots = day.summary.slots
    return {
        "hours": hour_labels(slots, time_format),
        "hour_starts": [slot.start.isoformat() for slot in slots],
        "labels": list(day.summary.categories),
        "summary": table_data(day.summary, day.summary.table, time_format),
        "totals": table_data(day.totals, day.totals.table, time_format),
        "limits": _limits_data(page, day, time_format) if day.limits else None,
        "calls": _calls_data(page, day) if day.calls is not None else None,
        "notes": [visible(note) for note in dict.fromkeys([*day.summary.notes, *_notes(day.limits)])],
    }


def _notes(report: Report | None) -> list[str]:
    return report.notes if report else []


def table_data(report: Report, table: Table, time_format: str, rows: int | None = None) -> dict:
    """A report table as the page draws it: per cell its text as the
    terminal writes it (marks included) and its level (over, near, a
    tier...), the footer rows, and the exact CSV its --csv writes. With
    `rows`, only the first rows of a longer table (and the start of its
    CSV): a busy day has hundreds of thousands of thread stretches."""
    total = len(table)
    table = table.head(rows) if rows is not None and total > rows else table
    cells = Cells(report, time_format, UNICODE)
    body = len(table) - table.footer
    texts, levels = [], []
    for i, record in enumerate(table.records()):
        row = [(*marked, found) for spec in table.columns
               for marked, found in [cells.levelled(spec, record[spec.name], record, "", i >= body)]]
        texts.append([text.plain + (f" {marks}" if marks else "") for text, marks, _ in row])
        levels.append([(found or [""])[0] for _, _, found in row])
    return {
        "columns": [{"name": spec.name, "align": spec.justify, "numeric": spec.numeric} for spec in table.columns],
        "rows": texts, "levels": levels, "values": [_sortable(column) for column in table.data],
        "footer": table.footer, "legend": cells.legend(), "total": total,
        "csv": "".join(export.csv_pieces(table)),
    }


def _sortable(column: list) -> list:
    """Values the page sorts a column by: numbers as numbers, else text."""
    return [v if isinstance(v, (int, float)) and not isinstance(v, bool) else ("" if v is None else str(v))
            for v in column]


def _limits_data(page: Page, day: DayPage, time_format: str) -> dict:
    report = day.limits
    minutes = report.parts["minutes"]
    parts = {name: table_data(report, report.parts[name], time_format, TABLE_ROWS) for name in LIMIT_PARTS}
    for name, data in parts.items():
        if data["total"] > TABLE_ROWS:
            data["command"] = visible(shlex.join(limits_command(page, day.day, name)))
    return {
        "parts": parts,
        "minutes_csv": "".join(export.csv_pieces(minutes)),
        "minutes": minutes.column("Rolling calls"),
        "minute_starts": [m[11:16] for m in minutes.column("Minute")],
        "meta": {key: report.meta.get(key) for key in ("db_threshold", "max_threads", "calls", "peak", "peak_at")},
    }


def _calls_data(page: Page, day: DayPage) -> dict:
    """The day's embedded calls, gzipped JSON in base64 (a 5M-call day
    embeds some 400,000 calls; as plain JSON that is three times the
    size), with what each cell needs besides: its count, the command for
    all its calls, whether its activity has Autotask's verdict column."""
    calls = day.calls
    body = json.dumps(_columns(calls), separators=(",", ":"), ensure_ascii=True).encode("ascii")
    # Level 1: a third of level 6's time on a big day, for 15% more bytes.
    packed = base64.b64encode(gzip.compress(body, compresslevel=1, mtime=0)).decode("ascii")
    grid = day.summary.table
    return {
        "packed": packed, "rows": len(calls), "limit": calls.limit,
        "logged": sorted([s, -1 if label is None else label] for s, label in calls.logged),
        "over": [[j for j, label in enumerate(calls.labels) if grid.column(label)[i] > page.threshold]
                 for i in range(len(calls.slots))],
        "commands": {"hour": [_command(page, day, slot, None) for slot in calls.slots],
                     "cell": [[_command(page, day, slot, label) for label in calls.labels] for slot in calls.slots]},
    }


def _command(page: Page, day: DayPage, slot, label) -> str:
    return visible(shlex.join(activity_command(page, day.day, slot, label)))


TEXT_COLUMNS = ("method", "entity", "api_user", "client_ip")


def _columns(calls) -> dict:
    """The calls column by column: texts as positions in one list of
    texts (shown with control characters visible; `csv` holds each
    neutralised text that differs), numbers as numbers, times as
    milliseconds from the start of their hour."""
    import numpy as np

    if not len(calls):
        return {"n": 0}
    rows, texts = calls.rows, _TextList()
    slot_start = np.array([s.start_ns for s in calls.slots], dtype=np.int64)
    ms = (calls.ts - slot_start[calls.slot]) // 1_000_000
    first = np.r_[True, calls.slot[1:] != calls.slot[:-1]]
    steps = np.diff(ms, prepend=0)
    steps[first] = ms[first]  # each hour's first call from the hour's start, the others from the call before
    out = {"n": len(calls), "slot_rows": np.bincount(calls.slot, minlength=len(calls.slots)).tolist(),
           "ms_steps": steps.tolist(), "label": calls.label.tolist(),
           "threads": calls.threads.astype(np.int8).tolist(),
           "labels": [texts.add(label) for label in calls.labels],
           "return_count": rows.column("return_count").to_pylist(),
           "execution_ms": rows.column("execution_ms").to_pylist()}
    for name in TEXT_COLUMNS:
        out[name] = texts.column(rows.column(name))
    out["iso"] = _odd_hour_times(calls)
    if calls.logged:
        out["logged"] = texts.codes(calls.verdicts())
    out["texts"], out["csv"] = texts.shown, texts.csv
    return out


def _odd_hour_times(calls) -> dict[str, str]:
    """Local ISO times of the calls in hours that are not 60 minutes long
    (a 30-minute DST change, as at Lord Howe): the page builds every other
    time from its hour's start, which holds only in whole hours."""
    import numpy as np

    from ..timeaxis import HOUR_NS, local_iso

    odd = [i for i, slot in enumerate(calls.slots) if slot.end_ns - slot.start_ns != HOUR_NS]
    where = np.flatnonzero(np.isin(calls.slot, odd))
    if not len(where):
        return {}
    return dict(zip(map(str, where.tolist()), local_iso(calls.ts[where], calls.slots[0].start.tzinfo)))


class _TextList:
    """Texts of the calls, each once: as shown and as CSV writes it."""

    def __init__(self) -> None:
        self.at: dict[str, int] = {}
        self.shown: list[str] = []
        self.csv: dict[int, str] = {}

    def add(self, text: str) -> int:
        if text not in self.at:
            self.at[text] = len(self.shown)
            self.shown.append(visible(text))
            if neutralise(text) != self.shown[-1]:
                self.csv[self.at[text]] = neutralise(text)
        return self.at[text]

    def column(self, column) -> list[int]:
        """Positions of an Arrow text column's values (missing: ''), with
        one Python call per distinct text, not per call."""
        import numpy as np
        import pyarrow.compute as pc

        from ..arrays import int_values

        encoded = pc.dictionary_encode(column.combine_chunks() if hasattr(column, "combine_chunks") else column)
        positions = [self.add("" if v is None else str(v)) for v in encoded.dictionary.to_pylist()]
        positions.append(self.add(""))
        return np.array(positions, dtype=np.int64)[int_values(encoded.indices, null_as=len(positions) - 1)].tolist()

    def codes(self, values: list[str]) -> list[int]:
        return [self.add(v) for v in values]
