"""`apihourly browse`: the reports as a Textual app.

Importing anything here imports Textual, so only the browse command does; the
other commands and `--help` stay fast. Screens call the same report, render
and export functions as the CLI: nothing here computes a report.
"""
