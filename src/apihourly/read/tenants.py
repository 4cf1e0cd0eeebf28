"""Which Autotask tenant (database) a call was made to, and which tenant a
report is about.

Autotask's limits are per tenant: two tenants at 6,000 calls an hour each
are not one at 12,000. A file says its calls' tenant by a `tenant` column
(row by row) or by sitting in a hive-style `tenant=NAME` folder; a file
that does neither is a file "without a tenant", the logs of a single tenant
as most people hold them. A report reads one tenant's calls:

- named with --tenant: the files of that tenant, their rows of that tenant;
- none named, and some files without a tenant: those files, as before
  tenants were known (the others are named in a note);
- none named, and one tenant in the logs: that tenant;
- none named, and several: an error naming them, since mixing them would
  invent breaches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ApihourlyError, BadOption
from ..words import plural

_PARTITION = re.compile(r"^tenant=(.*)$")
SHOWN_NAMES = 5  # tenants named in a message before "..."


class TenantsNotNamed(ApihourlyError):
    """Logs of several tenants and none named: a usage error (exit 2)."""

    exit_code = 2


class AnyTenant:
    """The selection of `apihourly tenants`: every call that has a tenant."""

    def __repr__(self) -> str:
        return "ANY_TENANT"

    def __reduce__(self) -> str:
        return "ANY_TENANT"  # the one instance, also in worker processes (compared with `is`)


ANY_TENANT = AnyTenant()


def partition_tenant(path: Path) -> str | None:
    """The tenant of the innermost hive-style `tenant=NAME` folder the file sits in."""
    for part in reversed(path.parent.parts):
        if m := _PARTITION.match(part):
            return m.group(1).strip() or None
    return None


@dataclass
class Choice:
    """The tenant a report reads (None: every call, the logs name no tenant
    or the report reads the files without one) and the files it keeps."""

    tenant: str | None
    kept: set[Path]
    notes: list[str] = field(default_factory=list)


def choose(named: dict[Path, set[str] | None], wanted: str | None) -> Choice:
    """The tenant to report and the files that hold it, from each file's
    tenants (None for a file without a tenant), by the rules of the module
    docstring."""
    tenants = sorted(set().union(*(names for names in named.values() if names)))
    without = {path for path, names in named.items() if not names}
    if wanted is not None:
        return _named(named, tenants, without, wanted)
    if not tenants:
        return Choice(None, set(named))
    if without:
        left = len(named) - len(without)
        return Choice(None, without, [f"left out {plural(left, 'file')} of {plural(len(tenants), 'tenant')} "
                                      f"({listed(tenants)}): name one with --tenant, or compare them with "
                                      "'apihourly tenants'"])
    if len(tenants) == 1:
        return Choice(tenants[0], set(named))
    raise TenantsNotNamed(f"the logs hold {len(tenants):,} tenants ({listed(tenants)}); name one with --tenant, "
                          "or compare them with 'apihourly tenants'")


def _named(named: dict, tenants: list[str], without: set[Path], wanted: str) -> Choice:
    wanted = wanted.strip()
    if not tenants:
        raise BadOption(f"the logs name no tenant (no tenant column, no tenant= folder), so there is no "
                        f"tenant {wanted!r} to report", "--tenant")
    if wanted not in tenants:
        raise BadOption(f"no calls of tenant {wanted!r} in the logs; they hold {plural(len(tenants), 'tenant')} "
                        f"({listed(tenants)})", "--tenant")
    kept = {path for path, names in named.items() if names and wanted in names}
    notes = [f"left out {plural(len(without), 'file')} without a tenant (no tenant column, no tenant= folder)"]
    return Choice(wanted, kept, notes if without else [])


def listed(names: list[str]) -> str:
    """The first few names, then '...' when there are more."""
    return ", ".join(names[:SHOWN_NAMES]) + (", ..." if len(names) > SHOWN_NAMES else "")


def matching(column, tenant):
    """(keep, blank): Arrow booleans of the rows of `tenant` (or of any
    tenant, for ANY_TENANT) and of the rows whose tenant is empty. Names are
    compared trimmed, as a folder's are; a dictionary column is compared
    through its few distinct values, once per batch."""
    import numpy as np
    import pyarrow as pa

    from ..arrays import bool_array, int_values

    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    names = [(v or "").strip() for v in column.dictionary.to_pylist()] + [""]  # the last: a missing value
    blank = np.array([not name for name in names])
    keep = ~blank if tenant is ANY_TENANT else np.array([name == tenant for name in names])
    codes = int_values(column.indices, null_as=len(names) - 1)
    return bool_array(keep[codes]), bool_array(blank[codes])
