"""Numbers -> Report objects, one module per report. No printing, no rich,
no typer: a report can be built from a test, the browse app or a notebook.

    from apihourly.reports import Query, summary
    report = summary(Query.open(["logs/"], ZoneInfo("UTC")), date(2026, 11, 16))
    report.table.to_pandas()

The names below load their module on first use, so a command pays only for
the report it runs.
"""

import importlib

_HOME = {  # name -> the module it lives in, relative to this package
    "Query": ".model", "Report": ".model", "latest_day": ".model",
    "Column": ".table", "Table": ".table",
    "summary": ".hourly", "totals": ".hourly", "days": ".dates", "activity": ".drilldown",
    "heatmap_report": ".heatmap",
    "LimitSettings": ".limits", "check": ".limits", "limits_report": ".limits",
    "day_window": "..timeaxis", "range_window": "..timeaxis",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name], __name__), name)
