"""The log files a URL names, by the rules of local paths: an object is that
file; a folder (a prefix) is listed recursively, keeping the names the
format registry reads; a glob in the URL's path (`*`, `[...]`, `**`)
matches as a local glob does. `?` starts the URL's query, never a glob.

Whatever goes wrong (an unknown scheme, a missing bucket, no credentials,
access denied) is one NoLogsFound naming the URL."""

from __future__ import annotations

import fnmatch
import glob

from ..errors import NoLogsFound, first_line
from . import formats
from .remote import RemotePath, RemoteStat, info_of

SCHEMES = "s3://, gs://, abfs:// or file://"


def url_hint() -> str:
    return (f"point --logs at a URL ({SCHEMES}) of an object, a folder or a glob of "
            f"{formats.suffix_names(' or ')} logs; credentials come from the store's usual environment")


def expand_url(spec: str) -> list[tuple[RemotePath, RemoteStat]]:
    """The log files `spec` names, sorted by URL, each with its size and time."""
    import pyarrow as pa

    top = RemotePath(spec)
    try:
        hits = _globbed(top) if _is_glob(top) else _found(top)
    except (OSError, ValueError, pa.ArrowException) as exc:  # store errors are OSError, a bad URL ArrowInvalid
        raise NoLogsFound(f"{spec}: {_problem(exc)}", hint=url_hint()) from None
    if not hits:
        raise NoLogsFound(_nothing_at(spec, top), hint=url_hint())
    return sorted(hits, key=lambda hit: str(hit[0]))


def _is_glob(top: RemotePath) -> bool:
    return glob.has_magic("/".join(top.segments))


def _found(top: RemotePath) -> list[tuple[RemotePath, RemoteStat]]:
    """The object itself, or the log files under a folder."""
    from pyarrow.fs import FileType

    info = top.filesystem.get_file_info(top.inner)
    if info.type == FileType.File:
        return [(top, info_of(info, str(top)))]
    return _listed(top) if info.type == FileType.Directory else []


def _listed(folder: RemotePath) -> list[tuple[RemotePath, RemoteStat]]:
    """Every log file under `folder`, at any depth."""
    return [(folder.joinpath(*rel, info=stat), stat) for rel, stat in _tree(folder)
            if formats.is_log_name(rel[-1])]


def _tree(folder: RemotePath) -> list[tuple[tuple[str, ...], RemoteStat]]:
    """(path below `folder` as names, size and time) of every object under it."""
    from pyarrow.fs import FileSelector, FileType

    root = folder.inner.rstrip("/") + "/"
    infos = folder.filesystem.get_file_info(FileSelector(folder.inner, recursive=True, allow_not_found=True))
    return [(tuple(info.path[len(root):].split("/")), info_of(info, info.path)) for info in infos
            if info.type == FileType.File and info.path.startswith(root)]


def _globbed(top: RemotePath) -> list[tuple[RemotePath, RemoteStat]]:
    """What a glob URL names: the log files it matches, and those under each
    folder it matches (a local glob's rules: `*` skips hidden names, `**` is
    any depth of folders but hidden ones)."""
    from pyarrow.fs import FileType

    names = top.segments
    fixed = next(i for i, name in enumerate(names) if glob.has_magic(name))
    base = top.upto(fixed)
    if base.segments and base.filesystem.get_file_info(base.inner).type != FileType.Directory:
        return []
    pattern = names[fixed:]
    return [(base.joinpath(*rel, info=stat), stat) for rel, stat in _tree(base)
            if formats.is_log_name(rel[-1]) and any(_matches(pattern, rel[:depth]) for depth in range(len(rel) + 1))]


def _matches(pattern: tuple[str, ...], names: tuple[str, ...]) -> bool:
    """Whether a path below the glob's fixed folders (as names) matches the
    rest of the glob whole."""
    if not pattern:
        return not names
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_matches(rest, names[depth:]) for depth in range(len(names) + 1)
                   if not any(name.startswith(".") for name in names[:depth]))
    if not names or (names[0].startswith(".") and not head.startswith(".")):
        return False
    return fnmatch.fnmatchcase(names[0], head) and _matches(rest, names[1:])


def _nothing_at(spec: str, top: RemotePath) -> str:
    if _is_glob(top):
        return f"{spec}: matches no log files ({formats.suffix_names(', ')})"
    if _exists(top):
        return f"{spec}: no log files ({formats.suffix_names(', ')}) in this folder"
    return f"{spec}: no such object or folder"


def _exists(top: RemotePath) -> bool:
    import pyarrow as pa
    from pyarrow.fs import FileType

    try:
        return top.filesystem.get_file_info(top.inner).type != FileType.NotFound
    except (OSError, ValueError, pa.ArrowException):
        return False


def _problem(exc: BaseException) -> str:
    """Why a URL could not be listed, in the user's terms where pyarrow's are obscure."""
    text = first_line(exc)
    if "Unrecognized filesystem type" in text:
        return f"not a kind of URL apihourly reads ({SCHEMES})"
    return f"cannot be listed: {text}"
