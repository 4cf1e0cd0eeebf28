"""Logs followed as they grow, like `tail -F`, for `apihourly watch`.

A file is known by its inode, not its name, and kept open: a log rotated
by renaming (app.csv -> app-2026-11-27.csv, or out of the folder) is read
to its end under whatever name it has, and the new file at the old name is
a new file, read from its start. Nothing is counted twice or lost:
  - only whole lines are read; a line still being written waits for its end;
  - a file that shrank was truncated (copytruncate): it is read again from
    its start, and what it held before stays counted;
  - a file whose name no longer matches is read a few more polls (writers
    may still finish a line into it), then closed.
CSV and JSON Lines grow by lines and are followed; gzipped and Parquet
files are read once, on the first poll (a compressed rotation holds lines
already counted from the file it was made from), and later ones are noted
and passed over. A file last written before the window could begin is not
read at all on the first poll, only followed from its end: a folder of
years of daily logs starts at once. A file not written to for a while has
its handle closed, and opened again by its inode's name when it grows.

Every read becomes canonical Arrow tables through the usual readers: the
new lines (after the CSV's header lines, kept from its start) are held in
memory as a `Grown` log, named as the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .. import schema
from ..errors import ApihourlyError, LogFormatError, NoLogsFound
from .canonical import TimeRules
from .discovery import discover
from .files import open_log
from .formats import format_of
from .remote import Grown, gzipped
from .scan import LogSet
from .stats import ScanStats
from .tenants import partition_tenant

FOLLOWED = ("csv", "jsonl")  # formats a file grows by lines in
BLOCK_BYTES = 16 << 20  # read at once: a block's calls are counted before the next is read
GRACE_POLLS = 3  # polls a file is still read after its name stopped matching
IDLE_POLLS = 600  # polls without growth after which a file's handle is closed (reopened when it grows)
HEAD_BYTES = 1 << 16  # read at a file's ends to follow it from its end: its header, its last line
NOT_FOLLOWED = "gzipped or Parquet: read when the watch began, not followed (a compressed rotation " \
               "holds lines already counted)"


@dataclass
class Tail:
    """One followed file: its name now, how far it is read, and its handle
    while it is written to (None once it has rested IDLE_POLLS polls)."""

    path: Path
    handle: BinaryIO | None = None
    offset: int = 0
    lines: int | None = 0  # lines before `offset` (None: not known, for a file followed from its end)
    head: bytes = b""   # CSV: the lines up to its header, read before every later block
    gone: int = 0       # polls since its inode was last found under the specs
    still: int = 0      # polls since it last grew
    failed: bool = False  # its content could not be read: passed over from then on

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


@dataclass
class Follower:
    """The call logs that `specs` name, now and later, read as they grow.
    `tenant` is read/tenants' choice: a name, or None (files without a
    tenant). poll() yields the calls new since the last poll. Files last
    written before `since_ns` cannot hold a call of the window: the first
    poll follows them from their end instead of reading them."""

    specs: list[str]
    rules: TimeRules = TimeRules()
    tenant: str | None = None
    fields: tuple[str, ...] = ()
    since_ns: int | None = None
    stats: ScanStats = field(default_factory=ScanStats)  # skipped rows and notes, since the start
    tails: dict[tuple[int, int], Tail] = field(default_factory=dict)
    polls: int = 0
    passed: set[Path] = field(default_factory=set)  # files seen and not followed
    read: set[str] = field(default_factory=set)  # files whose calls were read (stats.files counts them)

    def poll(self) -> Iterator:
        """Canonical tables of the calls written since the last poll; on the
        first, of every file's calls. A problem with a file on the first
        poll is an error; later it is a warning, and the file is passed over."""
        first = self.polls == 0
        self.polls += 1
        found = self._found(first)
        for key, (path, info) in found.items():
            tail = self.tails.get(key)
            if tail is not None:
                tail.path, tail.gone = path, 0
            elif path not in self.passed:
                yield from self._begin(key, path, info, first)
        for key, tail in list(self.tails.items()):
            if key not in found:
                tail.gone += 1
            if not tail.failed:
                yield from self._guarded(tail, found.get(key), first)
            if tail.gone > GRACE_POLLS:
                tail.close()
                del self.tails[key]

    def close(self) -> None:
        for tail in self.tails.values():
            tail.close()
        self.tails.clear()

    def _found(self, first: bool) -> dict[tuple[int, int], tuple[Path, os.stat_result]]:
        """(device, inode) -> (path, stat) of every log the specs name now,
        of the tenant watched. Between a rename and the new file, none may:
        only the first poll finding none is an error."""
        try:
            paths = discover(self.specs).paths
        except NoLogsFound:
            if first:
                raise
            return {}
        found = {}
        for path in paths:
            try:
                info = os.stat(path)
            except OSError:  # gone between the listing and now
                continue
            if partition_tenant(path) in (None, self.tenant):
                found[(info.st_dev, info.st_ino)] = (path, info)
        return found

    def _begin(self, key: tuple[int, int], path: Path, info: os.stat_result, first: bool) -> Iterator:
        old = first and self.since_ns is not None and info.st_mtime_ns < self.since_ns
        if not followed(path):
            self.passed.add(path)
            if first and not old:
                yield from self._whole(path)
            elif not first:
                self.stats.note(path, NOT_FOLLOWED)
            return
        tail = self.tails[key] = Tail(path)
        if old:
            self._guarded_skip(tail)

    def _guarded_skip(self, tail: Tail) -> None:
        try:
            _skip_to_end(tail)
        except OSError as exc:
            tail.failed = True
            self._fail(tail.path, _problem(exc, tail.path), True)

    def _whole(self, path: Path) -> Iterator:
        yield from self._calls(open_log(path))

    def _guarded(self, tail: Tail, info: tuple | None, first: bool) -> Iterator:
        """The tail's new calls; a handle rested while the file is not
        written to, so that years of daily files hold no descriptors."""
        try:
            if tail.handle is None:
                if info is None or info[1].st_size == tail.offset:
                    return
                tail.handle = open(info[0], "rb")  # the same inode: `info` was found by it
            grown = yield from self._grown(tail)
        except (ApihourlyError, OSError) as exc:
            tail.failed = True
            tail.close()
            self._fail(tail.path, _problem(exc, tail.path), first)
            return
        tail.still = 0 if grown else tail.still + 1
        if tail.still > IDLE_POLLS and not tail.gone:
            tail.close()

    def _fail(self, path: Path, problem: str, first: bool) -> None:
        if first:
            raise LogFormatError(path, problem)
        self.stats.warn(path, f"{problem}; no longer watched")

    def _grown(self, tail: Tail) -> Iterator:
        """The calls in the whole lines written to `tail` since it was last
        read; returns whether it grew."""
        size = os.fstat(tail.handle.fileno()).st_size
        if size < tail.offset:
            self.stats.note(tail.path, "truncated: read again from its start")
            tail.offset, tail.lines = 0, 0
        before = tail.offset
        while tail.offset < size:
            tail.handle.seek(tail.offset)
            data = tail.handle.read(min(size - tail.offset, BLOCK_BYTES))
            data = data[:data.rfind(b"\n") + 1]
            if not data:
                break  # a line still being written
            at_start, lines = tail.offset == 0, tail.lines
            tail.offset += len(data)
            tail.lines = None if lines is None else lines + data.count(b"\n")
            if at_start and format_of(tail.path).name == "csv":
                tail.head, data = _split_head(tail.path, data)
            # The block is read as the file's head and these lines: its positions
            # are lines of that, which are the file's own only at its start.
            shift = 0 if at_start else None if lines is None else lines - tail.head.count(b"\n")
            if data:
                yield from self._calls(open_log(Grown(tail.path, tail.head + data)), shift)
        return tail.offset != before

    def _calls(self, log, shift: int | None = 0) -> Iterator:
        """The calls of one opened log, of the tenant watched; what reading
        it found goes to `stats` with its positions moved by `shift` (see
        ScanStats.add_messages): a log that is not its file's start (any
        shift but 0) is a part, whose unreadable rows are skipped rows. Hourly counts and counter samples have no
        calls to follow; a file of no tenant (no folder, no column) is left
        out of a named tenant's watch."""
        if log.kind != schema.CALLS:
            self.stats.note(log.path, "hourly counts or counter samples, not calls: left out of the watch")
            return
        if self.tenant is not None and not partition_tenant(log.path) and schema.TENANT not in log.columns:
            self.stats.note(log.path, f"names no tenant: left out of tenant {self.tenant!r}'s watch")
            return
        logs, said = LogSet([log], rules=self.rules, parts=shift != 0), ScanStats()
        logs.books().tenant = self.tenant
        yield from logs.scan(self.fields, None, said)
        self.stats.rows += said.rows
        self.stats.tenant = self.stats.tenant or said.tenant
        self.stats.add_messages(said, shift)
        self.read.add(str(log.path))
        self.stats.files = len(self.read)


