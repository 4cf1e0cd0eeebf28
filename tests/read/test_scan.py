"""The read-ahead thread: everything in order, the reader's error raised in
the consumer, and the reader stopped when the consumer stops."""

from __future__ import annotations

import pytest


def test_read_ahead_yields_everything_in_order_and_raises_the_readers_error():
    from apihourly.errors import LogFormatError
    from apihourly.read.scan import read_ahead

    assert list(read_ahead(iter(range(10)))) == list(range(10))

    def failing():
        yield 1
        raise LogFormatError("x.parquet", "cannot be read: bad page")

    got = []
    with pytest.raises(LogFormatError, match="bad page"):
        for item in read_ahead(failing()):
            got.append(item)
    assert got == [1]


def test_read_ahead_stops_its_reader_when_the_consumer_stops():
    import threading

    from apihourly.read.scan import read_ahead

    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    for item in read_ahead(endless(), depth=2):
        if item == 3:
            break
    assert not [t for t in threading.enumerate() if t.name == "apihourly-read"]
    assert len(produced) <= 3 + 2 + 2  # what was consumed, queued, and in hand
