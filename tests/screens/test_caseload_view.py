"""Filtering, searching, sorting and counting the caseload lines (no app needed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

from models.rows import CaseloadRow, caseload_order
from policies.deadlines import Citation, Deadline
from screens.caseload_view import View, apply_view, build_lines, counts, with_next_sort

TODAY = date(2026, 11, 23)  # Monday


def due(kind: str, on: date, status: str) -> Deadline:
    return Deadline(kind=kind, label=kind, due=on, status=status,
                    countdown=(on - TODAY).days, unit="days", rule_id=f"x.{kind}",
                    citation=Citation("X", "1", "q"), basis="b")


def row(ref: str, name: str, worker: str | None, *deadlines: Deadline, closed: bool = False,
        dob: date | None = None, error: str | None = None) -> SimpleNamespace:
    summary = SimpleNamespace(ref=ref, name=name, dob=dob, worker=worker, policy_id="wirral",
                              closed=closed)
    return SimpleNamespace(ref=ref, name=name, worker=worker, closed=closed, error=error,
                           deadlines=tuple(deadlines), summary=summary)


ROWS = [
    row("A1", "Amira Hassan", "Sam", due("visit", date(2026, 11, 17), "overdue"),
        dob=date(2017, 3, 4)),
    row("B2", "Bilal Hassan", "Sam", due("visit", date(2026, 12, 14), "ok"),
        due("circulation", date(2026, 11, 26), "due_soon"), dob=date(2021, 6, 10)),
    row("C3", "Chloe Evans", "Jo", due("visit", date(2026, 11, 30), "due_soon"),
        dob=date(2024, 1, 15)),
    row("D4", "Dara Smith", "Jo"),
    row("E5", "Evie Closed", "Sam", closed=True),
]
LINES = build_lines(ROWS, TODAY)


def refs(view: View) -> list[str]:
    return [line.ref for line in apply_view(LINES, view)]


def test_default_is_open_cases_most_urgent_first_with_nothing_due_last():
    # A1 is late (17 Nov); B2's circulation (26 Nov) and C3's visit (30 Nov) are due soon.
    assert refs(View()) == ["A1", "B2", "C3", "D4"]


def test_a_case_without_a_policy_comes_first():
    lines = build_lines([*ROWS, row("Z9", "Zed", "Jo", error="no policy")], TODAY)
    assert next(line.ref for line in apply_view(lines, View())) == "Z9"


def test_the_default_order_is_the_caseloads_one_order_ties_by_ref():
    # The order `cin due` and the stored read use (models.rows.caseload_order): errors first,
    # then the soonest deadline, then nothing due; ties by ref, upper case before lower case.
    # T2's soonest deadline (20 Nov) is listed after a later one: the soonest still counts.
    def nov(day: int) -> date:
        return date(2026, 11, day)

    rows = [
        row("b1", "x", "Jo", due("visit", nov(20), "overdue")),
        row("T2", "x", "Jo", due("review", nov(30), "due_soon"), due("visit", nov(20), "overdue")),
        row("A1", "x", "Jo", due("visit", nov(20), "overdue")),
        row("N9", "x", "Jo"),
        row("N1", "x", "Jo"),
        row("E2", "x", "Jo", error="no policy"),
        row("E1", "x", "Jo", error="no policy"),
        row("C3", "x", "Jo", due("visit", nov(26), "due_soon")),
    ]
    expected = ["E1", "E2", "A1", "T2", "b1", "C3", "N1", "N9"]
    assert [line.ref for line in apply_view(build_lines(rows, TODAY), View())] == expected
    # The same rows as models.rows.CaseloadRow (deadlines soonest first) sort the same way.
    in_models = sorted((CaseloadRow(r.summary, tuple(sorted(r.deadlines, key=lambda d: d.due)),
                                    r.error) for r in rows), key=caseload_order)
    assert [r.ref for r in in_models] == expected


def test_closed_cases_only_when_asked():
    assert "E5" not in refs(View())
    assert "E5" in refs(View(include_closed=True))


def test_filter_by_worker():
    assert refs(View(worker="Jo")) == ["C3", "D4"]


def test_filter_by_status_looks_at_every_deadline_of_the_case():
    assert refs(View(status="overdue")) == ["A1"]
    assert refs(View(status="due_soon")) == ["B2", "C3"]


def test_search_matches_name_or_ref_ignoring_case():
    assert refs(View(search="hassan")) == ["A1", "B2"]
    assert refs(View(search="c3")) == ["C3"]
    assert refs(View(search="nobody")) == []


def test_sort_by_a_countdown_column_puts_empty_cells_last_both_ways():
    # Visits: A1 17 Nov (late), C3 30 Nov, B2 14 Dec; D4 has none.
    assert refs(View(sort="visit")) == ["A1", "C3", "B2", "D4"]
    assert refs(View(sort="visit", reverse=True)) == ["B2", "C3", "A1", "D4"]


def test_sort_by_name_and_age():
    assert refs(View(sort="name")) == ["A1", "B2", "C3", "D4"]
    # Youngest first (C3 born 2024, B2 2021, A1 2017); no date of birth last.
    assert refs(View(sort="age")) == ["C3", "B2", "A1", "D4"]


def test_next_sort_walks_the_columns_from_most_urgent():
    view = View()
    seen = []
    for _ in range(3):
        view = with_next_sort(view)
        seen.append(view.sort)
    assert seen == ["ref", "name", "age"]


def test_counts_children_overdue_and_the_amber_items_over_open_cases():
    # Children with something overdue: A1 (its visit). Amber items: B2's circulation (26 Nov)
    # and C3's visit (30 Nov), both due_soon as the engine judged them with the amber window.
    total = counts(LINES)
    assert (total.cases, total.children_overdue, total.due_soon) == (4, 1, 2)


def test_a_child_with_two_overdue_items_is_one_child_and_hidden_amber_items_are_not_counted():
    # Two overdue items on one child: one child overdue (the team view's definition). Its
    # visit column shows the overdue visit, so the amber visit behind it is not on screen and
    # not counted; the Other cell "▲ 2" shows two amber items, counted as two.
    lines = build_lines([row("M1", "Many", "Jo", due("visit", date(2026, 11, 17), "overdue"),
                             due("visit", date(2026, 11, 25), "due_soon"),
                             due("circulation", date(2026, 11, 18), "overdue"),
                             due("oversight", TODAY, "due_soon"),
                             due("preparation", date(2026, 11, 24), "due_soon"))], TODAY)
    total = counts(lines)
    assert (total.children_overdue, total.due_soon) == (1, 2)
    assert lines[0].other == ("due_soon", 2)


def test_other_kinds_are_summarised_not_given_columns():
    line = next(line for line in LINES if line.ref == "B2")
    # B2's circulation is a column; nothing else: no "other" items.
    assert line.other == (None, 0)
    recording = build_lines([row("R1", "R", "Jo", due("visit_recording", TODAY, "due_soon"),
                                 due("oversight", TODAY, "due_soon"))], TODAY)[0]
    assert recording.other == ("due_soon", 2)
    assert recording.countdowns == (None, None, None, None)


def test_reversed_urgency_keeps_cases_with_nothing_due_at_the_bottom():
    view = replace(View(), reverse=True)
    assert refs(view) == ["C3", "B2", "A1", "D4"]
