"""A worker's day in the real `cin`, in a real terminal (tmux), by keyboard only: add a case,
book its initial meeting, mark the invitation letters sent, log a visit whose words are typed
in the same instant as ctrl+s, correct the visit's date, close the case by the checklist of its
reason, and reopen it. Each step is read off the screen as the worker would see it, and the
record kept is read back with `cin history` and `cin audit` at the end (issue 12)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .terminal import REVERSED, Terminal, cin_command, cin_environment, needs_tmux

pytestmark = needs_tmux

# Today is Monday 23 November 2026 throughout.
TODAY = "2026-11-23"
VOICE = "I want to see my brother more, and I like my new school"


def test_a_workers_day_in_the_real_cin(tmp_path: Path) -> None:
    cin = cin_command()
    env = cin_environment(tmp_path, TODAY)
    (tmp_path / "settings" / "settings.toml").write_text('worker = "Sam Patel"\n')
    terminal = Terminal(f"cin-day-{os.getpid()}", env)
    terminal.start(str(cin), width=120, height=40)
    try:
        _add_a_case(terminal)
        _book_the_initial_meeting_and_send_the_invitations(terminal)
        _log_a_visit_typed_fast(terminal)
        _correct_the_visit(terminal)
        _close_and_reopen(terminal)
        terminal.keys("Escape")
        terminal.wait_for("Showing 1 of 1")
        terminal.keys("q")
    finally:
        terminal.stop()
    _the_record_kept(cin, env)


def _add_a_case(terminal: Terminal) -> None:
    terminal.wait_for("This caseload is empty")
    terminal.keys("a")
    terminal.wait_for(REVERSED + "Reference", styles=True)
    terminal.text("CA-100")
    terminal.tab_to("Authority (pack)")
    terminal.keys("Enter")
    terminal.wait_for("Leicestershire (leicestershire)")  # the list of installed packs
    terminal.keys("Down", "Enter")  # the first pack: Camden
    terminal.wait_gone("Leicestershire (leicestershire)")
    terminal.wait_for("Camden (camden)")
    terminal.tab_to("Name")
    terminal.text("Ava Brook")
    terminal.tab_to("Date of birth")
    terminal.text("04/03/2017")
    terminal.tab_to("Worker")  # Sam Patel, from settings.toml
    terminal.tab_to("Team")
    terminal.text("North")
    for label in ("Family (siblings)", "Disabled", "Private fostering", "Visiting frequency"):
        terminal.tab_to(label)
    terminal.text("4 weeks")  # Camden sets the visiting frequency per child
    terminal.tab_to("Allocated")
    terminal.text("01/09/2026")
    terminal.tab_to("Assessment completed")
    terminal.text("30/09/2026")
    terminal.keys("C-s")
    terminal.wait_for("Case CA-100 added (Ava Brook)")
    # Never seen since allocation on Tue 1 Sep: 4 weeks (28 days) later is Tue 29 Sep, and
    # 29 Sep to 23 Nov is 55 days.
    screen = terminal.wait_for("✖ 55 d late")
    assert "CA-100" in screen and "Ava Brook" in screen
    terminal.keys("Enter")  # the new case has the keyboard: open it
    terminal.wait_for("due 29 Sep 2026")


def _book_the_initial_meeting_and_send_the_invitations(terminal: Terminal) -> None:
    terminal.keys("b")
    terminal.wait_for(REVERSED + "Kind of meeting", styles=True)
    terminal.keys("Enter")
    terminal.wait_for("Family progress meeting")  # the kinds are listed
    terminal.keys("Down", "Down", "Enter")  # Family network meeting, Initial CIN meeting
    terminal.wait_gone("Family progress meeting")
    terminal.tab_to("Date")
    terminal.text("07/12/2026")
    terminal.keys("C-s")
    terminal.wait_for("Initial CIN meeting booked for 7 Dec 2026")
    # Camden 10.3: invitations at least 10 working days before the meeting on Mon 7 Dec:
    # back from Fri 4 Dec (1), 3, 2, 1 Dec (4), Mon 30 Nov (5), 27, 26, 25, 24 Nov (9),
    # Mon 23 Nov (10): due today. The assessment report 2 working days before: Fri 4 Dec (1),
    # Thu 3 Dec (2).
    terminal.wait_for("Invitation letters sent for the review  due 23 Nov 2026")
    terminal.wait_for("made available to family and professionals  due 3 Dec 2026")

    terminal.keys("d")
    terminal.wait_for(REVERSED + "Which task", styles=True)
    terminal.wait_for("Invitation letters sent for the review, due 23 Nov 2026")
    terminal.tab_to("Done on")  # today, the default
    terminal.keys("C-s")
    terminal.wait_gone("Mark a task done")
    terminal.wait_gone("Invitation letters sent for the review  due")  # no longer open
    assert "due 3 Dec 2026" in terminal.screen()  # the report is still to do


def _log_a_visit_typed_fast(terminal: Terminal) -> None:
    terminal.keys("v")
    terminal.wait_for(REVERSED + "Date of the visit", styles=True)
    terminal.text("20/11/2026")  # a slip: the visit was today
    terminal.tab_to("Child seen")
    terminal.tab_to("Seen alone")
    terminal.keys("y")
    terminal.wait_for("▐●▌ Yes")
    terminal.tab_to("Why not seen alone")
    terminal.tab_to("The child's voice")
    # The words and ctrl+s in one write to the terminal, as over a slow remote desktop or a
    # paste: everything typed before the key is saved.
    terminal.tmux("send-keys", "-t", "cin", "-l", VOICE, ";", "send-keys", "-t", "cin", "C-s")
    terminal.wait_for("Visit logged for Ava Brook")
    # Seen Fri 20 Nov; every 4 weeks: Fri 18 Dec.
    terminal.wait_for("4 weeks after the visit of 20 Nov 2026")
    # Fri 20 Nov to Fri 18 Dec: 28 days, 25 of them from today.
    terminal.wait_for("✔ 25 d")


def _correct_the_visit(terminal: Terminal) -> None:
    terminal.keys("f")
    terminal.wait_for("Correct which record?")
    terminal.wait_for("20 Nov 2026  Visit")
    terminal.keys("Down", "Enter")  # the booked meeting is newest, then the visit
    terminal.wait_for("Correct a visit")
    terminal.wait_for(REVERSED + "Date of the visit", styles=True)
    terminal.text("23/11/2026")
    for label in ("Child seen", "Seen alone", "Why not seen alone", "The child's voice", "Where",
                  "Recorded on", "Reason"):
        terminal.tab_to(label)
    terminal.text("typed the wrong date")
    terminal.keys("C-s")
    terminal.wait_for("Visit of 23 Nov 2026 corrected")
    # Seen Mon 23 Nov instead; 4 weeks later: Mon 21 Dec.
    terminal.wait_for("4 weeks after the visit of 23 Nov 2026")
    terminal.wait_for("✔ 28 d")  # Mon 23 Nov to Mon 21 Dec


def _close_and_reopen(terminal: Terminal) -> None:
    terminal.keys("c")
    terminal.wait_for(REVERSED + "Closed on", styles=True)  # today, the default
    terminal.tab_to("Reason")
    terminal.keys("Enter")
    terminal.wait_for("RC9  Case closed after assessment, referred to early help")
    # RC5: the child moved to another authority. Camden's checklist then asks only for the
    # manager's authority, not for agreement at a CIN review that the child is no longer in
    # need (that item is for a child no longer in need).
    terminal.keys(*["Down"] * 5, "Enter")
    terminal.wait_for("RC5  Transferred to services of another local authority")
    screen = terminal.wait_gone("RC9  Case closed after assessment")
    assert "Agreed at a CIN review" not in screen
    for label in ("Note", "Stepped down to Early", "Early Help lead", "Closure checklist"):
        terminal.tab_to(label)
    terminal.keys("Space")
    terminal.wait_for("▐X▌  Closure authorised by the manager or senior")
    terminal.keys("C-s")
    terminal.wait_for("Case CA-100 closed")
    terminal.wait_for("23 Nov 2026: RC5 (Transferred to")  # the reason in words too

    terminal.keys("o")
    terminal.wait_for("Reopen the case")
    terminal.wait_for(REVERSED + "Reason", styles=True)
    terminal.text("the family stayed in Camden after all")
    terminal.keys("C-s")
    terminal.wait_for("Case CA-100 reopened")
    terminal.wait_for("✔ 28 d")  # its deadlines are back: the visit due Mon 21 Dec


def _the_record_kept(cin: Path, env: dict[str, str]) -> None:
    def run(*args: str) -> str:
        done = subprocess.run([str(cin), *args], env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    history = " ".join(run("history", "CA-100").split())
    assert VOICE in history  # every word typed before ctrl+s
    assert "corrected on 23 Nov 2026" in history and "typed the wrong date" in history
    assert "date was 20 Nov 2026" in history
    assert "reopened" in history and "the family stayed in Camden after all" in history
    audit = run("audit", "CA-100")
    for change in ("Added the case (camden policy)",
                   "Booked an initial meeting for 7 Dec 2026",
                   "Task done on 23 Nov 2026: Invitation letters sent for the review",
                   "Visit on 20 Nov 2026: child seen alone",
                   "Visit of 23 Nov 2026 corrected: date was 20 Nov 2026",
                   "Case closed on 23 Nov 2026 (RC5)",
                   "Case reopened (closed 23 Nov 2026, RC5): the family stayed in Camden"):
        assert change in audit, f"{change!r} is not in the audit trail:\n{audit}"
