"""The log schema: canonical field names, the header aliases that map to them,
and the rule that puts every call in exactly one integration category."""

from __future__ import annotations

import re
import dataclasses
from dataclasses import dataclass
from functools import lru_cache

TIMESTAMP = "execution_start"
TEXT_FIELDS = ("method", "entity", "vendor", "integration", "tracking_id", "api_user", "client_ip",
               "threshold_exceeded")
INT_FIELDS = ("return_count", "execution_ms")
VERDICT = "threshold_exceeded"  # Autotask's own verdict, kept as written
CATEGORY_FIELDS = ("vendor", "integration", "tracking_id")
ALL_FIELDS = (TIMESTAMP, *TEXT_FIELDS, *INT_FIELDS)
# The Autotask tenant (database) a call was made to: Autotask's limits are
# per tenant, so logs of many tenants are reported one tenant at a time.
# Kept as text, like a folder's `tenant=` name; not a column of any report.
TENANT = "tenant"
# Text fields with few distinct values: every format reads them as
# dictionaries, so a batch holds small integer codes and each string once.
DICTIONARY_FIELDS = (*TEXT_FIELDS, TENANT)

# Autotask's limits, as documented (README, "Autotask's limits"): calls per
# hour per integration on the Activity page, requests per rolling 60 minutes
# for the whole tenant, and calls in flight per integration and entity.
DEFAULT_THRESHOLD = 10_000
DEFAULT_DB_THRESHOLD = 10_000
DEFAULT_MAX_THREADS = 3
APPROACHING_SHARE = 0.75  # Autotask slows calls from 75% of a threshold


def over_limit(calls: int, threshold: int) -> bool:
    return calls > threshold


def near_limit(calls: int, threshold: int) -> bool:
    """At or above 75% of the threshold and not over it, as the tables'
    yellow cells: an hour without calls is near nothing (which matters only
    with a threshold of 0)."""
    return 0 < calls <= threshold and calls >= APPROACHING_SHARE * threshold

# Names are compared after normalise_header(), so "Execution Start",
# "execution_start" and "EXECUTION-START" are one name; a nested name
# ("autotask.entity") matches by its whole path or by its last key.
ALIASES: dict[str, tuple[str, ...]] = {
    "execution_start": ("Execution Start", "timestamp", "ts", "time"),
    "method": ("Method",),
    "entity": ("Entity",),
    "return_count": ("Request Return Count",),
    "vendor": ("Vendor", "VendorName", "Vendor Name"),
    "integration": ("Integration Name", "CustomName", "Custom Name", "Custom Integration"),
    "tracking_id": ("Tracking ID", "ApiIntegrationCode", "IntegrationCode"),
    "api_user": ("Resource / API User", "API User", "Resource"),
    "execution_ms": ("Execution Time (ms)", "duration_ms"),
    "client_ip": ("Client IP Address", "ip"),
    # Autotask's own verdict on the call, as its Activity export writes it
    # ("Thread Count", "True", a check mark); empty when it let the call be.
    "threshold_exceeded": ("Threshold Exceeded", "ThresholdExceeded"),
    "tenant": ("Tenant", "Tenant ID", "Database", "Database ID", "Autotask Database", "Instance",
               "Zone Database"),
}
# In Autotask's Activity export, Integration Name is the vendor's name
# ("If Autotask is able to detect the integration vendor's name, it will
# appear here"). A file without a vendor column is read that way; with one,
# Integration Name is the custom integration's internal name.
INTEGRATION_NAME = "Integration Name"

UNKNOWN = "Unknown"
VENDOR, CUSTOM, UNKNOWN_KIND = "vendor", "custom", "unknown"
# A column of an hourly counts file: a vendor or a custom integration, the
# file does not say which.
INTEGRATION_KIND = "integration"
KIND_ORDER = {VENDOR: 0, INTEGRATION_KIND: 0, CUSTOM: 1, UNKNOWN_KIND: 2}
# A column of local times without their offset, written beside the ISO one
# for Excel ('Hour' and 'Hour (local)'), which cannot read offsets.
LOCAL_SUFFIX = " (local)"
# The summary's own columns (and their Excel companion) and the totals'
# footer row: an integration can never be labelled like one.
RESERVED_LABELS = ("Hour", "Hour" + LOCAL_SUFFIX, "Total calls", "Grand total")

# Hourly counts files (Autotask's Summary export, apihourly's own summary
# CSV) are known by an Hour column and no execution_start; their Date and
# Total calls columns are not integrations, nor is the Excel companion.
HOUR_COLUMN, TOTAL_COLUMN, DATE_COLUMN = "Hour", "Total calls", "Date"
COUNTS_OWN_COLUMNS = (HOUR_COLUMN, HOUR_COLUMN + LOCAL_SUFFIX, TOTAL_COLUMN, DATE_COLUMN)
# Counter samples: polls of Autotask's own request counter, REST
# ThresholdInformation (camelCase) or SOAP getThresholdAndUsageInfo (the
# same names capitalised), known by the current count's field.
COUNTER_ALIASES: dict[str, tuple[str, ...]] = {
    "current_count": ("currentTimeframeRequestCount", "Current Timeframe Request Count"),
    "threshold": ("externalRequestThreshold", "External Request Threshold"),
    "timeframe": ("requestThresholdTimeframe", "Request Threshold Timeframe"),
}
# A sample's time: any name of a call's execution_start, or one a poller writes.
COUNTER_TIME_ALIASES = ("polled_at", "sampled_at", "sample_time", "poll_time", "checked_at")
DEFAULT_TIMEFRAME_MINUTES = 60  # Autotask's rolling window, when a sample does not say
CALLS, COUNTS, COUNTER = "calls", "counts", "counter"  # what an input file holds


