from apihourly import schema
from apihourly.schema import CUSTOM, UNKNOWN_KIND, VENDOR, Category, category_of, column_labels


def test_headers_match_canonical_display_and_alias_names_ignoring_case_and_punctuation():
    names = ["EXECUTION-START", "Request Return Count", "VendorName", "custom_name", "ApiIntegrationCode",
             "Resource / API User", "Execution Time (ms)", "ip", "Method", "entity", "extra"]
    mapping, clashes = schema.match_columns(names)
    assert clashes == []
    assert mapping == {
        "execution_start": "EXECUTION-START", "return_count": "Request Return Count", "vendor": "VendorName",
        "integration": "custom_name", "tracking_id": "ApiIntegrationCode", "api_user": "Resource / API User",
        "execution_ms": "Execution Time (ms)", "client_ip": "ip", "method": "Method", "entity": "entity",
    }


def test_two_columns_meaning_one_field_are_reported_as_a_clash():
    _, clashes = schema.match_columns(["timestamp", "Execution Start", "Vendor"])
    assert clashes == [("execution_start", ["timestamp", "Execution Start"])]


def test_category_is_vendor_then_custom_name_then_tracking_id_then_unknown():
    assert category_of("Datto RMM", "Sync", "X1") == Category(VENDOR, "Datto RMM")
    assert category_of("  ", "Sync", "X1") == Category(CUSTOM, "Sync")
    assert category_of(None, "", "X1") == Category(CUSTOM, "X1")
    assert category_of(float("nan"), None, " ") == Category(UNKNOWN_KIND, "Unknown")


def test_custom_integrations_named_like_a_vendor_or_unknown_get_their_own_column():
    cats = {Category(VENDOR, "Acme"), Category(CUSTOM, "acme"), Category(CUSTOM, "Unknown"),
            Category(UNKNOWN_KIND, "Unknown"), Category(VENDOR, "Unknown")}
    labels = column_labels(cats)
    assert labels == {
        Category(VENDOR, "Acme"): "Acme",
        Category(VENDOR, "Unknown"): "Unknown (vendor)",
        Category(CUSTOM, "acme"): "acme (custom)",
        Category(CUSTOM, "Unknown"): "Unknown (custom)",
        Category(UNKNOWN_KIND, "Unknown"): "Unknown",
    }
    assert len({label.casefold() for label in labels.values()}) == len(cats)


def test_no_integration_is_labelled_like_the_summarys_own_columns():
    cats = {Category(VENDOR, "Hour"), Category(CUSTOM, "total calls"), Category(VENDOR, "Total Calls")}
    assert column_labels(cats) == {
        Category(VENDOR, "Hour"): "Hour (vendor)",
        Category(VENDOR, "Total Calls"): "Total Calls (vendor)",
        Category(CUSTOM, "total calls"): "total calls (custom)",
    }


def test_nested_names_match_by_their_whole_path_or_their_last_key():
    mapping, clashes = schema.match_columns(["@timestamp", "http.method", "autotask.entity",
                                             "autotask.apiIntegrationCode", "duration_ms", "http.status"])
    assert clashes == []
    assert mapping == {"execution_start": "@timestamp", "method": "http.method", "entity": "autotask.entity",
                       "tracking_id": "autotask.apiIntegrationCode", "execution_ms": "duration_ms"}


def test_integration_name_is_the_vendor_in_a_file_without_a_vendor_column():
    export = ["Execution Start", "Integration Name", "Tracking ID", "Threshold Exceeded"]
    assert schema.match_columns(export)[0] == {"execution_start": "Execution Start", "vendor": "Integration Name",
                                               "tracking_id": "Tracking ID",
                                               "threshold_exceeded": "Threshold Exceeded"}
    both = ["Execution Start", "Vendor Name", "Integration Name"]
    assert schema.match_columns(both)[0] == {"execution_start": "Execution Start", "vendor": "Vendor Name",
                                             "integration": "Integration Name"}
    custom = ["Execution Start", "CustomName"]  # another name for a custom integration stays one
    assert schema.match_columns(custom)[0] == {"execution_start": "Execution Start", "integration": "CustomName"}


def test_a_whole_name_beats_a_last_key_and_two_last_keys_clash():
    mapping, clashes = schema.match_columns(["ts", "response.time", "autotask.entity"])
    assert mapping == {"execution_start": "ts", "entity": "autotask.entity"} and clashes == []
    _, clashes = schema.match_columns(["ts", "http.method", "autotask.method"])
    assert clashes == [("method", ["http.method", "autotask.method"])]
