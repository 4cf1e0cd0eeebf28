"""Logs that grow while a test watches them: CSV and JSON Lines lines of
calls at given instants, appended as a logger would."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from make_logs import iso_z

HEADER = "Execution Start,Method,Entity,Vendor Name,Integration Name,Tracking ID,Execution Time (ms)\n"


def csv_line(moment: datetime, vendor: str = "Datto RMM", entity: str = "Tickets", ms: int = 50) -> str:
    quoted = '"' + vendor.replace('"', '""') + '"'
    return f"{iso_z(moment)},query,{entity},{quoted},,,{ms}\n"


def json_line(moment: datetime, vendor: str = "Datto RMM", entity: str = "Tickets", ms: int = 50) -> str:
    return json.dumps({"execution_start": iso_z(moment), "entity": entity, "vendor": vendor,
                       "execution_ms": ms}) + "\n"


def calls(first: datetime, n: int, every: timedelta = timedelta(seconds=1), line=csv_line, **fields) -> str:
    """n lines of calls, one every `every` from `first`."""
    return "".join(line(first + i * every, **fields) for i in range(n))


def append(path: Path, text: str) -> None:
    """Write to the end of `path` (made when missing), as a logger does."""
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(text)


def new_csv(path: Path, text: str = "") -> Path:
    path.write_text(HEADER + text, encoding="utf-8", newline="")
    return path
