"""The `apihourly` command: options in, a report out. Wiring only: each
command opens the query, calls a report function (reports/) and hands the
report to output.emit; domain errors become one line and an exit code here."""

from __future__ import annotations

import copy
import errno
import functools
import os
import re
import sys
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from typer.core import TyperGroup

from . import __version__
from .cluster import DEFAULT_TIMEOUT_S as DEFAULT_SCHEDULER_TIMEOUT
from .errors import ApihourlyError, BadOption
from .read.formats import suffix_names
from .schema import DEFAULT_DB_THRESHOLD, DEFAULT_MAX_THREADS, DEFAULT_THRESHOLD

DEFAULT_LOGS = "./sample_logs"

# numpy asks the kernel for transparent huge pages for big arrays; where the
# kernel compacts memory to find them (defrag=madvise, a common default), a
# 10M-call `limits` spent more time in the kernel than computing (1.5 s of
# system time against 0.6 s without). Read when numpy is first imported,
# which the commands do lazily, after this line; a user's setting wins.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

# Root options every command takes after its name too (browse: not --color, it draws no tables).
AFTER_COMMAND_NAME = ("debug", "color", "scheduler", "scheduler_timeout")


class Root(TyperGroup):
    """The `apihourly` command. Its --debug and --color are taken after a
    command's name as well as before it (`apihourly summary --debug`), and
    a bad option value is blamed on where it came from: the command line,
    or the environment variable that supplied it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        shared = [p for p in self.params if p.name in AFTER_COMMAND_NAME]
        for command in self.commands.values():
            if command.callback is None:  # a group of commands (cache) draws no report
                continue
            names = [name for name in AFTER_COMMAND_NAME if command.name != "browse" or name != "color"]
            command.params.extend(copy.copy(p) for p in shared if p.name in names)
            command.callback = _without(command.callback, names)
        for param in shared:
            # Only the commands' copies read the variable: a value typed after
            # the command's name then beats a bad one in the environment, as
            # one typed before it beats a good one (see _chosen_color).
            param.help += f" Also after the command's name; ${param.envvar} sets it too."
            param.envvar = None

    def make_context(self, *args, **kwargs):
        with _bad_values_blamed_on_their_source():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _bad_values_blamed_on_their_source():
            return super().invoke(ctx)


app = typer.Typer(
    cls=Root,
    help="Autotask PSA API activity by hour, from your API call logs.\n\n"
    "Example: apihourly summary --logs ./logs --date 2026-11-15 --tz America/New_York",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)
stderr = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)


class TimeFormat(str, Enum):
    h24 = "24h"
    h12 = "12h"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class LimitsPart(str, Enum):
    tiers = "tiers"
    peak = "peak"
    minutes = "minutes"
    threads = "threads"
    intervals = "intervals"
    counter = "counter"


def _choices(kind: type[Enum]) -> str:
    return "[" + "|".join(member.value for member in kind) + "]"


def _complete_dates(ctx: typer.Context) -> list[str]:
    """Dates with calls, for --date, --since and --until."""
    return _completions(lambda: [day.isoformat() for day in _dates_with_calls(ctx)])


def _complete_labels(ctx: typer.Context) -> list[str]:
    """Integration labels of the --date given (else the default date), as
    the summary's columns show them, for --vendor."""
    return _completions(lambda: _labels_on_date(ctx))


LogsOpt = Annotated[Optional[list[str]], typer.Option(
    "--logs", "-l", show_default=False, metavar="PATH",
    help=f"Log file, folder (read recursively), glob or URL (s3://, gs://, abfs://, file://) of "
    f"{suffix_names(', ')}; repeatable. "
    f"Default: $APIHOURLY_LOGS (paths separated by '{os.pathsep}'), else {DEFAULT_LOGS}.")]
DateOpt = Annotated[Optional[str], typer.Option(
    "--date", "-d", show_default=False, metavar="YYYY-MM-DD", autocompletion=_complete_dates,
    help="Date to report. Default: the latest date with calls.")]
TzOpt = Annotated[Optional[str], typer.Option(
    "--tz", envvar="APIHOURLY_TZ", show_default=False, metavar="ZONE",
    help="IANA time zone the hours are counted in, in any case (utc, America/New_York). "
    "Default: this machine's zone.")]
InputTzOpt = Annotated[Optional[str], typer.Option(
    "--input-tz", envvar="APIHOURLY_INPUT_TZ", show_default=False, metavar="ZONE",
    help="IANA zone the logs' times without an offset were written in. Default: UTC for ISO and epoch "
    "times, --tz for times written for people (11/16/2026 3:04 PM, as Autotask's export writes them).")]
InputTimeFormatOpt = Annotated[Optional[str], typer.Option(
    "--input-time-format", envvar="APIHOURLY_INPUT_TIME_FORMAT", show_default=False, metavar="FORMAT",
    help="strptime pattern of the logs' execution_start, e.g. '%Y%m%d %H%M%S'. Default: recognised per file.")]
ThresholdOpt = Annotated[int, typer.Option(
    "--threshold", envvar="APIHOURLY_THRESHOLD", min=0, metavar="N",
    help="Calls per hour per integration above which it is over the limit.")]
TimeFormatOpt = Annotated[TimeFormat, typer.Option(
    "--time-format", envvar="APIHOURLY_TIME_FORMAT", case_sensitive=False, metavar=_choices(TimeFormat),
    help="Hour labels in tables.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Write CSV to stdout instead of a table.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Write JSON to stdout instead of a table.")]
NlOpt = Annotated[bool, typer.Option(
    "--nl", help="Write newline-delimited JSON: the rows of --json, one object per line, without its meta.")]
ExcelOpt = Annotated[bool, typer.Option(
    "--excel", help="Write CSV for Excel: UTF-8 with a BOM, local times beside the ISO ones, formulas neutralised.")]
OutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", "-o", show_default=False, metavar="PATH",
    help="Write to this file, never over a log read: CSV, or JSON for a .json name, JSON lines for .jsonl or "
    ".ndjson, gzipped for a .gz name (a format flag must agree with the name); - is stdout.")]
RawOpt = Annotated[bool, typer.Option(
    "--raw", help="Write CSV cells exactly as logged, without neutralising spreadsheet formulas.")]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", help="Read every log file again and keep nothing; the cache ('apihourly cache info') is left as "
    "it is. The cache never changes an answer, only how fast it comes.")]
StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="Fail (exit 1) when a row or a value cannot be read, instead of skipping it or leaving it empty.")]
_DB_THRESHOLD_HELP = "Requests per rolling 60 minutes for the whole tenant (database) above which calls are rejected."
DbThresholdOpt = Annotated[int, typer.Option(
    "--db-threshold", envvar="APIHOURLY_DB_THRESHOLD", min=1, metavar="N", help=_DB_THRESHOLD_HELP)]
