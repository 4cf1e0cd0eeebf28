"""Where what apihourly learnt from each log file is kept between runs: one
SQLite database (Python's own sqlite3) of entries, each a few named NumPy
arrays and a JSON header, compressed. Nothing here knows what an entry
means; count/digest.py does.

An entry is found by a key made of everything that could change what a file
gives: its resolved path, device, inode (a URL's object: its URL, with no
device or inode), size and modification time (ns), a
fingerprint of its first and last 64 KiB, the cache format and apihourly's
version, and how times are read (`--input-tz`, `--input-time-format`, and
the report zone for files whose times are local). Any change gives another
key, so a changed file is read again and a stale entry is never used.

The cache is an accelerator and never a reason to fail: a folder that cannot
be written is one note and the report runs without it; an entry that cannot
be decoded is dropped, noted and rebuilt. Writers take SQLite's lock, so
two runs filling the cache at once leave it valid.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .remote import open_input

FORMAT_VERSION = 3
FINGERPRINT_BYTES = 64 * 1024
DATABASE = "cache.sqlite"
BUSY_MS = 10_000  # how long a writer waits for another's lock before giving up on writing
_QUERY_CHUNK = 500  # keys per SELECT (SQLite caps the parameters of one statement)


def cache_folder(environ=os.environ) -> Path:
    """$APIHOURLY_CACHE_DIR, else $XDG_CACHE_HOME/apihourly, else ~/.cache/apihourly."""
    if environ.get("APIHOURLY_CACHE_DIR"):
        return Path(environ["APIHOURLY_CACHE_DIR"]).expanduser()
    if environ.get("XDG_CACHE_HOME"):
        return Path(environ["XDG_CACHE_HOME"]).expanduser() / "apihourly"
    return Path.home() / ".cache" / "apihourly"


@dataclass(frozen=True)
class Stamp:
    """What identifies one version of a file's bytes."""

    path: str
    device: int
    inode: int
    size: int
    mtime_ns: int
    fingerprint: str

    @classmethod
    def of(cls, path) -> "Stamp":
        """The stamp of a local Path, or of a URL's RemotePath (its ends read by ranged reads)."""
        info = path.stat()
        digest = hashlib.sha1(usedforsecurity=False)  # a change detector, not a seal: the fastest here
        with open_input(path) as handle:
            digest.update(handle.read(FINGERPRINT_BYTES))
            if info.st_size > FINGERPRINT_BYTES:
                handle.seek(max(FINGERPRINT_BYTES, info.st_size - FINGERPRINT_BYTES))
                digest.update(handle.read(FINGERPRINT_BYTES))
        where = (str(path.resolve()), info.st_dev, info.st_ino) if isinstance(path, Path) else (str(path), 0, 0)
        return cls(*where, info.st_size, info.st_mtime_ns, digest.hexdigest())


