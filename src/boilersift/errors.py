"""The exceptions users see (the CLI prints their message as one line), and why a document
failed as data (:class:`Problem`), which a batch records and goes on."""

from __future__ import annotations

from dataclasses import dataclass


class BoilersiftError(Exception):
    """A problem with the user's input, data or model, stated so they can act on it."""


class InputError(BoilersiftError):
    """A problem with one input, record or document, which the message names first
    (a batch records it and goes on): ``"page.html: empty input"``."""

    def __init__(self, input: str, problem: str) -> None:
        super().__init__(f"{input}: {problem}")
        self.input = input
        self.problem = problem


@dataclass(frozen=True)
class Problem:
    """Why one document could not be classified, kept apart so that each place that reports
    it (stderr, the errors file, a result) takes what it needs: the document `id`, the
    `problem` without naming it, and `kind`, one word to count failures by: "input"
    (unreadable, empty, no text, over a limit), "timeout" (over its time budget) or "error"
    (a failure while classifying it)."""

    id: str
    problem: str
    kind: str = "input"

    @classmethod
    def of(cls, error: BoilersiftError, id: str, kind: str = "input") -> Problem:
        """`error` as the problem of document `id`: an :class:`InputError` about that document
        without its name, else (it names something else, or nothing) the whole message."""
        same = isinstance(error, InputError) and error.input == id
        return cls(id, error.problem if same else str(error), kind)

    @property
    def message(self) -> str:
        """The problem naming the document, as stderr and exceptions state it: ``"page.html: empty input"``."""
        return f"{self.id}: {self.problem}"
