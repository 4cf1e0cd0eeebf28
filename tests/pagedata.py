"""Reading an HTML report back as data, for tests: its JSON block, a day's
embedded calls unpacked, and a cell's calls written as CSV by the rules the
page's script follows, so that tests can set them beside the CLI's."""

from __future__ import annotations

import base64
import gzip
import json
import re

DATA_BLOCK = re.compile(r'<script type="application/json" id="data">(.*?)</script>', re.S)


def page_json(html: str) -> dict:
    return json.loads(DATA_BLOCK.search(html).group(1))


def unpacked_calls(day: dict) -> dict:
    """A day's calls with each call's hour (`slot`) and start in ms from it (`ms`)."""
    calls = json.loads(gzip.decompress(base64.b64decode(day["calls"]["packed"])))
    slots, ms = [], []
    for slot, rows in enumerate(calls.get("slot_rows", [])):
        for k in range(rows):
            ms.append((ms[-1] if k else 0) + calls["ms_steps"][len(slots)])
            slots.append(slot)
    calls["slot"], calls["ms"] = slots, ms
    return calls


def cell_rows(calls: dict, slot: int, label: int | None, limit: int) -> list[int]:
    picked = [i for i in range(calls["n"]) if calls["slot"][i] == slot and label in (None, calls["label"][i])]
    return picked[:limit]


def cell_csv(data: dict, day: str, slot: int, label: int | None) -> str:
    """The CSV the page exports for a cell (label None: the whole hour)."""
    day_data = data["dates"][day]
    calls = unpacked_calls(day_data)
    logged = [slot, -1 if label is None else label] in day_data["calls"]["logged"]
    columns = data["activity_columns"] + ([data["logged_column"]] if logged else [])
    lines = [_line(columns)]
    for i in cell_rows(calls, slot, label, day_data["calls"]["limit"]):
        lines.append(_line(_call_values(calls, day_data, slot, i, logged)))
    return "".join(lines)


def _call_values(calls: dict, day_data: dict, slot: int, i: int, logged: bool) -> list[str]:
    def text(k):
        return calls["csv"].get(str(k), calls["texts"][k])

    def number(v):
        return "" if v is None else str(v)

    hourly = calls["label"][i] in day_data["calls"]["over"][slot]
    reason = "+".join(name for name, hit in (("hourly", hourly), ("threads", calls["threads"][i])) if hit)
    start = calls["iso"].get(str(i)) or _iso(day_data["hour_starts"][slot], calls["ms"][i])
    values = [text(calls["method"][i]), text(calls["entity"][i]), number(calls["return_count"][i]),
              text(calls["labels"][calls["label"][i]]), text(calls["api_user"][i]), start,
              number(calls["execution_ms"][i]), "true" if hourly else "false", text(calls["client_ip"][i]), reason]
    return values + ([text(calls["logged"][i])] if logged else [])


def _iso(hour_start: str, ms: int) -> str:
    return f"{hour_start[:14]}{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}{hour_start[19:]}"


def _line(values: list[str]) -> str:
    return ",".join('"' + v.replace('"', '""') + '"' if re.search('[,"\r\n]', v) else v for v in values) + "\n"
