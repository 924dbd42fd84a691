"""The error every `cin` subcommand raises for a problem with what the user asked for."""


class CliError(Exception):
    """A problem with what the user asked for; the message says what to do instead."""
