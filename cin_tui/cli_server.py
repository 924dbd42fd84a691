"""`cin server init` and `cin server add-user`: IT sets up a team server in two commands
(issue 13, item 3). The SQL lives in models/server_roles.py; these only parse, ask for a
password and report.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from policies.safe_text import safe_text

ROLES = ("worker", "manager")


def add_server_commands(commands: argparse._SubParsersAction,
                        common: argparse.ArgumentParser) -> None:
    """Add `server init` and `server add-user` to the `cin` command's subcommands."""
    server = commands.add_parser(
        "server", help="set up a team server (PostgreSQL): roles, access rules, staff logins",
        description="Set up a team's shared caseload on PostgreSQL (see docs/deploy.md, "
                    "\"Team server\"). Give the database with --db or CIN_DB as a PostgreSQL "
                    "URL without a password (postgresql://host/dbname).",
    )
    actions = server.add_subparsers(dest="server_command", metavar="COMMAND", required=True)
    init = actions.add_parser(
        "init", parents=[common], help="migrate the database and set up the roles and rules",
        description="Run once by IT as the database's owner (and again after an upgrade; it is "
                    "safe to repeat). Migrates the database to the latest schema, then creates "
                    "the group roles cin_worker and cin_manager, the staff table, their grants "
                    "and PostgreSQL's row-level security policies: nobody sees another team's "
                    "cases; a worker reads their team's cases and changes only those allocated "
                    "to them; a manager changes their team's cases and writes oversight notes; "
                    "the audit trail is append-only and names each change's login.",
    )
    init.set_defaults(run=run_init)

    add_user = actions.add_parser(
        "add-user", parents=[common], help="add a worker's or manager's login",
        description="Create a PostgreSQL login LOGIN in the group of its role, and its staff "
                    "row: the full name the audit trail shows for its changes, and the team "
                    "whose cases it sees. The password is asked for (typed twice, not shown), "
                    "or read from the first line of --password-file; never given on the "
                    "command line. Run as the database's owner after `cin server init`.",
    )
    add_user.add_argument("login", metavar="LOGIN", help="the database login, e.g. sam.patel")
    add_user.add_argument("--name", required=True, metavar="\"FULL NAME\"",
                          help="the person's full name, as cases are allocated to them")
    add_user.add_argument("--role", required=True, choices=ROLES,
                          help="worker (their own cases) or manager (the team's cases)")
    add_user.add_argument("--team", required=True, metavar="TEAM",
                          help="the team whose cases they see, as in the cases' team")
    add_user.add_argument("--password-file", metavar="FILE",
                          help="read the password from the first line of FILE (no prompt)")
    add_user.set_defaults(run=run_add_user)


def _server_url(context):  # context: cin_tui.cli.Context -> models.location.ServerUrl
    from cin_tui.cli_errors import CliError
    from models.location import ServerUrl

    location = context.database_path
    if not isinstance(location, ServerUrl):
        raise CliError(f"cin server works on a team server; {location} is an SQLite file. Give "
                       "a PostgreSQL URL with --db or CIN_DB (postgresql://host/dbname).")
    return location


def run_init(context) -> int:  # context: cin_tui.cli.Context
    from cin_tui.cli_errors import CliError
    from models.server_roles import ServerSetupError, init_server

    url = _server_url(context)
    try:
        init_server(url)
    except ServerSetupError as error:
        raise CliError(f"cin server init: {error} (run it as the database's owner).") from None
    print(safe_text(f"Set up {url}: roles cin_worker and cin_manager, their access rules and "
                    "the staff table. Add logins with `cin server add-user`.", multiline=True))
    return 0


def run_add_user(context) -> int:  # context: cin_tui.cli.Context
    from cin_tui.cli_errors import CliError
    from models.server_roles import ServerSetupError, add_user

    args = context.args
    url = _server_url(context)
    name, team = args.name.strip(), args.team.strip()
    if not name or not team:
        raise CliError("give a full name (--name) and a team (--team), neither blank.")
    password = (_password_from_file(Path(args.password_file)) if args.password_file
                else _password_from_prompt(args.login))
    try:
        add_user(url, args.login, full_name=name, role=args.role, team=team, password=password)
    except ServerSetupError as error:
        raise CliError(f"cin server add-user: {error}") from None
    print(safe_text(f"Added {args.login} ({name}), {args.role} in team {team}.",
                    multiline=True))
    return 0


def _password_from_file(path: Path) -> str:
    from cin_tui.cli_errors import CliError

    try:
        lines = path.expanduser().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"--password-file: cannot read {path} ({error}).") from None
    if not lines or not lines[0]:
        raise CliError(f"--password-file: the first line of {path} is empty; put the password "
                       "there.")
    return lines[0]


def _password_from_prompt(login: str) -> str:
    import getpass

    from cin_tui.cli_errors import CliError

    first = getpass.getpass(f"Password for {login}: ")
    if not first:
        raise CliError("no password given; nothing was changed.")
    if getpass.getpass("Same password again: ") != first:
        raise CliError("the two passwords differ; nothing was changed.")
    return first
