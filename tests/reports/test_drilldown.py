"""activity: the calls behind one summary cell, in order, with the
threshold flag of their integration."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from fixtures import activity_at

from apihourly.errors import NoSuchCell
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


def test_activity_with_a_label_without_calls_lists_the_labels_that_have_some(known_query):
    with pytest.raises(NoSuchCell, match=r"'IT Glue' at 2026-11-15T14:00:00\+00:00.*Datto RMM \(10,001\), Acme \(3\)"):
        activity_at(known_query, DAY, "14", "IT Glue")


def test_activity_of_every_category_marks_only_the_calls_of_the_category_over_the_limit(known_query):
    frame = activity_at(known_query, DAY, "14", None).to_pandas()
    assert len(frame) == 10_006
    assert frame.groupby("Integration Name")["Threshold Exceeded"].agg(["size", "all", "any"]).to_dict("index") == {
        "Acme": {"size": 3, "all": False, "any": False},
        "Acme (custom)": {"size": 2, "all": False, "any": False},
        "Datto RMM": {"size": 10_001, "all": True, "any": True},
    }
    assert frame["Execution Start"].is_monotonic_increasing


def test_activity_of_every_category_in_an_empty_hour_says_so(known_query):
    with pytest.raises(NoSuchCell, match=r"^no calls at 2026-11-15T05:00:00\+00:00$"):
        activity_at(known_query, DAY, "5", None)