LimitsDbThresholdOpt = Annotated[int, typer.Option(
    "--db-threshold", envvar="APIHOURLY_DB_THRESHOLD", min=1, metavar="N",
    help=_DB_THRESHOLD_HELP + " Default: the externalRequestThreshold of the day's latest counter sample "
    "that gives one, else 10000.")]
MaxThreadsOpt = Annotated[int, typer.Option(
    "--max-threads", min=1, metavar="N", help="Calls in flight at once per integration and entity before throttling.")]
FailOnBreachOpt = Annotated[bool, typer.Option(
    "--fail-on-breach", help="Exit 3 (after the report) when any limit was exceeded: hourly per integration, "
    "rolling tenant threshold or threads.")]
LimitOpt = Annotated[int, typer.Option("--limit", min=0, metavar="N", help="Rows shown in the table; 0 shows all.")]
SinceOpt = Annotated[Optional[str], typer.Option(
    "--since", show_default=False, metavar="YYYY-MM-DD", autocompletion=_complete_dates, help="First date to list.")]
UntilOpt = Annotated[Optional[str], typer.Option(
    "--until", show_default=False, metavar="YYYY-MM-DD", autocompletion=_complete_dates, help="Last date to list.")]
HourOpt = Annotated[str, typer.Option(
    "--hour", metavar="HOUR", help="0-23, 2PM, 14:00, or an ISO hour start from summary --csv.")]
VendorOpt = Annotated[Optional[str], typer.Option(
    "--vendor", show_default=False, metavar="LABEL", autocompletion=_complete_labels,
    help="Integration label as in the summary columns, or Unknown. Default: every call of the hour, "
    "as for 'Total calls'.")]
DebugOpt = Annotated[bool, typer.Option(
    "--debug", envvar="APIHOURLY_DEBUG", help="Show tracebacks.")]
ColorOpt = Annotated[Color, typer.Option(
    "--color", envvar="APIHOURLY_COLOR", case_sensitive=False, metavar=_choices(Color),
    help="Colour in tables: auto (on a terminal, unless NO_COLOR is set or FORCE_COLOR forces it), "
    "always (into a pipe too) or never.")]
SchedulerOpt = Annotated[Optional[str], typer.Option(
    "--scheduler", envvar="DASK_SCHEDULER_ADDRESS", show_default=False, metavar="ADDRESS",
    help="Read and count the logs as tasks on this Dask scheduler (tcp://HOST:8786; needs "
    "apihourly[dask]); its workers must reach the logs by the same paths or URLs.")]
SchedulerTimeoutOpt = Annotated[float, typer.Option(
    "--scheduler-timeout", envvar="APIHOURLY_SCHEDULER_TIMEOUT", min=0.1, metavar="SECONDS",
    help="Give up reaching the scheduler after this long.")]
TopOpt = Annotated[Optional[int], typer.Option(
    "--top", min=1, show_default=False, metavar="N",
    help="Keep the N busiest integrations (and any over the limit); add the rest up in one 'Other' column.")]
TenantOpt = Annotated[Optional[str], typer.Option(
    "--tenant", envvar="APIHOURLY_TENANT", show_default=False, metavar="NAME",
    help="The Autotask tenant (database) to report, when the logs hold several: by a tenant column "
    "(Tenant, Database, Instance, ...) or tenant=NAME folders. 'apihourly tenants' compares them.")]
ColumnsOpt = Annotated[Optional[str], typer.Option(
    "--columns", show_default=False, metavar="NAME,NAME",
    help="Columns to show and write, in this order, comma-separated, e.g. 'Execution Start,Entity'.")]


@dataclass(frozen=True)
class Checks:
    """What turns a shown report into a failure: skipped rows (--strict),
    a limit exceeded (--fail-on-breach)."""

    strict: bool = False
    fail_on_breach: bool = False


def _format_flag(csv: bool, json: bool, nl: bool, excel: bool) -> tuple[str, str] | None:
    """(the flag given, its format) or None; two formats are a usage error
    (--excel is CSV, for Excel)."""
    flags = [(flag, fmt) for flag, fmt, on in (("--csv", "csv", csv), ("--json", "json", json), ("--nl", "nl", nl),
                                               ("--excel", "csv", excel)) if on]
    if len({fmt for _, fmt in flags}) > 1:
        raise typer.BadParameter(f"choose one of {' and '.join(flag for flag, _ in flags)}")
    return flags[-1] if flags else None


FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "nl": "JSON lines"}


def _output(csv: bool, json: bool, path: Path | None, raw: bool, time_format: TimeFormat = TimeFormat.h24,
            limit: int = 100, part: str | None = None, nl: bool = False, excel: bool = False):
    """Where and how the report goes. A flag decides the format, else the
    -o name, else CSV for a file; a flag and a name that disagree are a
    usage error, never a silent switch."""
    from .output.emit import CSV, TABLE, Output
    from .output.export import named_format

    chosen = _format_flag(csv, json, nl, excel)
    if excel and raw:
        raise typer.BadParameter("--excel keeps formulas neutralised, since Excel would run them; drop --raw")
    fmt = chosen[1] if chosen else None
    if path is not None and _is_stdout(path):
        path, fmt = None, fmt or CSV  # written as the flag says, CSV without one
    elif path is not None:
        named = named_format(path)
        if chosen and named and named != fmt:
            raise typer.BadParameter(f"{chosen[0]} and -o {_visible(str(path))} disagree: {chosen[0]} writes "
                                     f"{FORMAT_NAMES[fmt]}, the name says {FORMAT_NAMES[named]}",
                                     param_hint="'--output' / '-o'")
        fmt = fmt or named or CSV
    return Output(fmt or TABLE, path, raw, time_format.value, limit, part, excel)


def _is_stdout(path: Path) -> bool:
    """`-o -`, and `-o /dev/stdout` (or /dev/fd/1): a file in its place
    would replace what the shell set up, a pipe or a file opened to append."""
    from .output.export import descriptor_of

    return str(path) == "-" or descriptor_of(path) == 1


def _log_specs(logs: list[str] | None) -> list[str]:
    if logs:
        return logs
    env = os.environ.get("APIHOURLY_LOGS", "")
    from .read.remote import split_specs

    return split_specs(env) or [DEFAULT_LOGS]


def _zone(tz: str | None):
    from .timeaxis import local_zone_name, zone

    return zone(tz or local_zone_name())


