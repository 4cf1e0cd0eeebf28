"""Moving numbers between Arrow and NumPy through buffers.

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


def int_values(array, null_as: int = 0):
    """An Arrow integer array as an int64 NumPy array, nulls as `null_as`."""
    import numpy as np

    dtype = np.dtype(f"int{array.type.bit_width}")
    validity, data = array.buffers()[:2]
    values = np.frombuffer(data, dtype=dtype, count=len(array) + array.offset)[array.offset:].astype(np.int64)
    if array.null_count:
        bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        values[~bits[array.offset:array.offset + len(array)].astype(bool)] = null_as
    return values


def bool_array(mask):
    """A NumPy boolean mask as an Arrow boolean array (bit-packed)."""
    import numpy as np
    import pyarrow as pa

    packed = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(packed)])
