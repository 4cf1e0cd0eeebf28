"""How apihourly words numbers in messages, the one copy every stage uses."""


def plural(count: int, noun: str) -> str:
    """'1 call', '2,000 calls'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
