"""The `cin` command: opens the app, imports and exports cases, lists what is due.

Every subcommand honours `--db` / `CIN_DB` (which database) and `--today` / `CIN_TODAY` (which
date counts as today). Problems print one clear message on stderr and return non-zero; a
traceback is shown only when `CIN_DEBUG=1`. Imports are lazy so `cin due --json` starts quickly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from cin_tui import __version__
from cin_tui.cli_errors import CliError, whole_days

if TYPE_CHECKING:
    from models.location import DatabaseLocation
    from models.rows import CaseloadRow
    from models.service import CaseloadService

EXIT_PROBLEM = 1      # bad input, a failed import, a database the user must act on
EXIT_USAGE = 2        # argparse's own status for a mistyped command line
EXIT_UNEXPECTED = 70  # a bug: something cin did not expect (EX_SOFTWARE)
EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    env = os.environ
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as stop:  # --help, --version, or a usage error already printed
            return stop.code if isinstance(stop.code, int) else EXIT_USAGE
        return args.run(Context(args, env))
    except KeyboardInterrupt:
        _show_traceback_if_debugging(env)
        print("cin: stopped (Ctrl+C).", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `cin due | head`: the reader left; not an error worth a message
        _quiet_broken_pipe()
        return 0
    except Exception as error:  # the one top-level guard: no traceback reaches a user
        _show_traceback_if_debugging(env)
        message = user_message(error)
        if message is None:
            print(
                visible(f"cin: something unexpected went wrong ({type(error).__name__}: {error}).")
                + "\n"
                "Nothing more was changed. Run the command again with CIN_DEBUG=1 to see the "
                "details, and please report them.",
                file=sys.stderr,
            )
            return EXIT_UNEXPECTED
        print(visible(message), file=sys.stderr)
        return EXIT_PROBLEM


def visible(message: str) -> str:
    """The message with control characters and bidi overrides shown visibly (`␛`, `␍`,
    `\\u202e`), newlines kept: a value echoed from a file or the database must not redraw the
    terminal or break the one-problem-a-line layout. See policies.safe_text."""
    from policies.safe_text import safe_text

    return safe_text(message, multiline=True)


def _show_traceback_if_debugging(env: Mapping[str, str]) -> None:
    if env.get("CIN_DEBUG", "").strip() not in ("", "0"):
        import traceback

        traceback.print_exc()


def _quiet_broken_pipe() -> None:
    # Point stdout at devnull so the interpreter's final flush does not complain again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _user_error_types() -> tuple[type[BaseException], ...]:
    """Error types whose message is written for users. Looked up only among modules already
    imported: an error cannot come from a module that was never loaded."""
    names = {
        "cin_tui.settings": ("SettingsError",),
        "cin_tui.importer": ("ImportFailed",),
        "cin_tui.demo": ("DemoError",),
        "cin_tui.exporter": ("ExportError",),
        "policies.dates": ("DateParseError",),
        "policies.calendar": ("CalendarFileError",),
        "policies.packs": ("PolicyError",),
        "models.errors": ("DatabaseError", "CaseNotFound"),
        "models.supervision": ("UnknownWorker",),
        "screens.supervision_record": ("RecordError",),
    }
    found: list[type[BaseException]] = [CliError]
    for module_name, class_names in names.items():
        module = sys.modules.get(module_name)
        for class_name in class_names:
            error_type = getattr(module, class_name, None) if module else None
            if isinstance(error_type, type):
                found.append(error_type)
    return tuple(found)


def user_message(error: BaseException) -> str | None:
    """The message to print for an error a user can act on, or None for a bug."""
    validation = sys.modules.get("models.validation")
    if validation is not None and isinstance(error, validation.ValidationFailed):
        return "\n".join(f"cin: {e.field}: {e.message}" for e in error.errors)
    importer = sys.modules.get("cin_tui.importer")
    if importer is not None and isinstance(error, importer.ImportFailed):
        return str(error)  # every line `file:record:field: message`, like a compiler's
    if isinstance(error, _user_error_types()):
        return f"cin: {error}"
    if isinstance(error, OSError) and error.filename is not None:
        reason = error.strerror or str(error)
        return f"cin: {error.filename}: {reason}"
    return None


class Context:
    """What a subcommand needs, each piece worked out (and imported) only when first used."""

    def __init__(self, args: argparse.Namespace, env: Mapping[str, str]) -> None:
        self.args = args
        self.env = env

    @cached_property
    def settings_dir(self) -> Path:
        from cin_tui.settings import settings_dir

        return settings_dir(self.env)

    @cached_property
    def settings(self):  # -> cin_tui.settings.Settings
        from cin_tui.settings import load_settings

        return load_settings(self.settings_dir)

    @cached_property
    def today(self):  # -> datetime.date
        from cin_tui.settings import resolve_today

        return resolve_today(self.args.today, self.env)

    @cached_property
    def database_path(self) -> DatabaseLocation:
        """An SQLite file (a Path) or a team server (models.location.ServerUrl)."""
        from cin_tui.settings import resolve_database

        return resolve_database(self.args.db, self.env)

    def database_file(self, doing: str) -> Path:
        """The SQLite file, for what only a file has (`doing`: "backing up", say); on a team
        server, the CliError that says what to use instead."""
        if isinstance(self.database_path, Path):
            return self.database_path
        raise CliError(
            f"{doing} works on an SQLite file; {self.database_path} is a team server "
            "(PostgreSQL), whose backups are made and restored with pg_dump and pg_restore "
            "by whoever runs it: see docs/deploy.md.")

    @cached_property
    def policies(self):  # -> Mapping[str, policies.packs.Policy]
        return self.service.policies

    @cached_property
    def calendar(self):  # -> policies.calendar.WorkingCalendar
        return self.service.calendar

    @cached_property
    def service(self) -> CaseloadService:
        """The caseload service for this database, settings folder, day and user; nothing is
        loaded or opened until a command asks for it."""
        from models.service import CaseloadService

        settings = self.settings
        return CaseloadService(
            database=self.database_path, settings_dir=self.settings_dir, today=self.today,
            actor=settings.worker, amber_working_days=settings.amber_working_days,
            backups_to_keep=settings.backups_to_keep,
        )

    def existing_service(self) -> CaseloadService:
        """The service, refusing to create an empty database by accident."""
        service = self.service  # a bad settings file or day is reported first
        # (A team server's database exists: opening it says if it cannot be reached.)
        if isinstance(self.database_path, Path) and not self.database_path.exists():
            service.policies, service.calendar  # noqa: B018 - and a bad pack
            raise CliError(
                f"there is no database at {self.database_path} yet. Import your cases with "
                "`cin import FILE`, try `cin demo`, or point at another file with --db PATH "
                "or CIN_DB."
            )
        return service

    def check_database(self) -> None:
        """Open the database and close it again: says clearly if there is none, or it is not
        cin's."""
        with self.existing_service() as service:
            service.engine  # noqa: B018


