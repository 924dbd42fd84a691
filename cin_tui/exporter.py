"""`cin export`: every case to a .json file (full history, the import format) or a .csv file
(one summary row per child); or, by the national formats (cin_tui/census_files.py), a DfE
census return (.xml) or Ofsted's Annex A List 6 (.xlsx).

The file is written privately (0600: it holds children's personal data) to a temporary name
beside the target, then moved into place, so a reader never sees half a file.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from models.inputs import CaseInput, ClosureInput, MeetingInput, TaskDoneInput, VisitInput
from models.private_files import write_private_file

EXPORT_FORMATS = (".json", ".csv")
NATIONAL_FORMATS = (".xml", ".xlsx")


class ExportError(ValueError):
    """The export cannot be written as asked; the message says what to do instead."""


def export_national(path: Path, engine, *, today: date, policies, census_year: int,
                    lea: str | None) -> int:
    """Write a census return (.xml) or a List 6 (.xlsx) to `path`; how many children it has.
    `CensusExportRefused` lists the cases a return cannot carry."""
    from cin_tui.census_files import write_census_file, write_list6_file
    from models.db import session_scope

    with session_scope(engine, write=False) as session:
        cases = read_all_cases(session)
    if path.suffix.lower() == ".xml":
        data, count = write_census_file(cases, census_year=census_year, today=today,
                                        policies=policies, lea=lea)
    else:
        data, count = write_list6_file(cases, today=today, policies=policies)
    write_private_file(path, data)
    return count


def export_file(path: Path, engine) -> tuple[int, int]:
    """Write every case in the database behind `engine` to `path`. Returns how many cases, and
    how many management oversight notes the database holds that the format cannot carry."""
    from models.db import session_scope

    suffix = path.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise ExportError(f"{path}: cin exports to .json (full history), .csv (one row per "
                          "child), .xml (a DfE census return) or .xlsx (Annex A List 6); this "
                          f"name ends {path.suffix or 'with no extension'}")
    with session_scope(engine, write=False) as session:
        cases = read_all_cases(session)
        notes = _count_oversight_notes(session)
    if suffix == ".json":
        from cin_tui.formats.json_format import write_json

        text, encoding = write_json(cases), "utf-8"
    else:
        from cin_tui.formats.csv_format import write_csv

        text, encoding = write_csv(cases), "utf-8-sig"  # the BOM tells Excel it is UTF-8
    write_private_file(path, text.encode(encoding))
    return len(cases), notes


def _count_oversight_notes(session) -> int:
    from sqlalchemy import func, select

    from models.tables import OversightNote

    return session.execute(select(func.count()).select_from(OversightNote)).scalar_one()


def read_all_cases(session) -> list[CaseInput]:
    """Every case with its whole history, as the inputs that would import it again.
    A fixed handful of queries, however many cases there are."""
    from sqlalchemy import select

    from models.census_checks import census_values
    from models.tables import Case, Closure, Meeting, Visit, Worker, table_of
    from policies.dates import parse_frequency

    cases_table, visits_table = table_of(Case), table_of(Visit)
    meetings_table, closures_table = table_of(Meeting), table_of(Closure)
    workers_table = table_of(Worker)
    workers = dict(session.execute(select(workers_table.c.id, workers_table.c.name)).all())

    visits: dict[int, list[VisitInput]] = defaultdict(list)
    for row in session.execute(select(visits_table).order_by(visits_table.c.id)).mappings():
        visits[row["case_id"]].append(VisitInput(
            date=row["date"], seen=row["seen"], seen_alone=row["seen_alone"],
            not_alone_reason=row["not_alone_reason"], childs_voice=row["childs_voice"],
            location=row["location"], recorded=row["recorded"], uid=row["uid"],
            withdrawn_on=row["withdrawn_on"], withdrawn_reason=row["withdrawn_reason"],
        ))
    meetings: dict[int, list[MeetingInput]] = defaultdict(list)
    for row in session.execute(select(meetings_table).order_by(meetings_table.c.id)).mappings():
        meetings[row["case_id"]].append(MeetingInput(
            kind=row["kind"], status=row["status"], date=row["date"], chair=row["chair"],
            chair_role=row["chair_role"], family_attended=row["family_attended"],
            circulated=row["circulated"], cancelled_on=row["cancelled_on"],
            cancel_reason=row["cancel_reason"], uid=row["uid"],
            withdrawn_on=row["withdrawn_on"], withdrawn_reason=row["withdrawn_reason"],
        ))
    closures: dict[int, ClosureInput] = {}
    for row in session.execute(select(closures_table)).mappings():
        closures[row["case_id"]] = ClosureInput(
            date=row["date"], reason=row["reason"], note=row["note"],
            step_down_to_early_help=row["step_down_to_early_help"],
            lead_professional=row["lead_professional"], checklist=dict(row["checklist"] or {}),
        )

    tasks = _tasks_done(session)
    cases = []
    for row in session.execute(select(cases_table).order_by(cases_table.c.ref)).mappings():
        case_id = row["id"]
        cases.append(CaseInput(
            ref=row["ref"], name=row["name"], allocated=row["allocated"], policy=row["policy_id"],
            dob=row["dob"], worker=workers.get(row["worker_id"]), team=row["team"],
            family=row["family"], disabled=row["disabled"],
            private_fostering=row["private_fostering"],
            visit_every=parse_frequency(row["visit_every"]) if row["visit_every"] else None,
            assessment_completed=row["assessment_completed"], plan_started=row["plan_started"],
            stepped_down_from=row["stepped_down_from"], stepped_down_on=row["stepped_down_on"],
            complex_plan=bool(row["complex_plan"]), key_worker_led=bool(row["key_worker_led"]),
            events={name: date.fromisoformat(text) for name, text in (row["events"] or {}).items()},
            **census_values(row),
            visits=visits[case_id], meetings=meetings[case_id], closure=closures.get(case_id),
            tasks_done=tasks[case_id],
        ))
    return cases


def _tasks_done(session) -> dict[int, list[TaskDoneInput]]:
    """Each case's tasks done (not withdrawn), the rule by the pack's own id."""
    from sqlalchemy import select

    from models.tables import TaskCompletion, table_of

    t = table_of(TaskCompletion).c
    tasks: dict[int, list[TaskDoneInput]] = defaultdict(list)
    query = select(t.case_id, t.rule_id, t.done, t.due, t.note).where(
        t.withdrawn_on.is_(None)).order_by(t.id)
    for case_id, rule_id, done, due, note in session.execute(query):
        tasks[case_id].append(TaskDoneInput(rule=rule_id.partition(".")[2] or rule_id,
                                            done=done, due=due, note=note))
    return tasks