@dataclass(frozen=True)
class Source:
    """Where the logs are and how their times were written."""

    logs: list[str] | None = None
    tz: str | None = None
    input_tz: str | None = None
    time_format: str | None = None
    cache: bool = True  # keep and use what earlier runs learnt from each log file
    tenant: str | None = None  # --tenant: the one tenant of many to report


def _open(source: Source, threshold: int, data_to_stdout: bool, cluster=None):
    """The query: the zones are checked before any log file is opened, and a
    progress line is shown for long reads only where a person watches
    (whatever --color says: colour is not a reason to draw one), and not
    when data for a script goes to stdout (`data_to_stdout`)."""
    from .output.progress import ReadProgress, is_watched
    from .reports.model import Query

    zone_info = _zone(source.tz)
    input_tz = _input_zone(source.input_tz)
    watched = is_watched(stderr) and not data_to_stdout
    return Query.open(_log_specs(source.logs), zone_info, threshold, ReadProgress(stderr, watched), input_tz,
                      source.time_format, source.cache, source.tenant, cluster)


def _cache(wanted: bool = True):
    """The cache of log files (None with --no-cache)."""
    from .read.cache import Cache, cache_folder

    return Cache(cache_folder() if wanted else None)


def _input_zone(name: str | None):
    from .errors import BadOption
    from .timeaxis import zone

    if not name:
        return None
    try:
        return zone(name)
    except BadOption as exc:
        raise BadOption(str(exc), "--input-tz") from None


def _day(query, date_text: str | None):
    from .reports.model import latest_day
    from .timeaxis import parse_date

    return parse_date(date_text) if date_text else latest_day(query)


def _run(ctx: typer.Context, source: Source, threshold: int, build: Callable[[object], object], out,
         checks: Checks = Checks()) -> None:
    """Open the logs, build the report from them, then show or write it;
    domain errors become one line. -o never writes over a log it read."""

    def opened_and_built():
        from .output.emit import TABLE

        with _cluster(ctx) as cluster:
            query = _open(source, threshold, out.fmt != TABLE and out.path is None, cluster)
            return query, build(query)

    out = replace(out, color=_chosen_color(ctx))
    _stderr_follows(out.color)
    query, report = _built(opened_and_built, debug=_debugging(ctx))
    _checked_and_shown(report, out, checks, query.logs.paths)


def _checked_and_shown(report, out, checks: Checks, logs_read) -> None:
    """--strict, then the report shown or written, then --fail-on-breach."""
    if checks.strict:
        _refuse_skipped(report.stats)
    _emit(report, out, logs_read)
    if checks.fail_on_breach and report.breaches:
        from .reports.limits import breach_lines

        _say("breach", "; ".join(breach_lines(report.breaches)))  # names from the logs: shown escaped
        raise typer.Exit(3)


def _refuse_skipped(stats) -> None:
    """--strict: a row skipped or a value left empty fails the command."""
    from .output.cells import read_warnings

    if stats.skipped or stats.emptied:
        _fail("; ".join(read_warnings(stats)),
              "--strict refuses logs with values it cannot read; fix them or drop --strict")


def _debugging(ctx: typer.Context) -> bool:
    """--debug before the command's name, after it, or APIHOURLY_DEBUG."""
    return any(c.params.get("debug") for c in _contexts(ctx))


def _chosen_color(ctx: typer.Context) -> str:
    return Color(_root_option(ctx, "color", Color.auto)).value


def _root_option(ctx: typer.Context, name: str, default):
    """A root option's value: given after the command's name, else before
    it, else from its variable (which only the command's copy reads), else
    `default`."""
    contexts = [c for c in _contexts(ctx) if name in c.params]
    given = [c for c in contexts if _source(c, name) == "COMMANDLINE"]
    return (given or contexts)[0].params[name] if contexts else default


@contextmanager
def _cluster(ctx: typer.Context):
    """The Dask cluster of --scheduler (or DASK_SCHEDULER_ADDRESS) while a
    report is built, then what its tasks sent back, said on stderr; None
    without one, and Dask is not imported."""
    address = _root_option(ctx, "scheduler", None)
    if not address:
        yield None
        return
    from .cluster import Cluster

    cluster = Cluster.connect(address, _root_option(ctx, "scheduler_timeout", DEFAULT_SCHEDULER_TIMEOUT))
    try:
        yield cluster
    finally:
        cluster.close()
    if cluster.tally.tasks:
        _say("cluster", cluster.tally.sentence(address))


def _contexts(ctx: typer.Context) -> list[typer.Context]:
    """The command's context and those of the commands around it, innermost first."""
    chain = []
    while ctx is not None:
        chain.append(ctx)
        ctx = ctx.parent
    return chain


def _source(ctx: typer.Context, name: str) -> str | None:
    """Where a parameter's value came from: COMMANDLINE, ENVIRONMENT, DEFAULT..."""
    return getattr(ctx.get_parameter_source(name), "name", None)


def _stderr_follows(color: str) -> None:
    """Messages and the progress line on stderr take --color as tables do."""
    global stderr
    from .output.emit import colors

    stderr = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False, **colors(color))


def _built(build: Callable[[], object], debug: bool):
    """The report, or one line for any error (a traceback with --debug)."""
    try:
        return build()
    except BadOption as exc:
        if debug:
            raise
        raise typer.BadParameter(_visible(str(exc)), param_hint=exc.option) from None
    except ApihourlyError as exc:
        if debug:
            raise
        _fail(str(exc), exc.hint, exc.exit_code)
    except Exception as exc:  # a bug, not bad input: still one line, no traceback
        if debug:
            raise
        _fail(f"unexpected {type(exc).__name__}: {exc}", "rerun with --debug for the traceback, and report it")


def _visible(text: str) -> str:
    from .words import visible

    return visible(text)


def _say(kind: str, message: str) -> None:
    stderr.print(f"{kind}: {_visible(message)}", markup=False, emoji=False, highlight=False)


def _fail(message: str, hint: str = "", code: int = 1) -> None:
    _say("error", message)
    if hint:
        _say("hint", hint)
    raise typer.Exit(code)


def _emit(report, out, logs_read) -> None:
    """Show or write the report, then its notes and warnings on stderr."""
    from .output.cells import messages
    from .output.emit import rows_written
    from .words import plural

    if _written(report, out, logs_read) and out.path:
        _say("wrote", f"{plural(rows_written(report, out), 'row')} to {out.path}")
    for kind, text in messages(report):
        _say(kind, text)


