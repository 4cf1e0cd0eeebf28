"""From what the user typed to the log files it names: each file once,
however many specs, links, loops or byte-identical copies reach it; folders
walked without recursion (deep trees, link loops), unreadable folders and
things that are not files said, paths too long for the system one clear
error. URLs (s3://...) are listed by urls.py, by the same rules."""

from __future__ import annotations

import errno
import fnmatch
import glob
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import NoLogsFound
from ..words import plural
from . import formats
from .remote import RemotePath, is_url, open_input
from .urls import expand_url

NAME_MAX = 255  # the longest file or folder name Linux and macOS take
SHOWN_ENDS = 40  # characters shown at each end of a path too long to show whole


@dataclass
class Discovery:
    """The log files some specs name, each once, in the order found, and
    what is worth telling the user about how they were found."""

    paths: list[Path]
    notes: list[tuple[Path, str]]  # (path, what to say about it), for ScanStats.note


def find_log_files(specs: Iterable[str]) -> list[Path]:
    """The log files some specs name, each once (see discover)."""
    return discover(specs).paths


def discover(specs: Iterable[str]) -> Discovery:
    """Files named by each spec (a file, a folder read recursively, or a
    glob), each read once however many specs, links or loops reach it
    (same device and inode) and whichever of byte-identical copies has the
    shortest name. Links to folders are followed, each folder entered once;
    what is left out is noted. A spec that names nothing is an error that
    says which one and why."""
    notes: list[tuple[Path, str]] = []
    found: dict[tuple | str, tuple[Path, int]] = {}  # (device, inode), or a URL -> (first path to it, size)
    for spec in specs:
        for path, info in expand_url(spec) if is_url(spec) else _Search(notes).expand(spec):
            _add_once(found, path, info, notes)
    if not found:
        raise NoLogsFound("no log files given", hint=no_logs_hint())
    return Discovery(_without_copies(list(found.values()), notes), list(dict.fromkeys(notes)))


def no_logs_hint() -> str:
    return f"point --logs (or APIHOURLY_LOGS) at a file, folder or glob of {formats.suffix_names(' or ')} logs"


def _add_once(found: dict, path: Path, info: os.stat_result, notes: list) -> None:
    """Keep the first path to each file. Another name for it (a link such as
    latest.parquet) is noted; the same name by another route is not news."""
    identity = str(path) if isinstance(path, RemotePath) else (info.st_dev, info.st_ino)
    first, _ = found.setdefault(identity, (path, info.st_size))
    if first.name != path.name:
        notes.append((path, f"the same file as {first}; read once"))