# The parser


def build_parser() -> argparse.ArgumentParser:
    # --db and --today are accepted before or after the subcommand: `cin --db x due` and
    # `cin due --db x`. On the subcommands they default to SUPPRESS so they never undo the
    # value given before the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    _add_common_options(common, default=argparse.SUPPRESS)

    parser = argparse.ArgumentParser(
        prog="cin",
        description="A caseload tracker for Child in Need (Section 17) social workers. "
                    "With no command, opens the app on your caseload.",
        epilog="Environment: CIN_DB (database file), CIN_TODAY (date to treat as today), "
               "CIN_SETTINGS_DIR (settings folder), CIN_DEBUG=1 (show tracebacks).",
    )
    _add_common_options(parser, default=None)
    parser.add_argument("--privacy", action="store_true", help=PRIVACY_HELP)
    parser.add_argument("--version", action="version", version=f"cin {__version__}")
    parser.set_defaults(run=run_app)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", parents=[common], help="open the app on a fresh copy of the demo caseload",
        description="Build a fresh copy of the demo caseload (25 fictional children, dates "
                    "relative to today) and open the app on it. The demo database is replaced "
                    "each time; cin refuses to replace a database that is not a demo.",
    )
    demo.add_argument("--no-tui", action="store_true",
                      help="only build the demo database and print where it is")
    demo.add_argument("--privacy", action="store_true", default=argparse.SUPPRESS,
                      help=PRIVACY_HELP)
    demo.set_defaults(run=run_demo)

    importing = commands.add_parser(
        "import", parents=[common],
        help="add or update cases from a .json, .csv, census return or List 6 file",
        description="Add or update cases (matched by ref) from a JSON or CSV file, a DfE CIN "
                    "census return (XML) or an Ofsted Annex A List 6 workbook (.xlsx), the last "
                    "two known by their content; see docs/formats.md. All or nothing: if any "
                    "record has a problem, nothing is written and every problem is listed. "
                    "Importing the same file twice changes nothing.",
    )
    importing.add_argument("file", metavar="FILE",
                           help="a .json or .csv file, a census return or a List 6 workbook")
    importing.add_argument("--dry-run", action="store_true",
                           help="check the file and say what would be added or changed, "
                                "without writing anything")
    importing.add_argument("--policy", metavar="ID",
                           help="policy pack for records that do not name one (see `cin "
                                "policies`); for a census return, instead of its LEA code's pack")
    importing.add_argument("--worker", metavar="NAME",
                           help="allocated worker for records that do not name one")
    importing.add_argument("--ignore-unknown-columns", action="store_true",
                           help="a CSV file: leave out columns cin does not know (named in the "
                                "report) instead of refusing the file")
    importing.add_argument("--names", metavar="FILE.csv", type=Path,
                           help="a census return or List 6: the children's names, a CSV of "
                                "rows LAchildID,name (without it a new case is named "
                                "\"Child <LAchildID>\")")
    importing.set_defaults(run=run_import)

    exporting = commands.add_parser(
        "export", parents=[common],
        help="write cases to a .json or .csv file, a census return or a List 6",
        description="Write every case to FILE: .json is the full history (the import format), "
                    ".csv one summary row per child. .xml is a DfE CIN census return of the "
                    "cases open in the census year; .xlsx is Ofsted's Annex A List 6 of the "
                    "cases open in the last six months. The file is readable by you only.",
    )
    exporting.add_argument("file", metavar="FILE",
                           help="a .json, .csv, .xml (census return) or .xlsx (List 6) file")
    from cin_tui.cli_census import census_year_arg, lea_arg  # cin export return.xml

    exporting.add_argument("--census-year", metavar="YYYY", type=census_year_arg,
                           help="a census return's year, by its end: 2026 is 1 April 2025 to "
                                "31 March 2026 (default: the latest ended by today)")
    exporting.add_argument("--lea", metavar="CODE", type=lea_arg,
                           help="a census return's 3-digit LA code (default: the code of the "
                                "cases' pack)")
    exporting.set_defaults(run=run_export)

    due = commands.add_parser(
        "due", parents=[common], help="list open deadlines, soonest first",
        description="List the open deadlines of open cases, soonest (and overdue) first.",
    )
    due.add_argument("--within", metavar="N", type=whole_days,
                     help="only deadlines due within N calendar days of today, plus any overdue")
    due.add_argument("--worker", metavar="NAME", help="only this worker's cases")
    due.add_argument("--json", action="store_true",
                     help="print a JSON array (a stable format for scripts; see docs/formats.md)")
    due.set_defaults(run=run_due)

    explain = commands.add_parser(
        "explain", parents=[common], help="show how each deadline of a case was worked out",
        description="Show each deadline of a case with its rule, the procedure section it "
                    "comes from, how the date was worked out, and any notes.",
    )
    explain.add_argument("ref", metavar="REF", help="the case reference")
    explain.set_defaults(run=run_explain)

    listing = commands.add_parser(
        "policies", parents=[common], help="list the policy packs available",
        description="List the policy packs cin knows: the shipped ones and your own "
                    "(in the policies folder of your settings folder), with their files.",
    )
    listing.set_defaults(run=run_policies)

    restore = commands.add_parser(
        "restore", parents=[common], help="replace the database with one of its backups",
        description="Replace the database with a backup (cin keeps them in backups/<database "
                    "file name>/ beside the database). Before the database is touched, the "
                    "backup is checked: sound, a cin database of a version this cin can read, "
                    "and of the same caseload. The database it replaces is kept (never rotated "
                    "out), and audit entries made after the backup are kept in the restored "
                    "audit trail, followed by an entry for the restore.",
    )
    restore.add_argument("backup", metavar="BACKUP", help="the backup file to restore")
    restore.add_argument("--other-caseload", action="store_true",
                         help="restore even though the backup is not recorded as being of this "
                              "caseload (a backup of another database, or one made before cin "
                              "recorded which caseload a backup belongs to)")
    restore.set_defaults(run=run_restore)

    record = commands.add_parser(
        "supervision-record", parents=[common],
        help="write a worker's supervision record (.md or .html)",
        description="Write the management oversight notes recorded on a worker's cases (a "
                    "supervision walkthrough) to FILE, as Markdown (.md) or HTML (.html): one "
                    "section per case with its flags, the decision, the rationale and the "
                    "actions. Without --since, the notes of the latest day notes were recorded. "
                    "The file is readable by you only.",
    )
    record.add_argument("--worker", metavar="NAME", required=True, help="the worker's name")
    record.add_argument("--since", metavar="DATE",
                        help="notes recorded on or after DATE, e.g. 2026-11-01 or 01/11/2026")
    record.add_argument("--out", metavar="FILE", required=True, help="a .md or .html file to write")
    record.add_argument("--privacy", action="store_true", default=argparse.SUPPRESS,
                        help=PRIVACY_HELP)
    record.set_defaults(run=run_supervision_record)

    from cin_tui.maintenance import add_maintenance_commands  # cin backup, cin audit

    add_maintenance_commands(commands, common)
    from cin_tui.cli_cases import add_cases_commands  # cin add-case, cin edit-case

    add_cases_commands(commands, common)

    from cin_tui.cli_corrections import add_corrections_commands  # history, correct, withdraw

    add_corrections_commands(commands, common)

    from cin_tui.cli_tasks import add_tasks_commands  # cin done

    add_tasks_commands(commands, common)

    from cin_tui.cli_meetings import add_meetings_commands  # book, held, cancel, close...

    add_meetings_commands(commands, common)

    from cin_tui.cli_visits import add_visits_commands  # cin visit

    add_visits_commands(commands, common)

    from cin_tui.cli_team import add_team_commands  # cin team [--trends] [--json]

    add_team_commands(commands, common)

    from cin_tui.cli_server import add_server_commands  # cin server init, cin server add-user

    add_server_commands(commands, common)
    from cin_tui.cli_calendar import add_calendar_commands  # cin calendar

    add_calendar_commands(commands, common)
    from cin_tui.cli_chronology import add_chronology_commands  # cin chronology

    add_chronology_commands(commands, common)
    from cin_tui.cli_sync import add_sync_commands  # cin sync, cin resolve (offline laptops)

    add_sync_commands(commands, common)
    return parser


