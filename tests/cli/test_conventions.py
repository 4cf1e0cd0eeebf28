"""Command-line conventions: shell completion, -h, metavars, --debug and
--color before or after the command's name, letter case in zones and
choices, and bad values blamed on where they came from."""

import json
import re

import pytest
from clirun import run as run_cli
from make_logs import call, write_csv

# Variables that change what a command does: unset in every run below unless
# a test sets them, so the caller's environment cannot change a result.
SETTINGS = ["APIHOURLY_LOGS", "APIHOURLY_TZ", "APIHOURLY_INPUT_TZ", "APIHOURLY_INPUT_TIME_FORMAT",
            "APIHOURLY_THRESHOLD", "APIHOURLY_TIME_FORMAT", "APIHOURLY_DB_THRESHOLD", "APIHOURLY_DEBUG",
            "APIHOURLY_COLOR", "APIHOURLY_TENANT", "FORCE_COLOR", "TTY_COMPATIBLE", "TZ", "_APIHOURLY_COMPLETE", "COMP_WORDS",
            "COMP_CWORD", "_TYPER_COMPLETE_ARGS"]
COMMANDS = ["summary", "activity", "totals", "days", "limits", "browse", "report", "tenants"]


def run(*args, env=None):
    return run_cli(*args, env={**dict.fromkeys(SETTINGS), "APIHOURLY_TZ": "UTC", **(env or {})})


@pytest.fixture
def logs(logdir):
    """Three dates; on 2026-11-15 three integrations, two with a space in their labels."""
    write_csv(logdir / "a.csv", [
        call("2026-11-14T10:00:00Z", vendor="Acme"),
        call("2026-11-15T10:00:00Z", vendor="Datto RMM"),
        call("2026-11-15T10:05:00Z", vendor="IT Glue"),
        call("2026-11-15T11:00:00Z", vendor="Acme"),
        call("2026-11-16T09:00:00Z", vendor="Zed"),
    ])
    return str(logdir)


ESC = "\x1b["


