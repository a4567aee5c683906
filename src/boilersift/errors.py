"""The exceptions users see; the CLI prints their message as one line."""


class BoilersiftError(Exception):
    """A problem with the user's input, data or model, stated so they can act on it."""


class InputError(BoilersiftError):
    """A problem with one input, record or document, which the message names first
    (a batch records it and goes on): ``"page.html: empty input"``."""

    def __init__(self, input: str, problem: str) -> None:
        super().__init__(f"{input}: {problem}")
        self.input = input
        self.problem = problem


def problem_of(error: BoilersiftError, subject: str) -> str:
    """What `error` says about `subject`, without naming it again (for a record that names it)."""
    return error.problem if isinstance(error, InputError) and error.input == subject else str(error)
