"""apihourly: Autotask PSA API activity by hour, from your call logs."""

__version__ = "0.1.0"
