"""The one exception type users see; the CLI prints its message as one line."""


class BoilersiftError(Exception):
    """A problem with the user's input, data or model, stated so they can act on it."""
