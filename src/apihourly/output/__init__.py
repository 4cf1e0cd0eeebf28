"""Reports -> what people and scripts read: Rich tables (tables.py,
limits.py), CSV and JSON (export.py), all through one emit() (emit.py); the
look of a single value lives in cells.py."""