PRIVACY_HELP = "show children's names as initials (for supervision over a shared screen)"


def _add_common_options(parser: argparse.ArgumentParser, *, default: object) -> None:
    parser.add_argument("--db", metavar="PATH", default=default,
                        help="database file (default: CIN_DB, else your user data folder)")
    parser.add_argument("--today", metavar="DATE", default=default,
                        help="treat DATE as today, e.g. 2026-11-23 or 23/11/2026 "
                             "(default: CIN_TODAY, else the real date)")



# The subcommands


def run_app(context: Context) -> int:
    make_app = _app_factory()
    if make_app is None:
        build_parser().print_help()
        return 0
    context.settings  # noqa: B018 - report a bad settings file before the screen opens
    app = make_app(
        database_path=context.database_path,
        today=context.today,
        settings_dir=context.settings_dir,
        privacy=context.args.privacy,
    )
    app.run()
    return _app_exit_code(app)


def _app_exit_code(app) -> int:
    """70 when a bug stopped the app (it has printed what to do), else 0."""
    return EXIT_UNEXPECTED if getattr(app, "unexpected_error", None) else 0


def _app_factory():
    try:
        from cin_tui.app import make_app
    except ModuleNotFoundError as error:
        if error.name != "cin_tui.app":
            raise
        return None
    return make_app