def _written(report, out, logs_read) -> bool:
    """Write the report; False when its reader closed the pipe early. That
    ends the output quietly, as `... | head` expects, but not the command:
    warnings still follow and --fail-on-breach still decides the exit code.
    A report that could not be written is one error line and exit 1."""
    from .output.emit import emit
    from .output.export import reason
    from .words import plural

    try:
        with _signals_end_cleanly():
            escaped = emit(report, out, sys.stdout if out.path else _stdout(), logs_read)
        if escaped:
            _say("warning", f"stdout's encoding ({sys.stdout.encoding}) cannot hold {plural(escaped, 'character')} of "
                            "the report: written as \\u escapes; -o FILE writes UTF-8, or set a UTF-8 locale")
        return True
    except BrokenPipeError:
        if not out.path:
            _quiet_stdout()
        return False
    except OSError as exc:
        if not out.path:
            _quiet_stdout()
        _fail(f"{out.path or 'stdout'}: {reason(exc)}")


def _stdout():
    """sys.stdout, which Python sets to None when the command started with
    it closed (`>&-`): Rich would then print into nothing and exit 0."""
    if sys.stdout is None:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))
    return sys.stdout


@contextmanager
def _signals_end_cleanly():
    """While the report is written, SIGTERM and SIGHUP raise SystemExit (exit
    128 + the signal, as a shell reports a killed command) instead of
    killing the process, so that -o's temporary file is removed as on
    Ctrl-C. Only a signal left at its default is changed: one ignored
    (nohup) or handled by whoever runs the command stays so."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers, and only it gets signals
        return
    wanted = [sig for sig in (signal.SIGTERM, signal.SIGHUP) if signal.getsignal(sig) is signal.SIG_DFL]
    before = {sig: signal.signal(sig, _exit_on_signal) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush (of what
    could not be written) stays silent."""
    if sys.stdout is None:
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _chosen(report, columns: str | None):
    """The report with only the columns named (in that order), when named."""
    if not columns:
        return report
    from .reports.table import chosen_columns

    report.table = report.table.select(chosen_columns(report.table, columns, "--columns"))
    report.meta["columns_chosen"] = True
    return report


def _breaches(query, window, db_threshold: int, max_threads: int) -> list[dict]:
    from .reports.limits import LimitSettings, check

    return check(query, window, LimitSettings(db_threshold, max_threads))


@app.command()
def summary(
    ctx: typer.Context,
    logs: LogsOpt = None, tenant: TenantOpt = None, no_cache: NoCacheOpt = False, date: DateOpt = None, tz: TzOpt = None, input_tz: InputTzOpt = None,
    input_time_format: InputTimeFormatOpt = None, threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    time_format: TimeFormatOpt = TimeFormat.h24, csv: CsvOpt = False, json: JsonOpt = False, nl: NlOpt = False,
    excel: ExcelOpt = False, output: OutputOpt = None, raw: RawOpt = False, strict: StrictOpt = False,
    fail_on_breach: FailOnBreachOpt = False, db_threshold: DbThresholdOpt = DEFAULT_DB_THRESHOLD,
    max_threads: MaxThreadsOpt = DEFAULT_MAX_THREADS, top: TopOpt = None,
    since: SinceOpt = None, until: UntilOpt = None,
    vendor: Annotated[Optional[str], typer.Option(
        "--vendor", show_default=False, metavar="LABEL", autocompletion=_complete_labels,
        help="With --since/--until: count only this integration, labelled as in the summary columns.")] = None,
) -> None:
    """Calls per hour of one day, one column per integration; or, with
    --since/--until, a heat map of hour of day x date.

    A cell over the hourly limit is red and marked, one at 75% of it or more
    yellow and marked; a Total calls cell is marked when an integration was
    over, and marked apart when the hour alone held more calls than the
    tenant's rolling limit (--db-threshold). A legend says what each mark is.

    With --since and --until, a heat map of the dates: each character is an
    hour, shaded by its calls (the legend says how many), and ! marks an hour
    with an integration over the limit; --csv and --json give one row per
    date and hour. --since alone runs to the latest date with calls, --until
    alone from the first.

    Example: apihourly summary --date 2026-11-15 --tz America/New_York

    Example: apihourly summary --since 2026-11-01 --until 2026-11-30 --vendor "Datto RMM"
    """
    from .reports.hourly import summary as build
    from .reports.hourly import top_integrations
    from .timeaxis import day_window

    out = _output(csv, json, output, raw, time_format, nl=nl, excel=excel)
    checks = Checks(strict, fail_on_breach)
    if since or until or vendor is not None:
        heat_map = _heat_map(date, since, until, vendor, fail_on_breach, (db_threshold, max_threads))
        _run(ctx, Source(logs, tz, input_tz, input_time_format, not no_cache, tenant), threshold, heat_map, out, checks)
        return

    def report(query):
        day = _day(query, date)
        built = build(query, day, db_threshold)
        if top:
            built = top_integrations(built, top)
        if fail_on_breach:
            built.breaches = _breaches(query, day_window(day, query.tz), db_threshold, max_threads)
        return built

    _run(ctx, Source(logs, tz, input_tz, input_time_format, not no_cache, tenant), threshold, report, out, checks)


def _heat_map(date: str | None, since: str | None, until: str | None, vendor: str | None,
              fail_on_breach: bool, limits: tuple[int, int]) -> Callable[[object], object]:
    """The report function of `summary --since/--until`, once the options
    agree; --fail-on-breach checks the range as `days` does."""
    from .reports.heatmap import heatmap_report
    from .timeaxis import range_window

    if date:
        raise typer.BadParameter("--date shows one day, --since/--until a range; choose one", param_hint="--date")
    if not (since or until):
        raise typer.BadParameter("--vendor draws a heat map of a range; add --since or --until "
                                 "(--since D --until D for one day)", param_hint="--vendor")
    first, last = _date_range(since, until)

    def report(query):
        built = heatmap_report(query, first, last, vendor)
        if fail_on_breach:
            built.breaches = _breaches(query, range_window(first, last, query.tz), *limits)
        return built

    return report


def _date_range(since: str | None, until: str | None):
    """--since and --until as dates (None when not given), in order."""
    from .timeaxis import parse_date

    try:
        first = parse_date(since, "--since") if since else None
        last = parse_date(until, "--until") if until else None
    except BadOption as exc:
        raise typer.BadParameter(str(exc), param_hint=exc.option) from None
    if first and last and first > last:
        raise typer.BadParameter(f"--since {first} is after --until {last}", param_hint="--since")
    return first, last