class _Search:
    """One spec's log files. Folders are entered once each, known by device
    and inode, so links that loop end; walking keeps its own stack, so deep
    nesting cannot exhaust Python's recursion limit."""

    def __init__(self, notes: list[tuple[Path, str]]):
        self.notes = notes
        self.entered: set[tuple[int, int]] = set()
        self.unreadable: list[tuple[Path, str]] = []  # folders that could not be listed, and why

    def expand(self, spec: str) -> list[tuple[Path, os.stat_result]]:
        path = Path(spec).expanduser()
        info = _stat(path)
        if isinstance(info, OSError):
            raise NoLogsFound(f"{spec}: {_problem(info)}", hint=no_logs_hint())
        if _is(info, stat.S_ISREG):
            return [(path, info)]
        if info is not None and not _is(info, stat.S_ISDIR):
            raise NoLogsFound(f"{spec}: {_kind(info)}, not a log file", hint=no_logs_hint())
        hits = self._walk(path, info) if info is not None else self._glob(path) if glob.has_magic(spec) else []
        if not hits:
            raise NoLogsFound(self._nothing_at(spec, path, info), hint=no_logs_hint())
        return hits

    def _walk(self, top: Path, info: os.stat_result) -> list[tuple[Path, os.stat_result]]:
        """The log files under `top`, sorted."""
        hits, folders = [], [(top, info)]
        while folders:
            folder, info = folders.pop()
            if (info.st_dev, info.st_ino) in self.entered:
                continue
            self.entered.add((info.st_dev, info.st_ino))
            for path, found in self._entries(folder):
                (folders if _is(found, stat.S_ISDIR) else hits).append((path, found))
        return sorted(hits, key=lambda hit: hit[0])

    def _entries(self, folder: Path):
        """The sub-folders and log files of `folder`; any other thing with a
        log file's name is noted, never dropped silently."""
        for entry in self._listing(folder):
            path, is_log = folder / entry.name, formats.is_log_name(entry.name)
            if not is_log and not _may_be_folder(entry):
                continue
            info = _stat(path)
            if _is(info, stat.S_ISDIR) or (is_log and _is(info, stat.S_ISREG)):
                yield path, info
            elif is_log:
                self.notes.append((path, f"{_what_is(path, info)}; left out"))

    def _listing(self, folder: Path) -> list[os.DirEntry]:
        """The entries of `folder` by name (so notes come in a stable order);
        a folder that cannot be read is noted and left out, for one
        unreadable sub-folder should not stop a report."""
        try:
            with os.scandir(folder) as entries:
                return sorted(entries, key=lambda entry: entry.name)
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:
                raise _too_long(folder) from None
            if exc.errno not in (errno.ENOENT, errno.ENOTDIR):  # not a folder: nothing to list
                self.unreadable.append((folder, _problem(exc)))
                self.notes.append((folder, f"folder cannot be read ({_problem(exc)}); log files in it are left out"))
            return []

    def _glob(self, pattern: Path) -> list[tuple[Path, os.stat_result]]:
        """What a glob names, as glob.glob(recursive=True) would (`*` skips
        hidden names, `**` is any depth of folders), but with links to
        folders followed once: each match that is a log file, and the log
        files under each match that is a folder."""
        parts = pattern.parts
        fixed = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts))
        matches = [Path(*parts[:fixed])]
        for part in parts[fixed:]:
            matches = self._matching(matches, part)
        hits = []
        for path in sorted(dict.fromkeys(matches)):
            info = _stat(path)
            if _is(info, stat.S_ISDIR):
                hits += self._walk(path, info)
            elif _is(info, stat.S_ISREG) and formats.is_log_name(path.name):
                hits.append((path, info))
            elif formats.is_log_name(path.name) and (info is not None or os.path.islink(path)):
                # (a literal last part of a glob may name nothing: not news)
                self.notes.append((path, f"{_what_is(path, info)}; left out"))
        return hits

    def _matching(self, paths: list[Path], part: str) -> list[Path]:
        if part == "**":
            return self._folders_below(paths)
        if glob.has_magic(part):
            hidden_too = part.startswith(".")
            return [path / entry.name for path in paths for entry in self._listing(path)
                    if fnmatch.fnmatchcase(entry.name, part) and (hidden_too or not entry.name.startswith("."))]
        return [path / part for path in paths]

    def _folders_below(self, tops: list[Path]) -> list[Path]:
        """Each of `tops` that is a folder and every folder under it but
        hidden ones, links followed, each folder once."""
        seen: set[tuple[int, int]] = set()
        found, stack = [], list(reversed(tops))
        while stack:
            folder = stack.pop()
            info = _stat(folder)
            if not _is(info, stat.S_ISDIR) or (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            found.append(folder)
            subs = [folder / entry.name for entry in self._listing(folder)
                    if not entry.name.startswith(".") and _may_be_folder(entry)]
            stack.extend(reversed(subs))
        return found

    def _nothing_at(self, spec: str, path: Path, info) -> str:
        if self.unreadable and self.unreadable[0][0] == path:
            return f"{spec}: folder cannot be read ({self.unreadable[0][1]})"
        if info is not None:
            said = f"{spec}: no log files ({formats.suffix_names(', ')}) in this folder"
        elif glob.has_magic(spec):
            said = f"{spec}: matches no log files ({formats.suffix_names(', ')})"
        elif os.path.islink(path):
            return f"{spec}: {_problem(None, path)}"
        else:
            return f"{spec}: no such file or folder"
        if self.unreadable:
            folder, why = self.unreadable[0]
            others = len(self.unreadable) - 1
            also = f" and {plural(others, 'other folder')}" if others else ""
            said += f"; {folder}{also} cannot be read ({why})"
        return said


def _may_be_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # free but for links, which it follows
    except OSError:
        return True  # _stat says what it is


def _stat(path: Path) -> os.stat_result | OSError | None:
    """os.stat, links followed: None when nothing is there, the error when
    what is there cannot be looked at. A path longer than the system takes
    is an error for the user, for nothing under it could be read."""
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise _too_long(path) from None
        return None if exc.errno in (errno.ENOENT, errno.ENOTDIR) else exc


def _is(info: os.stat_result | OSError | None, kind) -> bool:
    """Whether _stat found a thing of `kind` (stat.S_ISDIR, stat.S_ISREG)."""
    return isinstance(info, os.stat_result) and kind(info.st_mode)


def _what_is(path: Path, info: os.stat_result | OSError | None) -> str:
    """What a thing with a log file's name is instead: a FIFO, a broken link..."""
    return f"{_kind(info)}, not a log file" if isinstance(info, os.stat_result) else _problem(info, path)


def _problem(error: OSError | None, path: Path | None = None) -> str:
    """Why a path could not be used: 'permission denied', a link loop, or
    (no error: nothing there) where a broken link points."""
    if error is None:
        try:
            return f"a link to nothing ({os.readlink(path)} is not there)"
        except OSError:
            return "gone while its folder was read"
    if error.errno == errno.ELOOP:
        return "a link that loops back on itself"
    return (error.strerror or type(error).__name__).lower()


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _kind(info: os.stat_result) -> str:
    return next((name for is_kind, name in _KINDS if is_kind(info.st_mode)), "not a regular file")


def _too_long(path: Path) -> NoLogsFound:
    text = str(path)
    longest = max(len(part) for part in text.split(os.sep))
    size = f"a name of {longest:,} characters" if longest > NAME_MAX else f"{len(text):,} characters"
    return NoLogsFound(f"{shortened(text)}: path too long for this system ({size})",
                       hint="move the logs to a shorter path, or point --logs at a folder nearer them")


def shortened(text: str) -> str:
    """A path too long to show whole, as its two ends."""
    if len(text) <= 2 * SHOWN_ENDS + 3:
        return text
    return f"{text[:SHOWN_ENDS]}...{text[-SHOWN_ENDS:]}"


def _without_copies(files: list[tuple[Path, int]], notes: list) -> list[Path]:
    """The paths of `files` less byte-identical copies, each noted. Sizes
    are compared first and only files of one size hashed, so a folder of
    daily exports costs no reading. Empty files are not copies of anything."""
    by_size: dict[tuple, list[Path]] = {}
    for path, size in files:
        if size:
            by_size.setdefault((size, formats.format_of(path), path.name.lower().endswith(".gz")), []).append(path)
    copies: dict[Path, Path] = {}
    for group in by_size.values():
        if len(group) > 1:
            copies.update(_copies_among(group))
    notes += [(copy, f"a copy of {kept} (the same bytes); skipped, so its calls count once")
              for copy, kept in copies.items()]
    return [path for path, _ in files if path not in copies]


def _copies_among(paths: list[Path]) -> dict[Path, Path]:
    """Copy -> the file kept instead: of identical files, the one with the
    shortest name, for a browser's re-download is 'name (1).csv' and
    Explorer's copy 'name - Copy.csv'. Files are compared by their ends
    first, and read whole only when those agree: a year of daily files of
    one size costs a few kilobytes each."""
    alike: dict[bytes, list[Path]] = {}
    for group in _grouped(paths, _ends).values():
        for digest, same in (_grouped(group, _digest).items() if len(group) > 1 else ()):
            alike[digest] = same
    copies = {}
    for same in alike.values():
        kept = min(same, key=lambda path: len(path.name))
        copies.update({path: kept for path in same if path != kept})
    return copies


def _grouped(paths: list[Path], key) -> dict[bytes, list[Path]]:
    """Paths by `key` (a digest), leaving out those it cannot read."""
    groups: dict[bytes, list[Path]] = {}
    for path in paths:
        found = key(path)
        if found is not None:
            groups.setdefault(found, []).append(path)
    return groups


def _ends(path: Path) -> bytes | None:
    """The first and last 4 KiB of a file."""
    try:
        with open_input(path) as handle:
            head = handle.read(4096)
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - 4096))
            return head + handle.read(4096)
    except OSError:
        return None


def _digest(path: Path) -> bytes | None:
    import hashlib

    try:
        with open_input(path) as handle:
            return hashlib.file_digest(handle, "blake2b").digest()
    except OSError:
        return None  # not compared: open_log says what is wrong with it
