"""The screens' one door to the data: reads through `models.queries` / `models.caseload`,
writes through `models.commands`, each call in its own transaction.

Every method blocks on SQLite, so screens call them from `@work(thread=True)` workers, never
from the UI thread. The App builds one `CaseStore` when it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when first used: the first paint needs none of them
    from sqlalchemy import Engine

    from policies.calendar import WorkingCalendar


@dataclass(slots=True)
class CaseStore:
    engine: Engine
    policies: dict[str, Any]  # policy id -> policies.packs.Policy
    calendar: WorkingCalendar
    today: date
    actor: str  # the worker name written to the audit trail
    amber_working_days: int = 5

    # ----- reads ------------------------------------------------------------------------

    # The settings-files key (models.stored_deadlines.settings_inputs_key) when the packs and
    # calendar were loaded from the settings folder, so the next start can read the stored
    # deadlines without loading them.
    settings_inputs: str | None = None

    def caseload(self, *, include_closed: bool = False) -> list[Any]:
        """`models.caseload.CaseloadRow` for every open case (and closed ones if asked).
        Deadlines not stored yet for today and these settings are worked out and stored."""
        return self.caseload_changes(known_batches=frozenset(), include_closed=include_closed)[0]

    def caseload_changes(
        self, *, known_batches: frozenset[int], include_closed: bool = False
    ) -> tuple[list[Any], frozenset[int]]:
        """The `CaseloadRow`s stored since the batches `known_batches` (every row if none; open
        and closed ones once some are known, so a closure is seen), and the batches now stored:
        after a save, only the cases it changed. See models.caseload.load_caseload_changes."""
        from models import caseload as caseload_queries
        from models.db import session_scope
        from models.errors import DatabaseLocked

        def read(store: bool) -> tuple[list[Any], frozenset[int]]:
            with session_scope(self.engine, write=store) as session:
                return caseload_queries.load_caseload_changes(
                    session,
                    policies=self.policies,
                    calendar=self.calendar,
                    today=self.today,
                    known_batches=known_batches,
                    include_closed=include_closed,
                    amber_working_days=self.amber_working_days,
                    settings_inputs=self.settings_inputs,
                    store=store,
                )

        try:
            return read(store=True)
        except DatabaseLocked:  # another copy is saving: work them out without storing
            return read(store=False)

    def case(self, ref: str) -> tuple[Any, Any]:
        """(`queries.CaseDetail`, `caseload.CaseloadRow`) for one case: its record and deadlines,
        read in one transaction so they agree."""
        from models import caseload as caseload_queries
        from models import queries
        from models.db import session_scope

        with session_scope(self.engine, write=False) as session:
            detail = queries.get_case_detail(session, ref)
            row = caseload_queries.load_case(
                session,
                ref=ref,
                policies=self.policies,
                calendar=self.calendar,
                today=self.today,
                amber_working_days=self.amber_working_days,
            )
        return detail, row

    def case_detail(self, ref: str) -> Any:
        from models import queries
        from models.db import session_scope

        with session_scope(self.engine, write=False) as session:
            return queries.get_case_detail(session, ref)

    def siblings(self, ref: str) -> list[Any]:
        from models import queries
        from models.db import session_scope

        with session_scope(self.engine, write=False) as session:
            return list(queries.siblings_of(session, ref))

    def policy(self, policy_id: str) -> Any | None:
        return self.policies.get(policy_id)

    # ----- writes -----------------------------------------------------------------------

    def run(self, command_name: str, **arguments: Any) -> Any:
        """Run one of `models.commands` in its own transaction, as this worker on this day.

        Raises `models.validation.ValidationFailed` (nothing written) on bad input.
        """
        from models import commands
        from models.db import session_scope

        command = getattr(commands, command_name)
        with session_scope(self.engine) as session:
            return command(session, actor=self.actor, today=self.today, **arguments)


def describe_error(error: BaseException) -> str:
    """A message a user can act on, never a traceback. Our own errors already say what to do."""
    text = str(error).strip()
    ours = type(error).__module__.split(".")[0] in {"models", "policies", "cin_tui"}
    if ours and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