@app.command()
def activity(
    ctx: typer.Context,
    hour: HourOpt,
    vendor: VendorOpt = None,
    logs: LogsOpt = None, tenant: TenantOpt = None, no_cache: NoCacheOpt = False, date: DateOpt = None, tz: TzOpt = None, input_tz: InputTzOpt = None,
    input_time_format: InputTimeFormatOpt = None, threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    limit: LimitOpt = 100, time_format: TimeFormatOpt = TimeFormat.h24, csv: CsvOpt = False,
    json: JsonOpt = False, nl: NlOpt = False, excel: ExcelOpt = False, output: OutputOpt = None,
    raw: RawOpt = False, strict: StrictOpt = False, max_threads: MaxThreadsOpt = DEFAULT_MAX_THREADS,
    columns: ColumnsOpt = None,
) -> None:
    """The calls behind one summary cell: one hour, one integration (or,
    without --vendor, every call of the hour).

    Limit Reason says which limit a call met: hourly (its integration was over
    the hourly threshold), threads (it started while its integration and
    entity had more than --max-threads calls in flight), or both. An
    integration with calls that day but none in that hour gives an empty
    report; one without calls that day is an error.

    Example: apihourly activity --date 2026-11-15 --hour 14 --vendor "Datto RMM"
    """
    from .reports.drilldown import activity as build
    from .reports.model import latest_day
    from .timeaxis import parse_date, resolve_hour

    out = _output(csv, json, output, raw, time_format, limit, nl=nl, excel=excel)

    def report(query):
        given = parse_date(date) if date else None
        day, slot = resolve_hour(hour, given, query.tz, lambda: latest_day(query))
        return _chosen(build(query, day, slot, vendor, max_threads), columns)

    _run(ctx, Source(logs, tz, input_tz, input_time_format, not no_cache, tenant), threshold, report, out, Checks(strict))


@app.command()
def totals(
    ctx: typer.Context,
    logs: LogsOpt = None, tenant: TenantOpt = None, no_cache: NoCacheOpt = False, date: DateOpt = None, tz: TzOpt = None, input_tz: InputTzOpt = None,
    input_time_format: InputTimeFormatOpt = None, threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    time_format: TimeFormatOpt = TimeFormat.h24, csv: CsvOpt = False, json: JsonOpt = False, nl: NlOpt = False,
    excel: ExcelOpt = False, output: OutputOpt = None, raw: RawOpt = False, strict: StrictOpt = False,
    columns: ColumnsOpt = None,
) -> None:
    """Calls per integration for one day, busiest first, with a grand total.

    Example: apihourly totals --date 2026-11-15 --csv
    """
    from .reports.hourly import totals as build

    out = _output(csv, json, output, raw, time_format, nl=nl, excel=excel)

    def report(query):
        return _chosen(build(query, _day(query, date)), columns)

    _run(ctx, Source(logs, tz, input_tz, input_time_format, not no_cache, tenant), threshold, report, out, Checks(strict))


@app.command()
def days(
    ctx: typer.Context,
    logs: LogsOpt = None, tenant: TenantOpt = None, no_cache: NoCacheOpt = False, tz: TzOpt = None, input_tz: InputTzOpt = None,
    input_time_format: InputTimeFormatOpt = None, threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    since: SinceOpt = None, until: UntilOpt = None,
    csv: CsvOpt = False, json: JsonOpt = False, nl: NlOpt = False, excel: ExcelOpt = False,
    output: OutputOpt = None, raw: RawOpt = False, strict: StrictOpt = False, fail_on_breach: FailOnBreachOpt = False,
    db_threshold: DbThresholdOpt = DEFAULT_DB_THRESHOLD, max_threads: MaxThreadsOpt = DEFAULT_MAX_THREADS,
    columns: ColumnsOpt = None,
) -> None:
    """Dates with API activity: calls, integrations, hours over the limit and
    the peak rolling 60-minute count of the whole tenant.

    Example: apihourly days --since 2026-11-10 --until 2026-11-16 --tz Europe/London
    """
    from .reports.dates import days as build
    from .timeaxis import parse_date, range_window

    out = _output(csv, json, output, raw, nl=nl, excel=excel)

    def report(query):
        first = parse_date(since, "--since") if since else None
        last = parse_date(until, "--until") if until else None
        if first and last and first > last:
            raise BadOption(f"--since {first} is after --until {last}", "--since")
        built = _chosen(build(query, first, last, db_threshold), columns)
        if fail_on_breach:
            built.breaches = _breaches(query, range_window(first, last, query.tz), db_threshold, max_threads)
        return built

    _run(ctx, Source(logs, tz, input_tz, input_time_format, not no_cache, tenant), threshold, report, out, Checks(strict, fail_on_breach))


@app.command()
def limits(
    ctx: typer.Context,
    logs: LogsOpt = None, tenant: TenantOpt = None, no_cache: NoCacheOpt = False, date: DateOpt = None, tz: TzOpt = None, input_tz: InputTzOpt = None,
    input_time_format: InputTimeFormatOpt = None,
    db_threshold: LimitsDbThresholdOpt = DEFAULT_DB_THRESHOLD, max_threads: MaxThreadsOpt = DEFAULT_MAX_THREADS,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    part: Annotated[LimitsPart, typer.Option(
        "--part", case_sensitive=False, metavar=_choices(LimitsPart),
        help="Table written by --csv, --nl or a CSV --output; JSON holds them all.")] = LimitsPart.tiers,
    limit: Annotated[int, typer.Option(
        "--limit", min=0, metavar="N", help="Rows shown in the thread and counter tables; 0 shows all.")] = 20,
    time_format: TimeFormatOpt = TimeFormat.h24, csv: CsvOpt = False, json: JsonOpt = False, nl: NlOpt = False,
    excel: ExcelOpt = False, output: OutputOpt = None, raw: RawOpt = False, strict: StrictOpt = False,
    fail_on_breach: FailOnBreachOpt = False,
) -> None:
    """The limits Autotask enforces, replayed from the logs: the tenant's
    rolling 60-minute request count (peak, latency tiers, a chart of the day),
    the integrations behind the peak, and calls in flight per integration and
    entity against the thread limit. Samples of Autotask's own request counter
    among the logs (currentTimeframeRequestCount) are set beside the replay.

    Example: apihourly limits --date 2026-11-16 --db-threshold 10000 --max-threads 3
    """
    from .reports.limits import LimitSettings, limits_report

    out = _output(csv, json, output, raw, time_format, limit, part.value, nl, excel)
    # Not given: the counter samples' threshold, when there are some (reports/limits.py).
    chosen = db_threshold if _source(ctx, "db_threshold") not in ("DEFAULT", None) else None

    def report(query):
        return limits_report(query, _day(query, date), LimitSettings(chosen, max_threads))

    _run(ctx, Source(logs, tz, input_tz, input_time_format, not no_cache, tenant), threshold, report, out, Checks(strict, fail_on_breach))


