"""Log files behind URLs (s3://, gs://, abfs://, file://), read through
pyarrow.fs, and the one way every reader opens a log, local or not.

A RemotePath stands for one object and answers the part of pathlib.Path the
readers use: its name, suffixes, parent folders (so hive `date=` and
`tenant=` folders prune as they do on disk), stat(). It has no __fspath__:
nothing may hand it to os.open by mistake. It pickles as its URL alone, for
worker processes open it again; each process makes the filesystem of a
bucket (scheme, host and query) once, on first use, with
FileSystem.from_uri, so credentials and endpoints come from the URL's query
and the environment as pyarrow reads them.

Local paths keep going to the OS (open) or to pyarrow's own readers by name,
as before, so reading from disk costs what it did. A Grown log (the lines
a followed file grew by, for `apihourly watch`) is read from memory.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit, urlunsplit

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_FILESYSTEMS: dict[str, tuple[object, str]] = {}  # bucket URL -> (filesystem, its path of the bucket's root)
_LOCK = threading.Lock()


def is_url(spec: str) -> bool:
    """Whether a log spec is a URL (scheme://...) rather than a local path."""
    return bool(_URL.match(spec))


def split_specs(text: str, separator: str = os.pathsep) -> list[str]:
    """The specs of a list such as $APIHOURLY_LOGS, split at `separator`
    (':' but on Windows) except in a URL: its 's3://', and a port in its
    query (?endpoint_override=127.0.0.1:9000)."""
    specs: list[str] = []
    for piece in text.split(separator):
        scheme = piece.startswith("//") and specs and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", specs[-1])
        port = piece[:1].isdigit() and specs and is_url(specs[-1]) and "?" in specs[-1]
        if scheme or port:
            specs[-1] += separator + piece
        else:
            specs.append(piece)
    return [spec for spec in specs if spec]


@dataclass(frozen=True)
class RemoteStat:
    """What pyarrow.fs tells of an object: the os.stat_result fields used."""

    st_size: int
    st_mtime_ns: int


@functools.total_ordering
class RemotePath:
    """One object (or folder, or prefix) behind a URL."""

    __slots__ = ("_url", "_parts", "_info")

    def __init__(self, url: str, info: RemoteStat | None = None):
        self._url = url
        self._parts = urlsplit(url, allow_fragments=False)
        self._info = info  # from the listing that found it, so stat() asks no more

    def __reduce__(self):
        return RemotePath, (self._url,)

    def __str__(self) -> str:
        return self._url

    def __repr__(self) -> str:
        return f"RemotePath({self._url!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, RemotePath) and other._url == self._url

    def __hash__(self) -> int:
        return hash(("RemotePath", self._url))

    def __lt__(self, other) -> bool:
        return self._url < str(other)

    @property
    def segments(self) -> tuple[str, ...]:
        """The folders and name after the bucket, decoded (%20 is a space)."""
        return tuple(unquote(part) for part in self._parts.path.split("/") if part)

    @property
    def anchor(self) -> str:
        """The URL of the bucket's root: 's3://bucket/'."""
        return f"{self._parts.scheme}://{self._parts.netloc}/"

    @property
    def parts(self) -> tuple[str, ...]:
        return (self.anchor, *self.segments)

    @property
    def name(self) -> str:
        return self.segments[-1] if self.segments else ""

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix

    @property
    def suffixes(self) -> list[str]:
        return PurePosixPath(self.name).suffixes

    @property
    def parent(self) -> "RemotePath":
        path = self._parts.path.rstrip("/")
        return self._with_path(path[:path.rfind("/") + 1] if "/" in path else "/")

    def __truediv__(self, name: str) -> "RemotePath":
        return self.joinpath(name)

    def joinpath(self, *names: str, info: RemoteStat | None = None) -> "RemotePath":
        """The object `names` below this folder (names unencoded, folders by '/')."""
        tail = "/".join(quote(part) for name in names for part in name.split("/") if part)
        return self._with_path(self._parts.path.rstrip("/") + "/" + tail, info)

    def upto(self, count: int) -> "RemotePath":
        """The folder of this path's first `count` names."""
        return self._with_path("/" + "/".join(quote(name) for name in self.segments[:count]))

    def _with_path(self, path: str, info: RemoteStat | None = None) -> "RemotePath":
        scheme, netloc, _, query, _ = self._parts
        return RemotePath(urlunsplit((scheme, netloc, path, query, "")), info)

    @property
    def filesystem(self):
        return _filesystem(self)[0]

    @property
    def inner(self) -> str:
        """The object's path in its pyarrow filesystem ('bucket/key')."""
        root = _filesystem(self)[1].rstrip("/")
        return "/".join((root, *self.segments)) if self.segments else (root or "/")

    @property
    def local(self) -> Path | None:
        """The file on this machine a file:// URL names; None elsewhere."""
        from pyarrow.fs import LocalFileSystem

        return Path(self.inner) if isinstance(self.filesystem, LocalFileSystem) else None

    def stat(self) -> RemoteStat:
        """Size and modification time, as the listing that found it said, or
        asked now; FileNotFoundError when nothing is there."""
        if self._info is None:
            self._info = info_of(self.filesystem.get_file_info(self.inner), self._url)
        return self._info


def info_of(info, url: str) -> RemoteStat:
    """A pyarrow FileInfo as a RemoteStat; FileNotFoundError when it says nothing is there."""
    from pyarrow.fs import FileType

    if info.type == FileType.NotFound:
        raise FileNotFoundError(2, "no such object", url)
    return RemoteStat(info.size or 0, info.mtime_ns or 0)


def _filesystem(path: RemotePath) -> tuple[object, str]:
    """The filesystem of the path's bucket and the bucket's root in it,
    made once per process (from_uri may ask the store, e.g. S3 its region)."""
    from pyarrow.fs import FileSystem

    scheme, netloc, _, query, _ = path._parts
    bucket = urlunsplit((scheme, netloc, "/", query, ""))
    with _LOCK:
        if bucket not in _FILESYSTEMS:
            _FILESYSTEMS[bucket] = FileSystem.from_uri(_bounded(bucket))
        return _FILESYSTEMS[bucket]


GCS_RETRY_S = 15  # how long Google Cloud Storage is retried unless the URL says (its client's own limit is minutes)


def _bounded(bucket: str) -> str:
    """The bucket's URL with a limit to its retries where its store has one
    that is long: an unreachable store is then an error, not a hang."""
    scheme, netloc, root, query, _ = urlsplit(bucket)
    if scheme not in ("gs", "gcs") or "retry_limit_seconds=" in query:
        return bucket
    query = "&".join(part for part in (query, f"retry_limit_seconds={GCS_RETRY_S}") if part)
    return urlunsplit((scheme, netloc, root, query, ""))


def forget_filesystems() -> None:
    """Make each bucket's filesystem anew on next use (credentials or
    endpoints in the environment changed)."""
    with _LOCK:
        _FILESYSTEMS.clear()


class Grown:
    """The lines a followed log grew by (`apihourly watch`), held in memory
    and standing for that log: named as it, so messages and formats go by
    its name, and opened as these bytes. No __fspath__, like RemotePath."""

    __slots__ = ("path", "data")

    def __init__(self, path: Path, data: bytes):
        self.path = path
        self.data = data

    def __str__(self) -> str:
        return str(self.path)

    def __getattr__(self, name: str):  # name, suffix, suffixes, parts, parent: the log's own
        return getattr(self.path, name)


def gzipped(path) -> bool:
    return str(path.name).lower().endswith(".gz")


def open_input(path):
    """The file's raw bytes for reading and seeking: the OS's file for a
    local path, pyarrow's random-access file (ranged reads) for a URL."""
    if isinstance(path, RemotePath):
        return path.filesystem.open_input_file(path.inner)
    if isinstance(path, Grown):
        import io

        return io.BytesIO(path.data)
    return open(path, "rb")


def open_stream(path):
    """The file's content as a pyarrow stream, decompressed for a .gz name."""
    import pyarrow as pa

    compression = "gzip" if gzipped(path) else None
    if isinstance(path, Grown):
        return pa.BufferReader(path.data)
    if isinstance(path, RemotePath):
        return path.filesystem.open_input_stream(path.inner, compression=compression)
    return pa.input_stream(str(path), compression=compression)


def arrow_file(path):
    """What pyarrow's readers take for random access: a local path as it is
    (pyarrow opens it itself), a URL's object opened for ranged reads."""
    return open_input(path) if isinstance(path, (RemotePath, Grown)) else path


def arrow_stream(path):
    """What pyarrow's streaming readers take: a local path as it is (pyarrow
    decompresses by its name), a URL's object as a stream, decompressed
    for a .gz name."""
    return open_stream(path) if isinstance(path, (RemotePath, Grown)) else path