def run_demo(context: Context) -> int:
    from cin_tui.demo import build_demo_database, demo_database_path
    from cin_tui.settings import resolve_database

    target = resolve_database(context.args.db, context.env, default=demo_database_path())
    if not isinstance(target, Path):
        raise CliError("cin demo makes an SQLite file: give --db a file name, not a server URL.")
    path = build_demo_database(target, today=context.today, policies=context.policies,
                               calendar=context.calendar)
    make_app = None if context.args.no_tui else _app_factory()
    if make_app is None:
        print(f"Demo caseload ready in {path} (today is {_show_date(context.today)}).")
        if not context.args.no_tui:
            print(f"Look at it with: cin --db {path} due")
        return 0
    app = make_app(database_path=path, today=context.today, settings_dir=context.settings_dir,
                   privacy=context.args.privacy)
    app.run()
    return _app_exit_code(app)


def run_import(context: Context) -> int:
    from cin_tui.importer import import_file
    from cin_tui.output import import_report_text

    args = context.args
    report = import_file(
        Path(args.file),
        database=context.database_path,
        actor=context.settings.worker,
        policies=context.policies,
        today=context.today,
        default_policy=args.policy,
        default_worker=args.worker,
        dry_run=args.dry_run,
        backups_to_keep=context.settings.backups_to_keep,
        ignore_unknown_columns=args.ignore_unknown_columns,
        names=args.names,
    )
    print(import_report_text(report))
    return 0