@app.command()
def tenants(
    ctx: typer.Context,
    logs: LogsOpt = None, no_cache: NoCacheOpt = False,
    date: Annotated[Optional[str], typer.Option(
        "--date", "-d", show_default=False, metavar="YYYY-MM-DD", autocompletion=_complete_dates,
        help="One date to compare the tenants on (--since D --until D). Default: every date with calls.")] = None,
    since: SinceOpt = None, until: UntilOpt = None, tz: TzOpt = None, input_tz: InputTzOpt = None,
    input_time_format: InputTimeFormatOpt = None, threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    db_threshold: DbThresholdOpt = DEFAULT_DB_THRESHOLD, max_threads: MaxThreadsOpt = DEFAULT_MAX_THREADS,
    vendor: Annotated[Optional[str], typer.Option(
        "--vendor", show_default=False, metavar="LABEL",
        help="Count only this integration's calls, hours and thread stretches, and show its share of each "
        "tenant's peak window; the peak stays the tenant's. Tenants without its calls are left out.")] = None,
    top: Annotated[Optional[int], typer.Option(
        "--top", min=1, show_default=False, metavar="N",
        help="Rows shown in the table, highest peak first; CSV and JSON carry every tenant.")] = None,
    time_format: TimeFormatOpt = TimeFormat.h24, csv: CsvOpt = False, json: JsonOpt = False, nl: NlOpt = False,
    excel: ExcelOpt = False, output: OutputOpt = None, raw: RawOpt = False, strict: StrictOpt = False,
    fail_on_breach: Annotated[bool, typer.Option(
        "--fail-on-breach", help="Exit 3 (after the report) when a tenant exceeded a limit: its rolling "
        "60-minute count over --db-threshold, an integration over the hourly limit, or threads; the "
        "tenants are named.")] = False,
) -> None:
    """Every tenant of the logs side by side, highest peak rolling hour first:
    calls, integrations, the busiest integration hour, hours over the limit,
    the peak rolling 60-minute count and when, the highest latency tier
    reached, thread stretches over --max-threads, and the integration with
    most calls in the peak window. Tenants come from a tenant column
    (Tenant, Database, Instance, ...) or tenant=NAME folders.

    Example: apihourly tenants --logs sample_logs/fleet --since 2026-11-15 --until 2026-11-16

    Example: apihourly tenants --date 2026-11-16 --vendor "Datto RMM" --fail-on-breach
    """
    from .read.tenants import ANY_TENANT
    from .reports.tenants import FleetSettings, tenants_report

    if date and (since or until):
        raise typer.BadParameter("give --date, or --since and --until, not both", param_hint="--date")
    first, last = _date_range(date or since, date or until)
    out = _output(csv, json, output, raw, time_format, top or 0, nl=nl, excel=excel)
    settings = FleetSettings(db_threshold, max_threads, vendor)

    def report(query):
        return tenants_report(query, first, last, settings)

    _run(ctx, Source(logs, tz, input_tz, input_time_format, not no_cache, ANY_TENANT), threshold, report, out,
         Checks(strict, fail_on_breach))


CallsPerCellOpt = Annotated[int, typer.Option(
    "--calls-per-cell", min=0, metavar="N",
    help="Calls the page holds for each summary cell (and each hour), to show when it is picked; the page "
    "names the command that writes the rest.")]
ReportOutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", "-o", show_default=False, metavar="PATH",
    help="Write the page here (- is stdout), never over a log read. Default: apihourly-report-DATE.html, "
    "or apihourly-report-SINCE-to-UNTIL.html for a period, in the current folder.")]


@app.command()
def report(
    ctx: typer.Context,
    logs: LogsOpt = None, tenant: TenantOpt = None, no_cache: NoCacheOpt = False, date: DateOpt = None,
    since: SinceOpt = None, until: UntilOpt = None, tz: TzOpt = None, input_tz: InputTzOpt = None,
    input_time_format: InputTimeFormatOpt = None, threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    db_threshold: LimitsDbThresholdOpt = DEFAULT_DB_THRESHOLD, max_threads: MaxThreadsOpt = DEFAULT_MAX_THREADS,
    time_format: TimeFormatOpt = TimeFormat.h24, calls_per_cell: CallsPerCellOpt = 2_000,
    output: ReportOutputOpt = None, strict: StrictOpt = False,
) -> None:
    """One self-contained HTML page to open offline or send to a vendor:
    pick a date (with its days figures), see its summary grid, click a count
    or an hour for its calls (sortable, filterable), its totals and limits
    (the rolling 60 minutes as a chart); every table exports the CSV its
    command writes. Without --date, --since or --until: the latest date.

    Example: apihourly report --since 2026-11-13 --until 2026-11-16 -o incident.html
    """
    from .reports.page import PageSettings, Sources, report_page

    if date and (since or until):
        raise typer.BadParameter("give --date, or --since and --until, not both", param_hint="--date")
    first, last = _date_range(date or since, date or until)
    if output is not None and not _is_stdout(output):
        _check_html_name(output)
    chosen = db_threshold if _source(ctx, "db_threshold") not in ("DEFAULT", None) else None
    settings = PageSettings(chosen, max_threads, calls_per_cell)
    sources = Sources(tuple(_log_specs(logs)), input_tz, input_time_format, tenant)
    source = Source(logs, tz, input_tz, input_time_format, not no_cache, tenant)

    def opened_and_built():
        from .reports.model import latest_day

        with _cluster(ctx) as cluster:
            query = _open(source, threshold, output is not None and _is_stdout(output), cluster)
            period = (first, last) if first or last else (latest_day(query),) * 2
            return query, report_page(query, *period, settings, sources)

    _stderr_follows(_chosen_color(ctx))
    query, page = _built(opened_and_built, debug=_debugging(ctx))
    if strict:
        _refuse_skipped(page.days.stats)
    _write_page(page, output, time_format.value, query.logs.paths)


def _check_html_name(path: Path) -> None:
    from .output.export import named_format

    named = named_format(path)
    if named is not None:
        raise typer.BadParameter(f"report writes HTML; {_visible(str(path))} names a {FORMAT_NAMES[named]} "
                                 "file (use summary, totals or activity for those)", param_hint="'--output' / '-o'")