@dataclass
class Cache:
    """The entries in `folder` (None: no cache, as with --no-cache)."""

    folder: Path | None
    notes: list[str] = field(default_factory=list)  # what went wrong with the cache, said once each
    _db: sqlite3.Connection | None = field(default=None, repr=False)
    _broken: bool = field(default=False, repr=False)
    # One connection, used by one thread at a time (browse reads in worker threads).
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def enabled(self) -> bool:
        return self.folder is not None and not self._broken

    def key(self, *parts) -> str:
        """The key of what `parts` (a Stamp, reading options, a segment) describe."""
        from .. import __version__

        text = json.dumps([FORMAT_VERSION, __version__, *(_plain(p) for p in parts)], sort_keys=True)
        return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, tuple[dict, dict]]:
        """key -> (header, arrays) for the keys that have a readable entry."""
        with self._lock:
            return self._get_many(keys)

    def _get_many(self, keys: list[str]) -> dict[str, tuple[dict, dict]]:
        found: dict[str, tuple[dict, dict]] = {}
        db = self._connection()
        if db is None or not keys:
            return found
        rows = []
        try:
            for i in range(0, len(keys), _QUERY_CHUNK):
                chunk = keys[i:i + _QUERY_CHUNK]
                rows += db.execute(f"SELECT key, data FROM entries WHERE key IN ({','.join('?' * len(chunk))})",
                                   chunk).fetchall()
        except sqlite3.DatabaseError as exc:
            self.close()
            self._rebuilt(exc)
            return found
        for key, data in rows:
            entry = decode(data)
            if entry is None:
                self._note(f"a damaged cache entry was dropped and is rebuilt ({self.folder})")
                self._drop(key)
            else:
                found[key] = entry
        return found

    def put_many(self, items: dict[str, tuple[str, dict, dict]]) -> None:
        """Store key -> (path it is about, header, arrays), all in one transaction."""
        with self._lock:
            self._put_many(items)

    def _put_many(self, items: dict[str, tuple[str, dict, dict]]) -> None:
        db = self._connection()
        if db is None or not items:
            return
        now = time.time()
        rows = [(key, path, now, encode(header, arrays)) for key, (path, header, arrays) in items.items()]
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO entries (key, path, created, data) VALUES (?, ?, ?, ?)", rows)
        except sqlite3.DatabaseError as exc:  # full disk, read-only, locked past BUSY_MS
            self._give_up(f"cache not written ({_reason(exc)}); reports still run, without it")

    def drop_paths(self, paths: list[str]) -> None:
        """Remove every entry about these files: what an earlier version of
        them gave (a log that grew leaves one such set per run otherwise)."""
        with self._lock:
            db = self._connection()
            if db is None or not paths:
                return
            try:
                with db:
                    db.executemany("DELETE FROM entries WHERE path = ?", [(path,) for path in paths])
            except sqlite3.DatabaseError as exc:
                self._give_up(f"cache not written ({_reason(exc)}); reports still run, without it")

    def info(self) -> dict:
        """Entries, bytes on disk (the database and its write-ahead log), log
        files covered and the oldest entry's time; a cache not made yet is
        left unmade."""
        parts = [self.folder / (DATABASE + suffix) for suffix in ("", "-wal", "-shm")] if self.folder else []
        size = sum(part.stat().st_size for part in parts if part.exists())
        db = self._connection() if parts and parts[0].exists() else None
        if db is None:
            return {"folder": str(self.folder), "entries": 0, "bytes": size, "logs": 0, "oldest": None}
        with self._lock:
            entries, logs, oldest = db.execute(
                "SELECT COUNT(*), COUNT(DISTINCT path), MIN(created) FROM entries").fetchone()
        return {"folder": str(self.folder), "entries": entries, "bytes": size, "logs": logs, "oldest": oldest}

    def clear(self) -> int:
        """Remove every entry; how many there were."""
        if self.folder is None or not (self.folder / DATABASE).exists():
            return 0
        count = self.info()["entries"]
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            (self.folder / (DATABASE + suffix)).unlink(missing_ok=True)
        return count

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _connection(self) -> sqlite3.Connection | None:
        if not self.enabled:
            return None
        if self._db is None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._db = _opened(self.folder / DATABASE)
            except (OSError, sqlite3.DatabaseError) as exc:
                if isinstance(exc, sqlite3.DatabaseError) and (self.folder / DATABASE).exists():
                    return self._rebuilt(exc)
                self._give_up(f"cache not used ({_reason(exc)}); reports still run, without it")
                return None
        return self._db

    def _rebuilt(self, exc: Exception) -> sqlite3.Connection | None:
        """A database SQLite cannot read (truncated, not a database): removed
        and started anew, once."""
        self._note(f"the cache at {self.folder} could not be read ({_reason(exc)}); it is rebuilt")
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                (self.folder / (DATABASE + suffix)).unlink(missing_ok=True)
            self._db = _opened(self.folder / DATABASE)
        except (OSError, sqlite3.DatabaseError) as again:
            self._give_up(f"cache not used ({_reason(again)}); reports still run, without it")
            return None
        return self._db

    def _drop(self, key: str) -> None:
        try:
            with self._db:
                self._db.execute("DELETE FROM entries WHERE key = ?", (key,))
        except sqlite3.DatabaseError:
            pass  # left for the next writer to replace

    def _give_up(self, text: str) -> None:
        self._note(text)
        self._broken = True
        self.close()

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def _opened(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level="DEFERRED", check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, path TEXT NOT NULL, "
               "created REAL NOT NULL, data BLOB NOT NULL)")
    return db


def _reason(exc: Exception) -> str:
    return (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).lower()


def _plain(part):
    if isinstance(part, Stamp):
        return [part.path, part.device, part.inode, part.size, part.mtime_ns, part.fingerprint]
    return part


# Entries: a JSON header, then each array's bytes, all compressed --------------

def encode(header: dict, arrays: dict) -> bytes:
    """`header` (JSON) and `arrays` (name -> NumPy array) as one compressed blob."""
    import numpy as np

    layout, chunks, offset = {}, [], 0
    for name, values in arrays.items():
        values = np.ascontiguousarray(values)
        layout[name] = [values.dtype.str, list(values.shape), offset, values.nbytes]
        chunks.append(values.tobytes())
        offset += values.nbytes
    head = json.dumps({"header": header, "arrays": layout}).encode()
    return zlib.compress(len(head).to_bytes(4, "little") + head + b"".join(chunks), 1)


def decode(blob: bytes) -> tuple[dict, dict] | None:
    """(header, arrays) of an `encode`d blob, or None when it is damaged."""
    import numpy as np

    try:
        raw = zlib.decompress(blob)
        size = int.from_bytes(raw[:4], "little")
        head = json.loads(raw[4:4 + size])
        body = memoryview(raw)[4 + size:]
        arrays = {}
        for name, (dtype, shape, offset, nbytes) in head["arrays"].items():
            if offset + nbytes > len(body):
                return None
            arrays[name] = np.frombuffer(body[offset:offset + nbytes], dtype=np.dtype(dtype)).reshape(shape)
        return head["header"], arrays
    except (zlib.error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
