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