def _write_page(page, output: Path | None, time_format: str, logs_read) -> None:
    """Write the page, then say where, and the notes and warnings of the read."""
    from .output.cells import messages
    from .output.export import reason, save
    from .output.html import page_html
    from .words import plural

    data = page_html(page, time_format).encode("utf-8")
    path = output or Path(_page_name(page))
    try:
        with _signals_end_cleanly():
            if _is_stdout(path):
                _stdout().buffer.write(data)
                _stdout().flush()
            else:
                save(path, [data], logs_read)
    except BrokenPipeError:
        _quiet_stdout()
    except OSError as exc:
        _fail(f"{'stdout' if _is_stdout(path) else path}: {reason(exc)}")
    if not _is_stdout(path):
        _say("wrote", f"a report of {plural(len(page.dates), 'date')} ({len(data):,} bytes) to {path}")
    for kind, text in messages(page.days):
        _say(kind, text)


def _page_name(page) -> str:
    first, last = page.days.covers["since"], page.days.covers["until"]
    return f"apihourly-report-{first}.html" if first == last else f"apihourly-report-{first}-to-{last}.html"


@app.command()
def browse(
    ctx: typer.Context,
    logs: LogsOpt = None, tenant: TenantOpt = None, no_cache: NoCacheOpt = False, date: DateOpt = None, tz: TzOpt = None, input_tz: InputTzOpt = None,
    input_time_format: InputTimeFormatOpt = None, threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    time_format: TimeFormatOpt = TimeFormat.h24,
) -> None:
    """Explore the reports in a full-screen terminal app.

    Pick a date, open any count (or hour) to see the calls behind it, sort
    them, open totals (t), export the table on screen to CSV (e), re-read the
    logs (r). ? lists the keys, q quits.

    Example: apihourly browse --date 2026-11-15 --tz America/New_York
    """
    from .timeaxis import parse_date

    try:
        tz_info, input_zone = _zone(tz), _input_zone(input_tz)
        day = parse_date(date) if date else None
    except BadOption as exc:
        raise typer.BadParameter(str(exc), param_hint=exc.option) from None
    # Textual reads keys from stdin and draws on stderr; off a terminal it
    # would write escape codes into a pipe or file and wait for keys forever.
    # Stdout too: piping browse means the user wanted data, which it never writes.
    if not all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout, sys.stderr)):
        _say("error", "browse needs a terminal")
        _say("hint", "to write a report to a pipe or a file, use summary, totals, days or limits with --csv or --json")
        raise typer.Exit(2)
    # Textual is imported here only, so the other commands stay fast.
    from .browse.app import BrowseApp
    from .browse.session import Session

    with ExitStack() as held:
        cluster = _built(lambda: held.enter_context(_cluster(ctx)), debug=_debugging(ctx))
        session = Session(_log_specs(logs), tz_info, threshold, time_format.value, input_zone, input_time_format,
                          cache=not no_cache, tenant=tenant, cluster=cluster)
        BrowseApp(session, day).run()


WatchIntervalOpt = Annotated[float, typer.Option(
    "--interval", min=0.1, metavar="SECONDS", help="How often the logs are read and the display redrawn.")]


@app.command()
def watch(
    ctx: typer.Context,
    logs: LogsOpt = None, tenant: TenantOpt = None, tz: TzOpt = None, input_tz: InputTzOpt = None,
    input_time_format: InputTimeFormatOpt = None,
    db_threshold: DbThresholdOpt = DEFAULT_DB_THRESHOLD, max_threads: MaxThreadsOpt = DEFAULT_MAX_THREADS,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    once: Annotated[bool, typer.Option(
        "--once", help="Read the last 60 minutes, show them (or write --csv/--json) and exit.")] = False,
    fail_on_breach: Annotated[bool, typer.Option(
        "--fail-on-breach", help="With --once: exit 3 when the rolling count is over --db-threshold now.")] = False,
    on_alert: Annotated[Optional[str], typer.Option(
        "--on-alert", metavar="COMMAND", show_default=False,
        help="Run COMMAND (by the shell) at each alert, with APIHOURLY_ALERT, APIHOURLY_TIER, APIHOURLY_COUNT "
             "and APIHOURLY_TOP in its environment; log text is never put in its command line.")] = None,
    alert_timeout: Annotated[float, typer.Option(
        "--alert-timeout", min=0.1, metavar="SECONDS", help="Stop an --on-alert command still running after this.")
    ] = 10.0,
    metrics: Annotated[Optional[str], typer.Option(
        "--metrics", metavar="HOST:PORT", show_default=False,
        help="Serve Prometheus metrics at http://HOST:PORT/metrics (PORT alone: on 127.0.0.1).")] = None,
    interval: WatchIntervalOpt = 1.0,
    time_format: TimeFormatOpt = TimeFormat.h24, csv: CsvOpt = False, json: JsonOpt = False, nl: NlOpt = False,
) -> None:
    """Follow the logs as they grow and watch the tenant's rolling 60-minute
    count fill up: a live display, one alert line on stderr when it crosses
    50%, 75% or 100% of --db-threshold (up or down), Prometheus metrics.
    Ctrl-C ends it.

    Example: apihourly watch -l /var/log/autotask-proxy/ --on-alert 'notify-send "$APIHOURLY_ALERT"'
    """
    out = replace(_output(csv, json, None, False, time_format, part="integrations", nl=nl), color=_chosen_color(ctx))
    _stderr_follows(out.color)
    address = _watch_options(once, fail_on_breach, on_alert, metrics, out)
    _refuse_urls(_log_specs(logs))
    started = _built(lambda: _watch_started(Source(logs, tz, input_tz, input_time_format, False, tenant),
                                            (db_threshold, max_threads, threshold), not once or out.fmt != "table"),
                     debug=_debugging(ctx))
    if once:
        watched, step = started
        watched.close()
        _checked_and_shown(step.report, out, Checks(False, fail_on_breach), ())  # its messages said after it
        return
    _built(lambda: _watch_live(started, interval, address, (on_alert, alert_timeout), time_format.value, out.color),
           debug=_debugging(ctx))


def _watch_options(once: bool, fail_on_breach: bool, on_alert: str | None, metrics: str | None, out):
    """The --metrics address; options that need a watch that goes on (or one
    look) are usage errors otherwise."""
    from .watch.metrics import address

    if once and (on_alert or metrics):
        raise typer.BadParameter("--once looks once and exits: alerts and metrics need a watch that goes on; "
                                 "for cron, use --once --fail-on-breach",
                                 param_hint="'--on-alert'" if on_alert else "'--metrics'")
    if not once and (fail_on_breach or out.fmt != "table"):
        raise typer.BadParameter("needs --once (a watch that goes on draws a live table)",
                                 param_hint="'--fail-on-breach'" if fail_on_breach else "'--csv' / '--json'")
    try:
        return address(metrics) if metrics else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--metrics'") from None


