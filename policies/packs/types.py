"""Policy pack types: frozen values read from a pack file (see policies.packs.loader)."""

from __future__ import annotations

from dataclasses import dataclass, field

from policies.deadlines import Citation
from policies.vocabulary import PER_CASE


class PolicyError(ValueError):
    """A policy pack could not be used. `problems` lists every problem found, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class Timescale:
    count: int | None  # None when unit is "per_case"
    unit: str          # one of UNITS, or "per_case"
    direction: str = "after"

    @property
    def per_case(self) -> bool:
        return self.unit == PER_CASE


@dataclass(frozen=True, slots=True)
class Window:
    """A period measured from an event: "12 months from private fostering notified"."""

    count: int
    unit: str
    of: str  # an event name (policies.vocabulary.EVENTS) or an anchor without items


@dataclass(frozen=True, slots=True)
class Conditions:
    """When a rule applies. None means "either way"; every condition set must hold."""

    disabled: bool | None = None
    private_fostering: bool | None = None
    key_worker_led: bool | None = None
    complex_plan: bool | None = None
    stepped_down: bool | None = None
    assessment_completed: bool | None = None
    stepped_down_from: tuple[str, ...] | None = None  # any of these
    anchor_within: Window | None = None
    anchor_beyond: Window | None = None


@dataclass(frozen=True, slots=True)
class OtherReading:
    """The reading of a contradiction that the pack did not choose, shown with its date."""

    count: int
    unit: str
    section: str
    quote: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class ChairedBy:
    """An oversight rule met when the n-th held meeting of `kinds` had one of these chairs."""

    roles: tuple[str, ...]
    meeting: int
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    policy_id: str
    id: str  # the pack's own id, e.g. "visit"; `qualified_id` is "wirral.visit"
    kind: str
    label: str
    timescale: Timescale
    anchor: str
    citation: Citation
    conditions: Conditions = Conditions()
    fallback_anchor: str | None = None
    anchor_kinds: tuple[str, ...] = ()   # meeting kinds the anchor looks at
    meeting_kinds: tuple[str, ...] = ()  # meeting kinds that satisfy a meeting/review rule
    nth: int | None = None
    repeat: Timescale | None = None
    met_by_event: str | None = None
    chaired_by: ChairedBy | None = None
    other_readings: tuple[OtherReading, ...] = ()
    notes: tuple[str, ...] = ()
    # Who marks the rule done when nothing recorded meets it (policies.vocabulary.DONE_BY):
    # "worker" (the worker's own task, `cin done`), "manager" (a manager's oversight note), or
    # None (met only by what is recorded: a visit, a meeting, a date).
    done_by: str | None = None
    # A one-off milestone of the first weeks: the stages (policies.vocabulary.MILESTONE_STAGES)
    # that overtake it, so that once it is past due and one of them is reached it is history
    # ("missed"), not an open countdown. Empty: not a milestone.
    overtaken_by: tuple[str, ...] = ()
    qualified_id: str = field(init=False, compare=False, repr=False)  # "wirral.visit"

    def __post_init__(self) -> None:
        object.__setattr__(self, "qualified_id", f"{self.policy_id}.{self.id}")

    @property
    def worker_task(self) -> bool:
        """The worker marks it done themselves (`cin done`, the case screen)."""
        return self.done_by == "worker"

    @property
    def milestone(self) -> bool:
        return bool(self.overtaken_by)


@dataclass(frozen=True, slots=True)
class ClosureReason:
    code: str
    label: str
    census: str | None = None  # the CIN census code it is reported as, when there is one


def role_words(role: str) -> str:
    """A pack's role id as words: "team_manager" -> "Team manager" (normalise_role reads it
    back as the same role)."""
    return role.replace("_", " ").capitalize()


# `ChecklistItem.when`: the item belongs to a step-down to Early Help, asked (and required,
# if `required`) only when the closure is a step-down.
STEP_DOWN = "step_down"


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One closure checklist item. It applies to every reason unless `applies_to` names the
    reasons it applies to, or `not_for` the reasons it does not (census codes RC1-RC9 or the
    pack's own reason codes, matched exactly); `when = "step_down"` items only to a step-down."""

    id: str
    label: str
    required: bool = True
    citation: Citation | None = None
    applies_to: tuple[str, ...] = ()
    not_for: tuple[str, ...] = ()
    when: str | None = None

    def applies(self, reason: str | None, *, step_down: bool) -> bool:
        """Whether the item is asked for a closure for `reason` (None: no reason chosen yet,
        so only the items asked whatever the reason)."""
        if self.when == STEP_DOWN and not step_down:
            return False
        if reason is None:
            return not self.applies_to and not self.not_for
        if self.applies_to and reason not in self.applies_to:
            return False
        return reason not in self.not_for


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    name: str
    procedure: str        # the procedure's title, e.g. "Wirral Child in Need Procedure"
    procedure_date: str   # e.g. "April 2017"
    source: str           # the procedure's file, e.g. "wirral.txt"
    rules: tuple[Rule, ...]
    closure_reasons: tuple[ClosureReason, ...] = ()
    closure_checklist: tuple[ChecklistItem, ...] = ()
    closure_notes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    origin: str = ""      # the file(s) it was read from
    _by_id: dict[str, Rule] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({rule.id: rule for rule in self.rules})

    @property
    def citation_procedure(self) -> str:
        if self.procedure_date:
            return f"{self.procedure} ({self.procedure_date})"
        return self.procedure

    @property
    def visits_per_case(self) -> bool:
        """Whether the pack leaves the visiting frequency to each case (a visit rule with
        `unit = "per_case"`): a case with none recorded then has no visit deadline at all."""
        return any(rule.kind == "visit" and rule.timescale.per_case for rule in self.rules)

    def rule(self, rule_id: str) -> Rule:
        """A rule by its own id ("visit") or qualified id ("wirral.visit")."""
        return self._by_id[rule_id.removeprefix(f"{self.id}.")]

    def checklist_for(self, reason: str | None, *, step_down: bool) -> tuple[ChecklistItem, ...]:
        """The closure checklist items asked when closing for `reason` (ChecklistItem.applies)."""
        return tuple(item for item in self.closure_checklist
                     if item.applies(reason, step_down=step_down))

    @property
    def chair_roles(self) -> tuple[str, ...]:
        """The chair roles the pack's rules name (`chaired_by`), each once, in pack order."""
        roles = (role for rule in self.rules if rule.chaired_by
                 for role in rule.chaired_by.roles)
        return tuple(dict.fromkeys(roles))

    @property
    def rescheduling_rule(self) -> Rule | None:
        """The rule for re-holding a cancelled meeting, where the procedure has one."""
        return next((r for r in self.rules if r.anchor == "cancellation"), None)


# What a case screen, `cin explain` and the team view say of a case whose pack sets the
# visiting frequency per case when none is recorded: it has no visit deadline at all.
NO_VISIT_FREQUENCY = "no visiting frequency recorded: set one"


def visit_frequency_missing(policy: Policy | None, visit_every: str | None) -> bool:
    """Whether this case needs a visiting frequency and has none (`visit_every` as stored)."""
    return policy is not None and policy.visits_per_case and not visit_every
