"""Numbers -> Report objects, one module per report. No printing, no rich,
no typer: a report can be built from a test, the browse app or a notebook.

    from apihourly.reports import Query, summary
    report = summary(Query.open(["logs/"], ZoneInfo("UTC")), date(2026, 11, 16))
    report.table.to_pandas()
"""

from ..timeaxis import day_window, range_window
from .dates import days
from .drilldown import activity
from .hourly import summary, totals
from .limits import LimitSettings, check, limits_report
from .model import Query, Report, latest_day
from .table import Column, Table

__all__ = ["Column", "LimitSettings", "Query", "Report", "Table", "activity", "check", "day_window", "days",
           "latest_day", "limits_report", "range_window", "summary", "totals"]