def _refuse_urls(specs: list[str]) -> None:
    """A watch follows files on this machine, by inode: objects in a store
    have none, and are not appended to."""
    from .read.remote import is_url

    urls = [spec for spec in specs if is_url(spec)]
    if urls:
        raise typer.BadParameter(f"watch follows files on this machine, not URLs ({_visible(urls[0])}); "
                                 "point it where the logs are written", param_hint="'--logs' / '-l'")


def _watch_started(source: Source, limits: tuple[int, int, int], data_to_stdout: bool):
    """The watch over the logs, and its first step: the last 60 minutes."""
    from .count.calls import FIELDS
    from .read.follow import Follower
    from .watch.loop import Settings, Watch, written_since

    query = _open(source, limits[2], data_to_stdout)
    for note in query.notes:
        _say("note", note)
    follower = Follower(_log_specs(source.logs), query.logs.rules, query.logs.tenant, FIELDS, written_since())
    watched = Watch(follower, Settings(*limits, query.tz))
    try:
        return watched, watched.step()
    except BaseException:
        watched.close()
        raise


def _watch_live(started, interval: float, address, alerting: tuple, time_format: str, color: str) -> None:
    """The watch, drawn live on stdout until Ctrl-C or SIGTERM (exit 0)."""
    from .output.cells import glyphs_for
    from .output.emit import colors, render
    from .output.tables import View
    from .watch.run import follow_live, live_display

    console = Console(file=_stdout(), emoji=False, markup=False, highlight=False, **colors(color))
    glyphs = glyphs_for(getattr(console.file, "encoding", None))

    def drawing():
        return live_display(console, lambda report: render(report, View(time_format, 20, console.width, glyphs)))

    follow_live(*started, drawing, _say, interval, address, alerting)


cache_app = typer.Typer(
    name="cache", no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]},
    help="What apihourly keeps of each log file between runs, so reports on logs already seen answer at once.")
app.add_typer(cache_app)


@cache_app.command("info")
def cache_info(json: JsonOpt = False) -> None:
    """Where the cache is, its entries, its size on disk, how many log files
    it covers and when its oldest entry was written. The folder is
    $APIHOURLY_CACHE_DIR, else $XDG_CACHE_HOME/apihourly, else ~/.cache/apihourly.

    Example: apihourly cache info
    """
    import json as json_module
    from datetime import datetime

    found = _cache().info()
    if json:
        print(json_module.dumps(found))
        return
    oldest = datetime.fromtimestamp(found["oldest"]).isoformat(timespec="seconds") if found["oldest"] else "none"
    for label, value in (("folder", found["folder"]), ("entries", f"{found['entries']:,}"),
                         ("size", f"{found['bytes']:,} bytes"), ("log files", f"{found['logs']:,}"),
                         ("oldest entry", oldest)):
        print(f"{label:<13}{_visible(value)}")


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every entry of the cache. The next report reads its logs again
    and fills it anew; answers are the same either way.

    Example: apihourly cache clear
    """
    cache = _cache()
    removed = cache.clear()
    print(f"removed {removed:,} cache {'entry' if removed == 1 else 'entries'} from {_visible(str(cache.folder))}")


def _version(value: bool) -> None:
    if value:
        print(f"apihourly {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: DebugOpt = False,
    color: ColorOpt = Color.auto,
    scheduler: SchedulerOpt = None,
    scheduler_timeout: SchedulerTimeoutOpt = DEFAULT_SCHEDULER_TIMEOUT,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    pass  # the root options are read through the contexts (see _run)


# Where a bad value came from ----------------------------------------------------

@contextmanager
def _bad_values_blamed_on_their_source():
    """A bad option value is said to come from where it came from: the
    command line, the environment variable behind the option, or for --tz
    this machine's zone. Typer names the variable whenever an option has
    one, and the reports name only the option."""
    try:
        yield
    except typer.BadParameter as exc:
        where = _where_from(exc)
        if where:
            exc.param_hint = where
        raise


def _where_from(exc: typer.BadParameter) -> str | None:
    """How the message names the bad value's origin; None to leave it as it is."""
    ctx = exc.ctx
    param = exc.param or _option_named(ctx, exc.param_hint)
    if ctx is None or param is None or not getattr(param, "opts", None):
        return None
    option = max(param.opts, key=len)
    source = _source(ctx, param.name)
    if source == "ENVIRONMENT":
        return f"'{option}' from environment variable {param.envvar}"
    if source == "COMMANDLINE":
        return f"'{option}'"
    if source == "DEFAULT" and param.name == "tz":  # the zone came from the machine
        return "environment variable TZ" if os.environ.get("TZ") else "this machine's time zone"
    return None


def _option_named(ctx, hint):
    """The parameter a hint such as '--tz' (from a BadOption) names."""
    if ctx is None or not isinstance(hint, str):
        return None
    return next((p for p in ctx.command.params if hint in getattr(p, "opts", ())), None)


# Shell completion ------------------------------------------------------------------

def _completions(produce: Callable[[], list[str]]) -> list[str]:
    """What a completion offers: nothing, silently, on any failure. A shell
    shows whatever a completion writes, in the middle of the command line."""
    import contextlib
    import io
    import warnings

    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            return _typed_as_words(produce())
    except Exception:  # a bad --logs, --tz or log file: the command itself will say so
        return []


def _typed_as_words(values: list[str]) -> list[str]:
    """Bash puts a completion into the command line as it is: a label with
    a space in it ("Datto RMM") is escaped, or it would become two words."""
    if os.environ.get("_APIHOURLY_COMPLETE", "").endswith("_bash"):
        return [re.sub(r"([^\w@%+=:,./-])", r"\\\1", value) for value in values]
    return values


def _completion_query(ctx: typer.Context):
    """The query a command would open, from the options typed so far."""
    from .reports.model import Query

    params = ctx.params
    return Query.open(_log_specs(params.get("logs")), _zone(params.get("tz")),
                      input_tz=_input_zone(params.get("input_tz")), time_pattern=params.get("input_time_format"),
                      cache=not params.get("no_cache"), tenant=params.get("tenant"))


def _dates_with_calls(ctx: typer.Context):
    from .reports.dates import dates_with_calls

    return dates_with_calls(_completion_query(ctx))


def _labels_on_date(ctx: typer.Context) -> list[str]:
    from .reports.hourly import count_day

    query = _completion_query(ctx)
    return count_day(query, _day(query, ctx.params.get("date"))).labels


def _without(callback: Callable, names) -> Callable:
    """The command's function, called without the root options it shares
    (they are read through the contexts, see _run)."""
    @functools.wraps(callback)
    def call(*args, **kwargs):
        for name in names:
            kwargs.pop(name, None)
        return callback(*args, **kwargs)

    return call


def main() -> None:
    app()
