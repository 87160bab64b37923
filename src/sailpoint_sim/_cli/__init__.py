"""The `sailpoint-sim` command-line tool (also `python -m sailpoint_sim`): the facade from a shell.

Every command maps to facade calls; results go to stdout as JSON, errors to stderr as one line. The exit
code tells the kind of failure apart (table in ``_exit``), so scripts can react without parsing messages.

Modules, each with one concern (imports only go down this list):

- ``_exit``: exit codes, ``UsageError`` and ``EXIT_CODES``, the one table mapping exceptions to codes.
- ``_command``: ``Command`` (a row of the command table) and ``Context`` (where a command writes).
- ``_secrets``, ``_log``, ``_output``, ``_input``, ``_connection``: secrets on the command line, logging
  to stderr, JSON/table output, local JSON input and patch flags, the client built from the options.
- ``_parser``: the shared connection options and one subparser per command of the table.
- one module per group of commands (``_integrations``, ``_as_code``, ``_doctor``, ``_fake_server``),
  each exporting ``COMMANDS``.
- ``_commands``: the table, ``COMMANDS``, concatenating those tuples; ``_main``: ``main()``.

How a module adds a command:

1. Write ``_cli/_mycommand.py`` with a run function ``run(args, ctx) -> int`` and, if it takes
   arguments, ``arguments(parser)`` adding them to its subparser; export
   ``COMMANDS = (Command("my-command", "One line of help.", run, arguments),)``. Set
   ``connection_options=False`` when the shared ``--base-url``/``--client-id``/... flags do not apply;
   ``epilog=`` adds help text above the common notes.
2. Build the client with ``_connection.client_from_args(args, **settings)``; read local input before
   that, so bad input is refused (exit 2) before any request; write results with ``_output.print_json``
   to ``ctx.out`` (valid JSON whatever the values) and notes for the person to ``ctx.err``, both
   wrapped in ``_output.TerminalStream``: control characters are escaped, nothing fails to encode.
3. Raise on failure, never print the error or call ``sys.exit``: ``UsageError`` for bad input, and let
   the library's errors propagate. main() maps each to its exit code through ``_exit.EXIT_CODES`` and
   prints it once, secrets removed. A new kind of failure gets a row there (and in the README's table).
4. Add ``*_mycommand.COMMANDS`` to the table in ``_commands.py`` (its position is its place in
   ``--help``), and tests under ``tests/cli/``.
"""

from ._exit import EXIT_API_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_TRANSPORT_ERROR, EXIT_USAGE
from ._main import main

__all__ = ["EXIT_API_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_TRANSPORT_ERROR", "EXIT_USAGE", "main"]
