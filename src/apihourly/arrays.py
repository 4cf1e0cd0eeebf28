"""Moving numbers between Arrow and NumPy through buffers, and the Arrow
memory pool a run uses.

pyarrow imports pandas (0.2-0.3 s, 50 MB) the first time it converts a
Python or NumPy value (`pa.scalar(5)`, `pc.fill_null(a, 0)`, `a.to_numpy()`),
to check whether it is a pandas object. For a one-day report that is most of
the run, so the counting path converts through raw buffers instead and never
loads pandas.
"""

from __future__ import annotations


def int64_scalar(value: int):
    """An Arrow int64 scalar, made without pyarrow's Python conversion."""
    import numpy as np
    import pyarrow as pa

    return pa.Array.from_buffers(pa.int64(), 1, [None, pa.py_buffer(np.array([value], dtype=np.int64))])[0]


def text_scalar(text: str):
    """An Arrow string scalar, made without pyarrow's Python conversion."""
    import numpy as np
    import pyarrow as pa

    data = text.encode("utf-8")
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32))
    return pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)])[0]


def int_values(array, null_as: int = 0):
    """An Arrow integer array (or a chunked one) as an int64 NumPy array,
    nulls as `null_as`."""
    import numpy as np
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    dtype = np.dtype(f"int{array.type.bit_width}")
    validity, data = array.buffers()[:2]
    values = np.frombuffer(data, dtype=dtype, count=len(array) + array.offset)[array.offset:].astype(np.int64)
    if array.null_count:
        bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        values[~bits[array.offset:array.offset + len(array)].astype(bool)] = null_as
    return values


def int64_array(values, valid=None):
    """A NumPy int64 array as an Arrow int64 array, null where `valid` is False."""
    import numpy as np
    import pyarrow as pa

    values = np.ascontiguousarray(values, dtype=np.int64)
    bitmap = None if valid is None else pa.py_buffer(np.packbits(np.asarray(valid, dtype=bool), bitorder="little"))
    nulls = -1 if valid is not None else 0
    return pa.Array.from_buffers(pa.int64(), len(values), [bitmap, pa.py_buffer(values)], null_count=nulls)


def bool_array(mask):
    """A NumPy boolean mask as an Arrow boolean array (bit-packed)."""
    import numpy as np
    import pyarrow as pa

    packed = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(packed)])


def lean_memory_pool() -> None:
    """Allocate Arrow buffers with jemalloc on Linux.

    pyarrow's default mimalloc pool kept about 40 MB more resident for the
    same reads here, and memory per run is one of the things apihourly is
    measured by. Chosen through ARROW_DEFAULT_MEMORY_POOL before pyarrow
    loads (switching pools later leaves mimalloc's arenas behind); a value
    the user set wins. Other platforms keep pyarrow's default, since not
    every build there has jemalloc.
    """
    import os
    import sys

    if not sys.platform.startswith("linux") or os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    if "pyarrow" not in sys.modules:
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"
        return
    import pyarrow as pa

    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except (NotImplementedError, AttributeError):
        pass


def stable_order(keys):
    """np.argsort(keys, kind="stable") for non-negative integer keys, in the
    smallest dtype that holds them: NumPy sorts 8- and 16-bit keys stably by
    radix, in linear time, several times faster than int64 keys on a day of
    millions of calls."""
    import numpy as np

    keys = np.asarray(keys)
    top = int(keys.max()) if len(keys) else 0
    if 0 <= (int(keys.min()) if len(keys) else 0) and top < 1 << 16:
        keys = keys.astype(np.uint8 if top < 1 << 8 else np.uint16)
    return np.argsort(keys, kind="stable")
