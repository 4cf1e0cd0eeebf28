"""`apihourly browse`: the reports as a Textual app.

Importing anything here imports Textual, so only the browse command does; the
other commands and `--help` stay fast. Screens call the same report functions
(reports/) and make their cells and exports with the same output functions
(output/) as the CLI: nothing here computes or formats a report.
"""