@lru_cache(maxsize=4096)  # a folder of thousands of files repeats a few dozen names
def normalise_header(name: str) -> str:
    """Lower-case a header and drop everything but letters and digits."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


_LOOKUP = {
    normalise_header(alias): field
    for field, aliases in ALIASES.items()
    for alias in (field, *aliases)
}


def accepted_names(field: str) -> tuple[str, ...]:
    return (field, *ALIASES[field])


def field_of(name: str) -> tuple[str | None, bool]:
    """The canonical field a column name means, if any, and whether by the
    whole name (True) or, for a nested name such as 'autotask.entity', by
    its last key (False)."""
    field = _LOOKUP.get(normalise_header(name))
    if field is not None:
        return field, True
    if "." in name:
        return _LOOKUP.get(normalise_header(name.rsplit(".", 1)[1])), False
    return None, False


def match_columns(names: list[str]) -> tuple[dict[str, str], list[tuple[str, list[str]]]]:
    """Map canonical field -> the file's column name.

    A whole-name match beats matches by last key (`ts` is the time, not
    `response.time`). Returns the mapping and a list of (field, [columns])
    for fields that more than one column claims equally, which the caller
    reports as an error.
    """
    claims: dict[str, dict[bool, list[str]]] = {}
    for name in names:
        field, whole = field_of(name)
        if field:
            claims.setdefault(field, {}).setdefault(whole, []).append(name)
    best = {field: by.get(True) or by[False] for field, by in claims.items()}
    mapping = {field: cols[0] for field, cols in best.items()}
    clashes = [(field, cols) for field, cols in best.items() if len(cols) > 1]
    integration = mapping.get("integration")
    if "vendor" not in mapping and integration and normalise_header(integration) == normalise_header(INTEGRATION_NAME):
        mapping["vendor"] = mapping.pop("integration")
    return mapping, clashes


def input_kind(names: list[str]) -> str:
    """What a file with these columns holds: calls (one per row), hourly
    counts, or samples of Autotask's request counter."""
    normalised = {normalise_header(name) for name in names}
    if normalise_header(COUNTER_ALIASES["current_count"][0]) in normalised:
        return COUNTER
    if normalise_header(HOUR_COLUMN) in normalised and TIMESTAMP not in match_columns(names)[0]:
        return COUNTS
    return CALLS


@dataclass(frozen=True, order=True)
class Category:
    """One summary column: a vendor, a custom integration, Unknown, or an
    integration of an hourly counts file. `rank`, a column's place in an
    hourly counts file, keeps the file's order after the vendors (whatever
    the kind, so a file read back has its columns as written) and plays no
    part in equality."""

    kind: str
    name: str
    rank: int = dataclasses.field(default=0, compare=False)

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        return (KIND_ORDER[self.kind] if not self.rank else 0, self.rank, self.name.casefold(), self.name)


def clean(value: object) -> str:
    """Text of an optional field; missing, NaN and blank all become ''."""
    if value is None or value != value:  # None or NaN
        return ""
    return str(value).strip()


def category_of(vendor: object, integration: object, tracking_id: object) -> Category:
    """The vendor when there is one; else the custom integration, named by its
    internal name or its tracking id; else Unknown."""
    vendor, integration, tracking_id = clean(vendor), clean(integration), clean(tracking_id)
    if vendor:
        return Category(VENDOR, vendor)
    if integration or tracking_id:
        return Category(CUSTOM, integration or tracking_id)
    return Category(UNKNOWN_KIND, UNKNOWN)


def category_of_key(key: tuple) -> Category:
    """The category of a count's key (after its hour): a (vendor,
    integration, tracking id) of calls, or the Category an hourly counts
    file gave."""
    return key[0] if isinstance(key[0], Category) else category_of(*key)


def column_labels(categories: set[Category]) -> dict[Category, str]:
    """A distinct column label for every category.

    Vendors keep their names. A custom integration named like a vendor (or
    'Unknown') is told apart with a ' (custom)' suffix, and a vendor called
    'Unknown' with ' (vendor)', so no two categories ever share a column;
    nor does one share a name with the summary's own columns (Hour, Total
    calls) or the totals' Grand total row. An integration of an hourly
    counts file is the column of the same label when the call logs have one
    (its counts were written from that label), else one of its own.
    """
    taken = {name.casefold() for name in (UNKNOWN, *RESERVED_LABELS)}
    labels: dict[Category, str] = {}
    given = {cat for cat in categories if cat.kind == INTEGRATION_KIND}
    for cat in sorted(categories - given, key=lambda c: c.sort_key):
        labels[cat] = _distinct(cat, taken)
    by_label = {label: label for label in labels.values()}
    for cat in sorted(given, key=lambda c: c.sort_key):
        labels[cat] = by_label.get(cat.name) or _distinct(cat, taken)
    return labels


_SUFFIXES = {VENDOR: " (vendor)", CUSTOM: " (custom)", INTEGRATION_KIND: " (integration)", UNKNOWN_KIND: ""}


def _distinct(cat: Category, taken: set[str]) -> str:
    """The category's name, suffixed until no label taken so far has it."""
    label = cat.name
    while cat.kind != UNKNOWN_KIND and label.casefold() in taken:
        label += _SUFFIXES[cat.kind]
    taken.add(label.casefold())
    return label
