"""activity: the calls behind one summary cell, in order, with the
threshold flag of their integration."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from fixtures import activity_at

from apihourly.errors import NoSuchCell
from apihourly.read.scan import LogSet
from apihourly.reports import Query
from apihourly.reports.drilldown import COLUMNS

UTC = ZoneInfo("UTC")
DAY = date(2026, 11, 15)


def test_activity_drills_into_one_cell_sorted_with_threshold_flag(known_query):
    report = activity_at(known_query, DAY, "14", "datto rmm")
    frame = report.to_pandas()
    assert len(frame) == 10_001
    assert list(frame.columns) == [column.name for column in COLUMNS]
    assert frame["Threshold Exceeded"].all()
    assert frame["Integration Name"].unique().tolist() == ["Datto RMM"]
    assert frame["Execution Start"].iloc[0] == "2026-11-15T14:00:00.000+00:00"
    assert frame["Execution Start"].is_monotonic_increasing
    assert frame["Entity"].iloc[0] == "Devices"
    assert frame["Request Return Count"].iloc[0] == 1


def test_activity_for_custom_and_unknown_columns(known_query):
    custom = activity_at(known_query, DAY, "2PM", "Acme (custom)").to_pandas()
    assert len(custom) == 2 and not custom["Threshold Exceeded"].any()
    assert activity_at(known_query, DAY, "23:00", "unknown").to_pandas().shape[0] == 5
    assert activity_at(known_query, DAY, "20", "Unknown (custom)").to_pandas().shape[0] == 1


def test_activity_with_a_label_unknown_that_day_lists_the_labels_that_have_calls(known_query):
    with pytest.raises(NoSuchCell, match=r"'Nope' at 2026-11-15T14:00:00\+00:00.*Datto RMM \(10,001\), Acme \(3\)"):
        activity_at(known_query, DAY, "14", "Nope")


def test_activity_of_an_integration_without_calls_in_that_hour_is_empty(known_query):
    report = activity_at(known_query, DAY, "14", "it glue")  # IT Glue's calls are at 09:00
    assert len(report.table) == 0 and report.table.names == [column.name for column in COLUMNS]
    assert report.covers == {"date": "2026-11-15", "hour_start": "2026-11-15T14:00:00+00:00", "integration": "IT Glue"}
    assert report.meta == {"max_threads": 3, "calls": 0}
    assert report.notes == ["no calls for IT Glue at 2026-11-15T14:00:00+00:00"]


def test_activity_of_every_category_marks_only_the_calls_of_the_category_over_the_limit(known_query):
    frame = activity_at(known_query, DAY, "14", None).to_pandas()
    assert len(frame) == 10_006
    assert frame.groupby("Integration Name")["Threshold Exceeded"].agg(["size", "all", "any"]).to_dict("index") == {
        "Acme": {"size": 3, "all": False, "any": False},
        "Acme (custom)": {"size": 2, "all": False, "any": False},
        "Datto RMM": {"size": 10_001, "all": True, "any": True},
    }
    assert frame["Execution Start"].is_monotonic_increasing


def test_activity_of_every_category_in_an_empty_hour_is_empty_and_says_so(known_query):
    report = activity_at(known_query, DAY, "5", None)
    assert len(report.table) == 0 and report.covers["integration"] is None
    assert report.notes == ["no calls at 2026-11-15T05:00:00+00:00"]


def test_total_calls_means_every_call_of_the_hour(known_query):
    every = activity_at(known_query, DAY, "14", None)
    assert activity_at(known_query, DAY, "14", " total CALLS ").table == every.table
    assert len(every.table) == 10_006 and every.title == "every integration, 2026-11-15T14:00:00+00:00"


def test_activity_on_a_date_without_calls_is_empty_and_names_the_nearest_dates(known_query):
    report = activity_at(known_query, date(2026, 11, 20), "10", None)
    assert len(report.table) == 0
    assert report.notes == ["no activity on 2026-11-20; nearest dates with activity: 2026-11-15"]
    with pytest.raises(NoSuchCell, match=r"^no calls for 'Acme' at 2026-11-20T10:00:00\+00:00; that hour has no calls$"):
        activity_at(known_query, date(2026, 11, 20), "10", "Acme")


def test_autotasks_own_verdict_is_kept_beside_the_replay(logdir):
    """Four calls at once on one entity: the replay flags the fourth (threads);
    Autotask's export marked the third and fourth."""
    header = ["Execution Start", "Entity", "Integration Name", "Execution Time (ms)", "Threshold Exceeded"]
    rows = [["2026-11-15T10:00:00.000Z", "Tickets", "Datto RMM", "1000", ""],
            ["2026-11-15T10:00:00.100Z", "Tickets", "Datto RMM", "1000", "False"],
            ["2026-11-15T10:00:00.200Z", "Tickets", "Datto RMM", "1000", " Thread Count "],
            ["2026-11-15T10:00:00.300Z", "Tickets", "Datto RMM", "1000", "Thread Count"]]
    (logdir / "export.csv").write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n")
    report = activity_at(Query(LogSet.open([str(logdir)]), UTC), DAY, "10", "Datto RMM")
    assert report.table.names[-3:] == ["Client IP Address", "Limit Reason", "Logged Threshold Exceeded"]
    assert report.table.column("Logged Threshold Exceeded") == ["", "", "Thread Count", "Thread Count"]
    assert report.table.column("Limit Reason") == ["", "", "", "threads"]
    assert report.notes == ["Autotask marked 1 call the replay did not flag, and the replay flagged 0 calls "
                            "Autotask did not mark: the difference is what the logs cannot see (other tools' "
                            "calls, Autotask's own counting)"]


def test_logs_without_a_verdict_have_no_verdict_column(known_query):
    assert "Logged Threshold Exceeded" not in activity_at(known_query, DAY, "14", "Datto RMM").table.names


def test_a_label_without_calls_names_the_ten_busiest_others_shortened(logdir):
    from make_logs import call, write_csv

    names = [f"Vendor {i:02d} " + "x" * 100 for i in range(25)]
    write_csv(logdir / "a.csv", [call(f"2026-11-15T10:{i:02d}:00Z", vendor=name) for i, name in enumerate(names)])
    with pytest.raises(NoSuchCell) as caught:
        activity_at(Query(LogSet.open([str(logdir)]), UTC), DAY, "10", "Nobody")
    message = str(caught.value)
    assert message.startswith("no calls for 'Nobody' at 2026-11-15T10:00:00+00:00; integrations with calls: "
                              f"{names[0][:60]}… (1), ")
    assert message.endswith(" (1) and 15 more") and len(message) < 1_000