def followed(path: Path) -> bool:
    """Whether a file grows by lines: plain CSV or JSON Lines."""
    fmt = format_of(path)
    return fmt is not None and fmt.name in FOLLOWED and not gzipped(path)


def _skip_to_end(tail: Tail) -> None:
    """Follow a file from the end of its last whole line, keeping a CSV's
    header lines for what is appended."""
    with open(tail.path, "rb") as handle:
        first = handle.read(HEAD_BYTES)
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - HEAD_BYTES))
        last = handle.read()
    tail.offset, tail.lines = size - len(last) + last.rfind(b"\n") + 1, None
    if format_of(tail.path).name == "csv" and b"\n" in first:
        tail.head, _ = _split_head(tail.path, first[:first.rfind(b"\n") + 1])
    if tail.offset < len(tail.head):  # nothing after the header yet: read it as a new file
        tail.offset, tail.lines, tail.head = 0, 0, b""


def _split_head(path: Path, data: bytes) -> tuple[bytes, bytes]:
    """A CSV's first block as (its lines up to and including the header, the rest)."""
    from .csv import dialect_of

    lines = dialect_of(Grown(path, data)).preamble + 1
    cut = 0
    for _ in range(lines):
        end = data.find(b"\n", cut)
        cut = len(data) if end < 0 else end + 1
    return data[:cut], data[cut:]


def _problem(exc: BaseException, path: Path) -> str:
    """What went wrong with a file, without its name (the message adds it)."""
    text = str(exc)
    return text[len(f"{path}: "):] if text.startswith(f"{path}: ") else text
