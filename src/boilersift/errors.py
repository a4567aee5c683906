"""The one exception type users see; the CLI prints its message as one line."""


class BoilersiftError(Exception):
    """A problem with the user's input, data or model, stated so they can act on it."""


class InputError(BoilersiftError):
    """A problem with one input of a batch, which names it (the batch goes on)."""

    def __init__(self, input: str, problem: str) -> None:
        super().__init__(f"{input}: {problem}")
        self.input = input