def run_export(context: Context) -> int:
    from cin_tui.exporter import NATIONAL_FORMATS, export_file

    args = context.args
    if Path(args.file).suffix.lower() in NATIONAL_FORMATS:
        from cin_tui.cli_census import run_national_export

        return run_national_export(context)
    if args.census_year or args.lea:
        raise CliError("--census-year and --lea are for a census return (a FILE ending .xml)")
    with context.existing_service() as service:
        count, notes = export_file(Path(context.args.file), service.engine)
    print(f"Exported {count} case{'s' if count != 1 else ''} to {context.args.file}.")
    if notes:
        print(f"Not included: {notes} management oversight note{'s' if notes != 1 else ''} "
              "(the export formats carry cases, visits, meetings and closures only; the "
              "database keeps them, and `cin supervision-record` writes them out).")
    return 0


def run_due(context: Context) -> int:
    from cin_tui import output

    args = context.args
    with context.existing_service() as service:
        if args.json:
            return _due_json(service, context)
        worker = service.known_worker(args.worker) if args.worker else None
        rows = service.caseload(worker=worker)
    _warn(sorted((row.ref, row.error) for row in rows if row.error))
    items = output.due_items(rows, today=context.today, within_days=args.within)
    width = _terminal_width() if sys.stdout.isatty() else None
    sys.stdout.write(output.due_table(items, today=context.today, width=width))
    return 0


