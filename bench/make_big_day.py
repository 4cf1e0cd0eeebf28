"""Write one day of N calls (default 10 million) as Parquet, for timing
`apihourly limits` against `apihourly summary`.

    python bench/make_big_day.py /tmp/big --calls 10000000
    time apihourly summary --logs /tmp/big --date 2026-11-16 --tz UTC > /dev/null
    time apihourly limits  --logs /tmp/big --date 2026-11-16 --tz UTC > /dev/null
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DAY_START_MS = 1_794_787_200_000  # 2026-11-16T00:00:00Z
VENDORS = ["Datto RMM", "IT Glue", "BrightGauge", "Liongard", "", "", ""]
CUSTOM = ["", "", "", "", "Billing Sync", "", ""]
TRACKING = ["", "", "", "", "BILL-1", "TRK-7F3A9", ""]
ENTITIES = ["Tickets", "Companies", "Contacts", "ConfigurationItems", "TicketNotes", "Projects", "Resources"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--calls", type=int, default=10_000_000)
    parser.add_argument("--files", type=int, default=4)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    # the day plus the hour before, so `limits` has a window to look back into
    starts = np.sort(rng.integers(DAY_START_MS - 3_600_000, DAY_START_MS + 86_400_000, args.calls))
    source = rng.integers(0, len(VENDORS), args.calls)
    for i, chunk in enumerate(np.array_split(np.arange(args.calls), args.files)):
        table = _table(starts[chunk], source[chunk], rng)
        pq.write_table(table, args.folder / f"calls-{i}.parquet", row_group_size=1 << 20)


def _table(starts, source, rng) -> pa.Table:
    n = len(starts)

    def pick(values):
        return pa.DictionaryArray.from_arrays(pa.array(source, pa.int32()), pa.array(values))

    return pa.table({
        "execution_start": pa.array(starts, pa.timestamp("ms", "UTC")),
        "method": pa.DictionaryArray.from_arrays(pa.array(rng.integers(0, 2, n), pa.int32()),
                                                 pa.array(["query", "update"])),
        "entity": pa.DictionaryArray.from_arrays(pa.array(rng.integers(0, len(ENTITIES), n), pa.int32()),
                                                 pa.array(ENTITIES)),
        "return_count": pa.array(rng.integers(0, 500, n)),
        "vendor": pick(VENDORS), "integration": pick(CUSTOM), "tracking_id": pick(TRACKING),
        "api_user": pa.array(["api@example.net"] * n).dictionary_encode(),
        "execution_ms": pa.array(rng.integers(5, 400, n)),
        "client_ip": pa.array(["192.0.2.1"] * n).dictionary_encode(),
    })


if __name__ == "__main__":
    main()
