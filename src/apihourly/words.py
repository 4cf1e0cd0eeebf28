"""How apihourly words things for people, the one copy every stage uses:
counts with their nouns, untrusted text with its invisible and control
characters made visible, and text a spreadsheet would run made inert (and
read back as it was)."""

import re


def plural(count: int, noun: str, many: str = "") -> str:
    """'1 call', '2,000 calls'; `many` for a noun that takes more than an
    s: plural(3, "stretch", "stretches")."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


# C0 controls, DEL and C1 controls (ESC, OSC and CSI sequences start here);
# the bidirectional overrides, isolates and marks (LRM, RLM, ALM) that make
# text read differently; and the invisible characters that make two labels
# look alike: zero-width space and joiners, word joiner and invisible
# operators, line and paragraph separators, the BOM, and tag characters.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064"
                      "\u2066-\u206f\ufeff\U000e0000-\U000e007f]")


def visible(text: str) -> str:
    """Control characters (ESC, OSC, CSI, BEL, DEL, ...) as visible escapes."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# A cell starting with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets (OWASP "CSV Injection"); a leading quote makes it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading
    quote; a plain number such as -5 is left alone. Text that would read
    back as neutralised ("'=x" itself) gets a quote too, so that
    `restored` gives back exactly what was written."""
    return "'" + text if _would_run(text.lstrip("'")) else text


def restored(text: str) -> str:
    """What `neutralise` was given: one leading quote taken off text it added one to."""
    return text[1:] if text.startswith("'") and _would_run(text.lstrip("'")) else text


def _would_run(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(text)