def table(logs, *args, env=None):
    result = run(*args, "--logs", logs, *(["--date", "2026-11-15"] if "days" not in args else []), env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# Help ---------------------------------------------------------------------------

@pytest.mark.parametrize("command", [[], *[[name] for name in COMMANDS]])
def test_dash_h_is_help_everywhere(command):
    short, long = run(*command, "-h"), run(*command, "--help")
    assert short.exit_code == 0 and short.stdout == long.stdout
    assert "-h, --help" in short.stdout


TYPE_METAVARS = re.compile(r"<[^>]*>|\b(TEXT|INTEGER|FLOAT|BOOLEAN|RANGE|FILENAME|DIRECTORY|UUID)\b")


@pytest.mark.parametrize("command", [[], *[[name] for name in COMMANDS]])
def test_no_help_shows_a_type_for_a_metavar(command):
    text = run(*command, "--help", env={"COLUMNS": "200"}).stdout
    assert TYPE_METAVARS.findall(text) == []


def test_metavars_say_what_to_type():
    options = {line.strip().split("  ")[0] for line in run("limits", "--help", env={"COLUMNS": "200"}).stdout
               .splitlines() if line.startswith("  -")}
    assert {"-l, --logs PATH", "-d, --date YYYY-MM-DD", "--tz ZONE", "--input-tz ZONE",
            "--input-time-format FORMAT", "--db-threshold N", "--max-threads N", "--threshold N",
            "--part [tiers|peak|minutes|threads|intervals|counter]", "--limit N", "--time-format [24h|12h]",
            "-o, --output PATH", "--color [auto|always|never]"} <= options
    activity = run("activity", "--help", env={"COLUMNS": "200"}).stdout
    assert "--hour HOUR " in activity and "--vendor LABEL " in activity
    days = run("days", "--help", env={"COLUMNS": "200"}).stdout
    assert "--since YYYY-MM-DD " in days and "--until YYYY-MM-DD " in days


# Letter case -------------------------------------------------------------------

@pytest.mark.parametrize("typed, shown", [("utc", "UTC"), ("america/new_york", "America/New_York"),
                                          ("EUROPE/LONDON", "Europe/London"), ("Asia/Kolkata", "Asia/Kolkata")])
def test_zones_are_read_in_any_case_and_reported_by_their_own_name(logs, typed, shown):
    document = json.loads(table(logs, "summary", "--json", "--tz", typed))
    assert document["meta"]["tz"] == shown
    env_document = json.loads(table(logs, "totals", "--json", env={"APIHOURLY_TZ": typed}))
    assert env_document["meta"]["tz"] == shown


def test_limits_part_is_read_in_any_case(logs):
    assert table(logs, "limits", "--csv", "--part", "THREADS") == table(logs, "limits", "--csv", "--part", "threads")


def test_time_format_is_read_in_any_case(logs):
    assert table(logs, "summary", env={"APIHOURLY_TIME_FORMAT": "12H"}) == table(logs, "summary", "--time-format", "12h")
    assert table(logs, "summary", "--time-format", "12H") == table(logs, "summary", "--time-format", "12h")
    assert " 2 PM " in table(logs, "summary", "--time-format", "12H")


# --debug ------------------------------------------------------------------------

@pytest.mark.parametrize("args, env", [
    (["summary", "--logs", "{gone}", "--debug"], {}),
    (["summary", "--logs", "{gone}", "--debug"], {"APIHOURLY_DEBUG": "maybe"}),
    (["--debug", "summary", "--logs", "{gone}"], {}),
    (["summary", "--logs", "{gone}"], {"APIHOURLY_DEBUG": "1"}),
])
def test_debug_before_or_after_the_command_or_from_the_environment_shows_the_exception(tmp_path, args, env):
    from apihourly.errors import NoLogsFound

    result = run(*[a.format(gone=tmp_path / "gone") for a in args], env=env)
    assert result.exit_code == 1 and isinstance(result.exception, NoLogsFound)


def test_without_debug_the_same_error_is_one_line(tmp_path):
    result = run("summary", "--logs", str(tmp_path / "gone"))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines()[0] == f"error: {tmp_path / 'gone'}: no such file or folder"


# --color ------------------------------------------------------------------------

@pytest.mark.parametrize("args, env, coloured", [
    (["summary"], {}, False),  # auto, and the runner's output is a pipe
    (["summary", "--color", "always"], {}, True),
    (["summary", "--color", "ALWAYS"], {"NO_COLOR": "1", "TERM": "dumb"}, True),
    (["summary", "--color", "never"], {"FORCE_COLOR": "1"}, False),
    (["summary"], {"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm"}, True),  # auto, as Rich reads it
    (["summary"], {"APIHOURLY_COLOR": "always"}, True),
    (["summary", "--color", "never"], {"APIHOURLY_COLOR": "always"}, False),
    (["--color", "always", "summary"], {}, True),
    (["--color", "never", "summary"], {"APIHOURLY_COLOR": "always"}, False),  # typed before the name beats the variable
    (["--color", "always", "summary", "--color", "never"], {}, False),
    (["totals", "--color", "always"], {}, True),
    (["limits", "--color", "always"], {}, True),
])
def test_color_option_and_variable(logs, args, env, coloured):
    assert (ESC in table(logs, *args, env=env)) is coloured


def test_always_coloured_table_is_the_plain_table_with_styles(logs):
    plain = table(logs, "totals")
    coloured = table(logs, "totals", "--color", "always")
    assert ESC in coloured and re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_machine_formats_stay_plain_under_color_always(logs):
    assert ESC not in table(logs, "summary", "--csv", "--color", "always")
    assert ESC not in table(logs, "days", "--json", "--color", "always")


def test_stderr_follows_the_color_setting(logs):
    import apihourly.cli as cli

    table(logs, "summary", "--color", "never", env={"FORCE_COLOR": "1"})
    assert cli.stderr.color_system is None
    table(logs, "summary", "--color", "always")
    assert cli.stderr.color_system == "standard"


# Where a bad value came from ---------------------------------------------------------

def test_a_near_miss_zone_names_the_zone_meant(logs):
    result = run("summary", "--logs", logs, "--tz", "America/NewYork")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == ("Error: Invalid value for '--tz': unknown time zone 'America/NewYork'; "
                                              "did you mean America/New_York?")


# option, its variable, a bad value, what Typer or the report says of it, a good value
ENV_BACKED = [
    ("--threshold", "APIHOURLY_THRESHOLD", "-1", "Input should be greater than or equal to 0", "5"),
    ("--threshold", "APIHOURLY_THRESHOLD", "lots", "Input should be a valid integer, unable to parse string as an "
     "integer", "5"),
    ("--db-threshold", "APIHOURLY_DB_THRESHOLD", "0", "Input should be greater than or equal to 1", "5"),
    ("--time-format", "APIHOURLY_TIME_FORMAT", "13h", "Value error, '13h' is not one of '24h', '12h'.", "12h"),
    ("--color", "APIHOURLY_COLOR", "purple", "Value error, 'purple' is not one of 'auto', 'always', 'never'.",
     "never"),
    ("--tz", "APIHOURLY_TZ", "Mars/Olympus", "unknown time zone 'Mars/Olympus'; use an IANA name such as "
     "America/New_York or UTC", "UTC"),
    ("--input-tz", "APIHOURLY_INPUT_TZ", "Europe/Londn", "unknown time zone 'Europe/Londn'; did you mean "
     "Europe/London?", "UTC"),
    ("--input-time-format", "APIHOURLY_INPUT_TIME_FORMAT", "no directives", "--input-time-format 'no directives' "
     "has no % directive; e.g. '%Y%m%d %H%M%S'", "%Y-%m-%dT%H:%M:%SZ"),
]


@pytest.mark.parametrize("option, variable, bad, said, good", ENV_BACKED)
def test_a_bad_value_typed_is_blamed_on_the_option_not_the_variable(logs, option, variable, bad, said, good):
    result = run("summary", "--logs", logs, option, bad, env={variable: good})
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '{option}': {said}"


@pytest.mark.parametrize("option, variable, bad, said, good", ENV_BACKED)
def test_a_bad_value_in_the_environment_is_blamed_on_the_variable(logs, option, variable, bad, said, good):
    result = run("summary", "--logs", logs, env={variable: bad})
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '{option}' from environment variable {variable}: {said}")


@pytest.mark.parametrize("option, variable, bad, said, good", ENV_BACKED)
def test_a_good_value_typed_overrides_a_bad_variable(logs, option, variable, bad, said, good):
    result = run("summary", "--logs", logs, "--date", "2026-11-15", option, good, env={variable: bad})
    assert result.exit_code == 0, result.stderr


def test_a_bad_debug_variable_is_blamed_on_the_variable_after_the_command_name(logs):
    result = run("summary", "--logs", logs, env={"APIHOURLY_DEBUG": "maybe"})
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == ("Error: Invalid value for '--debug' from environment variable "
                                              "APIHOURLY_DEBUG: Input should be a valid boolean, unable to "
                                              "interpret input")


def test_a_bad_root_option_typed_is_blamed_on_the_option(logs):
    result = run("--color", "purple", "summary", "--logs", logs, env={"APIHOURLY_COLOR": "never"})
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == ("Error: Invalid value for '--color': Value error, 'purple' is not "
                                              "one of 'auto', 'always', 'never'.")


def test_a_bad_machine_zone_is_blamed_on_tz(logs):
    result = run("summary", "--logs", logs, env={"TZ": "Mars/Olympus", "APIHOURLY_TZ": None})
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == ("Error: Invalid value for environment variable TZ: unknown time "
                                              "zone 'Mars/Olympus'; use an IANA name such as America/New_York or UTC")


def test_browse_blames_a_bad_zone_on_where_it_came_from(logs):
    typed = run("browse", "--logs", logs, "--tz", "Mars/Olympus")
    assert typed.exit_code == 2 and "Invalid value for '--tz': unknown time zone" in typed.stderr
    from_env = run("browse", "--logs", logs, env={"APIHOURLY_TZ": "Mars/Olympus"})
    assert from_env.exit_code == 2
    assert "Invalid value for '--tz' from environment variable APIHOURLY_TZ: unknown time zone" in from_env.stderr



# Shell completion ---------------------------------------------------------------

def complete(line: str, env=None) -> list[str]:
    """What bash is offered for the last word of `line` (a trailing space
    starts a new, empty word)."""
    words = line.split(" ")
    result = run(env={"_APIHOURLY_COMPLETE": "complete_bash", "COMP_WORDS": line,
                      "COMP_CWORD": str(len(words) - 1), **(env or {})})
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    return result.stdout.split("\n")[:-1] if result.stdout.strip() else []


def test_dates_complete_from_the_logs_given(logs):
    assert complete(f"apihourly summary --logs {logs} --date ") == ["2026-11-14", "2026-11-15", "2026-11-16"]
    assert complete(f"apihourly totals -l {logs} -d 2026-11-1") == ["2026-11-14", "2026-11-15", "2026-11-16"]
    assert complete(f"apihourly limits -l {logs} --date 2026-11-15") == ["2026-11-15"]
    assert complete(f"apihourly days --logs {logs} --since ") == ["2026-11-14", "2026-11-15", "2026-11-16"]
    assert complete(f"apihourly days --logs {logs} --until 2026-11-16") == ["2026-11-16"]


def test_dates_complete_from_apihourly_logs_in_the_zone_chosen(logs):
    assert complete("apihourly summary --date ", env={"APIHOURLY_LOGS": logs}) == [
        "2026-11-14", "2026-11-15", "2026-11-16"]
    # UTC+14: 10:00 UTC on the 14th is midnight on the 15th, 09:00 on the 16th is 23:00 that day
    assert complete(f"apihourly summary -l {logs} --tz Pacific/Kiritimati --date ") == ["2026-11-15", "2026-11-16"]


def test_vendor_completes_with_the_labels_of_the_date_given_escaped_for_bash(logs):
    line = f"apihourly activity --logs {logs} --date 2026-11-15 --vendor "
    assert complete(line) == ["Acme", "Datto\\ RMM", "IT\\ Glue"]
    assert complete(line + "D") == ["Datto\\ RMM"]
    assert complete(f"apihourly activity --logs {logs} --vendor ") == ["Zed"]  # the default date


def test_zsh_is_offered_labels_as_they_are(logs):
    result = run(env={"_APIHOURLY_COMPLETE": "complete_zsh",
                      "_TYPER_COMPLETE_ARGS": f"apihourly activity -l {logs} -d 2026-11-15 --vendor D"})
    assert result.exit_code == 0
    assert result.stdout == "_arguments '*: :((\"Datto RMM\"))'\n"


@pytest.mark.parametrize("line", [
    "apihourly summary --logs {missing} --date ",
    "apihourly summary --logs {logs} --tz Mars/Olympus --date ",
    "apihourly summary --logs {logs} --input-time-format nothing --date ",
    "apihourly activity --logs {logs} --date 2026-02-30 --vendor ",
    "apihourly activity --logs {broken} --vendor ",
])
def test_a_completion_that_cannot_read_the_logs_offers_nothing_and_says_nothing(logs, tmp_path, line):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    assert complete(line.format(logs=logs, missing=tmp_path / "gone", broken=broken)) == []


def test_completion_scripts_are_offered():
    result = run("--show-completion", "bash")
    assert result.exit_code == 0
    assert "_APIHOURLY_COMPLETE=complete_bash" in result.stdout
    assert "--install-completion" in run("--help").stdout


# Counts in messages ------------------------------------------------------------------

def test_plural_takes_an_irregular_plural():
    from apihourly.words import plural

    assert [plural(1, "stretch", "stretches"), plural(2, "stretch", "stretches"), plural(1_000, "call")] == [
        "1 stretch", "2 stretches", "1,000 calls"]


def test_breaches_count_one_call_and_one_more_hour_in_the_singular(logdir):
    from datetime import timedelta

    from make_logs import burst, utc

    write_csv(logdir / "a.csv", burst(utc(2026, 11, 15, 10), 2, timedelta(milliseconds=100), vendor="V",
                                      execution_ms=1000) + [call("2026-11-15T10:30:00Z", vendor="W")])
    result = run("summary", "--logs", str(logdir), "--threshold", "1", "--max-threads", "1", "--fail-on-breach")
    assert result.exit_code == 3
    assert result.stderr == ("breach: V made 2 calls in the hour from 2026-11-15T10:00:00.000+00:00, over 1; "
                             "1 stretch with more than 1 call in flight, first V on Tickets at "
                             "2026-11-15T10:00:00.100+00:00\n")
    result = run("summary", "--logs", str(logdir), "--threshold", "0", "--fail-on-breach")
    assert result.stderr == ("breach: V made 2 calls in the hour from 2026-11-15T10:00:00.000+00:00, over 0 "
                             "(and 1 more integration-hour)\n")
    (logdir / "a.csv").unlink()
    write_csv(logdir / "b.csv", [call("2026-11-15T10:30:00Z", vendor="W")])
    result = run("summary", "--logs", str(logdir), "--threshold", "0", "--fail-on-breach")
    assert result.stderr == "breach: W made 1 call in the hour from 2026-11-15T10:00:00.000+00:00, over 0\n"


def test_a_row_of_one_field_and_one_ambiguous_date_are_counted_in_the_singular(logdir):
    (logdir / "a.csv").write_text("execution_start,vendor\n2026-11-15T10:00:00Z,V\n2026-11-15T10:01:00Z\n")
    result = run("days", "--logs", str(logdir / "a.csv"), "--csv")
    assert result.stderr == f"warning: {logdir / 'a.csv'}: 1 row skipped (1 with 1 field, expected 2 at line 3)\n"
    (logdir / "b.csv").write_text("Execution Start,Vendor Name\n13/11/2026 10:00,V\n11/14/2026 10:00,V\n")
    result = run("days", "--logs", str(logdir / "b.csv"), "--csv")
    assert result.stderr.splitlines()[0] == (
        f"note: {logdir / 'b.csv'}: 1 date has a number above 12 first and 1 second; read as month-first "
        "dates (M/D/YYYY); pass --input-time-format to choose")


def test_browse_counts_in_the_singular():
    from apihourly.browse.totals import TotalsScreen

    assert TotalsScreen.count_text(None, 2) == "1 integration"  # the Grand total row is not one
    assert TotalsScreen.count_text(None, 3) == "2 integrations"