def _spill_folder(context: Context) -> Path | None:
    """Beside the database file (a private folder, not a shared temporary one); for a team
    server, the user's own data folder."""
    if isinstance(context.database_path, Path):
        return context.database_path.parent
    from models.db import default_database_path

    folder = default_database_path().parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _due_json(service: CaseloadService, context: Context) -> int:
    """Streamed (cin_tui.due_stream): memory stays flat however large the caseload."""
    from cin_tui.due_stream import SpilledDueItems

    def collect(rows: Iterable[CaseloadRow]) -> SpilledDueItems:
        return SpilledDueItems.collect(rows, today=context.today,
                                       within_days=context.args.within,
                                       folder=_spill_folder(context))

    worker = service.known_worker(context.args.worker) if context.args.worker else None
    with service.over_caseload(collect, worker=worker) as items:
        _warn(items.problems)
        items.write_json(sys.stdout)
    return 0


def _warn(problems: Iterable[tuple[str, str]]) -> None:
    for ref, why in problems:
        print(visible(f"cin: warning: {ref}: {why}"), file=sys.stderr)


def run_explain(context: Context) -> int:
    from cin_tui import output
    from models.errors import CaseNotFound
    from policies.census_codes import census_facts

    with context.existing_service() as service:
        try:
            detail, row = service.case(service.known_ref(context.args.ref))
        except CaseNotFound as error:
            raise CliError(f"{error} `cin due` lists the open cases.") from None
    policy = context.policies.get(row.summary.policy_id)
    width = min(_terminal_width(), 100) if sys.stdout.isatty() else 80
    sys.stdout.write(output.explain_text(row, policy, today=context.today, width=width,
                                         census=census_facts(detail.census)))
    return 0


def run_policies(context: Context) -> int:
    from importlib import resources

    from cin_tui import output
    from policies.packs import USER_POLICIES_FOLDER

    shipped = Path(str(resources.files("policies.packs")))
    sys.stdout.write(output.policies_text(
        context.policies, shipped_folder=shipped,
        user_folder=context.settings_dir / USER_POLICIES_FOLDER,
    ))
    return 0


def run_supervision_record(context: Context) -> int:
    from policies.dates import DateParseError, parse_date
    from screens.supervision_record import record_format, write_supervision_record

    args = context.args
    out = Path(args.out)
    record_format(out)  # a wrong extension is reported before anything is read
    try:
        since = parse_date(args.since) if args.since else None
    except DateParseError as error:
        raise CliError(f"--since: {error}") from None

    with context.existing_service() as service:
        notes = service.supervision_notes(service.known_worker(args.worker), since=since)
    written = write_supervision_record(out, notes, policies=context.policies,
                                       privacy=args.privacy)
    count = len(notes.sections)
    print(visible(f"Supervision record for {notes.worker} written to {written}: {count} "
                  f"case{'s' if count != 1 else ''} with notes"
                  + (f" since {_show_date(notes.since)}." if notes.since
                     else " (no notes recorded yet).")))
    return 0


def run_restore(context: Context) -> int:
    from models.recovery import restore_database

    database = context.database_file("cin restore")
    source = Path(context.args.backup).expanduser()
    result = restore_database(
        source, database, actor=context.settings.worker,
        keep=context.settings.backups_to_keep, other_caseload=context.args.other_caseload,
    )
    print(f"Restored {database} from {source}.")
    print(f"The backup holds {result.backup.describe()}.")
    if result.replaced is not None:
        print(f"The database it replaced is kept in {result.replaced}")
    if result.carried_entries:
        n = result.carried_entries
        print(f"{n} audit entr{'y' if n == 1 else 'ies'} made after the backup "
              f"{'is' if n == 1 else 'are'} kept in the audit trail (`cin audit`); the changes "
              "they record are not in the restored data.")
    return 0


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _show_date(value) -> str:
    from policies.dates import format_date

    return format_date(value)
