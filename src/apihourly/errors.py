"""Domain errors. The CLI turns each into one line on stderr and an exit code."""


class ApihourlyError(Exception):
    """Base for every error a user can act on; the message is shown as is,
    and `hint`, when there is one, on a line of its own; the process exits
    with `exit_code`."""

    exit_code = 1

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint

    def __reduce__(self):
        # As it is, whatever its __init__ takes: errors cross from worker processes.
        return _restored, (type(self), self.args, self.__dict__)


def _restored(cls, args: tuple, state: dict) -> ApihourlyError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


def first_line(exc: BaseException) -> str:
    """The first line of what an exception says, or its type's name."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class BadOption(ApihourlyError):
    """An option value that cannot be used (exit 2, like a usage error)."""

    def __init__(self, message: str, option: str | None = None):
        super().__init__(message)
        self.option = option


class NoLogsFound(ApihourlyError):
    """No log files where the user pointed."""


class LogFormatError(ApihourlyError):
    """A log file that cannot be read as a call log."""

    def __init__(self, path: object, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path


class NoSuchCell(ApihourlyError):
    """An activity drill-down that names an hour or category with no calls."""
