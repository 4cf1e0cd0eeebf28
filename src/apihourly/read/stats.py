"""What a scan read: rows counted, rows skipped (per file, per reason, with
the first few positions), optional values that could not be read and were
left empty, and notices worth telling the user. Numbers only; how they are
worded is output's business."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SHOWN_POSITIONS = 3  # positions (lines or rows) kept per file and reason


@dataclass
class Skip:
    """Rows of one file skipped for one reason, with the first few positions."""

    count: int = 0
    where: list[int] = field(default_factory=list)
    unit: str = "lines"

    def add(self, positions: list[int], count: int | None = None) -> None:
        self.count += len(positions) if count is None else count
        self.where = sorted(self.where + positions)[:SHOWN_POSITIONS]


@dataclass
class ScanStats:
    """What a scan read. Rows read = rows counted + rows skipped, where read
    means rows inside the report's period plus rows whose time is unknown."""

    files: int = 0
    rows: int = 0  # counted: usable rows inside the window
    skipped: dict[str, dict[str, Skip]] = field(default_factory=dict)  # file -> reason -> Skip
    emptied: dict[str, dict[str, Skip]] = field(default_factory=dict)  # file -> field -> values left empty
    notices: dict[str, list[str]] = field(default_factory=dict)  # file -> things worth saying
    tallies: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)  # file -> (noun, what) -> count
    given: int = 0  # calls taken from hourly counts files (inside the window), not read one by one
    warned: dict[str, list[str]] = field(default_factory=dict)  # file -> problems worth a warning
    tenant: str | None = None  # the one tenant whose calls were read, when the logs name tenants

    @property
    def calls(self) -> int:
        """Every call counted: read one by one, or given as hourly counts."""
        return self.rows + self.given

    @property
    def skipped_rows(self) -> int:
        return sum(s.count for reasons in self.skipped.values() for s in reasons.values())

    @property
    def read(self) -> int:
        return self.rows + self.skipped_rows

    def skip(self, path: Path, reason: str, positions: list[int], count: int | None = None,
             unit: str = "lines") -> None:
        """Rows of `path` not counted, for `reason`."""
        if positions or count:
            self.skipped.setdefault(str(path), {}).setdefault(reason, Skip(unit=unit)).add(positions, count)

    def empty(self, path: Path, field: str, positions: list[int], count: int, unit: str = "lines") -> None:
        """Values of an optional field that could not be read: their calls count, without them."""
        self.emptied.setdefault(str(path), {}).setdefault(field, Skip(unit=unit)).add(positions, count)

    def note(self, path: Path, text: str) -> None:
        """Something worth saying about a file, said once."""
        said = self.notices.setdefault(str(path), [])
        if text not in said:
            said.append(text)

    def warn(self, path: Path, text: str) -> None:
        """A problem with a file that does not stop the report, said once."""
        said = self.warned.setdefault(str(path), [])
        if text not in said:
            said.append(text)

    def tally(self, path: Path, noun: str, what: str, count: int) -> None:
        """Values of a file read by a rule worth saying: '579 local times read as ...'."""
        if count:
            counts = self.tallies.setdefault(str(path), {})
            counts[(noun, what)] = counts.get((noun, what), 0) + count

    def skips_of(self, path: Path) -> dict[str, Skip]:
        """This file's skipped rows: a row is skipped only when its time is
        unknown, so every read of the file skips them, whatever its window."""
        return {reason: Skip(s.count, list(s.where), s.unit) for reason, s in self.skipped.get(str(path), {}).items()}

    def replay(self, path: Path, skips: dict[str, Skip]) -> None:
        for reason, s in skips.items():
            self.skip(path, reason, s.where, s.count, s.unit)

    def add(self, other: "ScanStats") -> None:
        """Everything `other` read (files and rows too): parts of one read
        made apart, as by worker processes."""
        self.files += other.files
        self.rows += other.rows
        self.given += other.given
        self.tenant = self.tenant or other.tenant
        self.add_messages(other)

    def add_messages(self, other: "ScanStats", shift: int | None = 0) -> None:
        """What `other` skipped, left empty, noted and tallied, without its
        files and rows: how a report tells of files read beside its calls.
        Files are kept by name as given (a URL would not survive Path()).
        Positions move by `shift` (a part read from further into its file);
        None: where in the file the part began is not known, and positions
        are left out, the counts kept."""
        for path, skips in other.skipped.items():
            for reason, s in skips.items():
                self.skip(path, reason, _moved(s.where, shift), s.count, s.unit)
        for path, fields in other.emptied.items():
            for name, s in fields.items():
                self.empty(path, name, _moved(s.where, shift), s.count, s.unit)
        for path, texts in other.notices.items():
            for text in texts:
                self.note(path, text)
        for path, texts in other.warned.items():
            for text in texts:
                self.warn(path, text)
        for path, counts in other.tallies.items():
            for (noun, what), count in counts.items():
                self.tally(path, noun, what, count)


def _moved(positions: list[int], shift: int | None) -> list[int]:
    return [] if shift is None else [position + shift for position in positions]
