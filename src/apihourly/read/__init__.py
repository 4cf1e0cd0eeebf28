"""Files -> canonical Arrow tables. The only package that knows file formats.

`scan.LogSet.open(specs)` finds and checks the log files;
`LogSet.scan(fields, window)` yields Arrow tables with an int64 `ts` column
(UTC ns) and the canonical fields asked for, only usable rows inside the
window, and counts every row it skips in a `stats.ScanStats`. Each format is
one module (csv.py, parquet.py) with one entry in formats.REGISTRY.

Nothing is imported here, so that naming the formats (for --help) stays cheap.
"""
