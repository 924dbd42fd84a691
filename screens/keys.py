"""Every key the app answers to, declared once.

A `Command` yields the `Binding` a screen lists in BINDINGS (so the footer shows it), the entry
in the command palette (see `CinApp.get_system_commands`) and the line in the `?` help screen.
Its `id` is what a user writes in the `[keymap]` table of settings.toml to move it to another
key, e.g. `log_visit = "ctrl+v"` (ids are plain words so they need no quotes in TOML; one id
may be bound on more than one screen, and the keymap moves it everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    key: str
    action: str
    title: str  # short: the footer label and the palette name
    help: str  # one sentence: tooltip, palette help and the help screen
    show: bool = True
    key_display: str | None = None
    priority: bool = False

    def binding(self, *, show: bool | None = None) -> Binding:
        """`show` overrides whether the footer shows it (one command, shown on some screens)."""
        return Binding(
            self.key,
            self.action,
            self.title,
            show=self.show if show is None else show,
            key_display=self.key_display,
            priority=self.priority,
            tooltip=self.help,
            id=self.id,
        )


def bindings(*commands: Command) -> list[BindingType]:
    return [command.binding() for command in commands]


# ----- anywhere ---------------------------------------------------------------------------
HELP = Command("help", "question_mark", "help", "Keys", "List every key on this screen.",
               key_display="?")

# Bound app-wide but hidden there (`app.py`); the supervision screens show it in their footer.
PRIVACY = Command("privacy", "p", "app.toggle_privacy", "Privacy",
                  "Show names as initials (for a shared screen), or in full again.")

# ----- caseload ---------------------------------------------------------------------------
OPEN_CASE = Command("open_case", "enter", "select_row", "Open",
                    "Open the highlighted case: its deadlines, visits and meetings.")
SEARCH = Command("search", "slash", "search", "Search",
                 "Type part of a name or reference to narrow the list; Escape clears it.",
                 key_display="/")
# Bound on the search box itself (screens/caseload.py SearchInput), so it acts while typing.
CLEAR_SEARCH = Command("clear_search", "escape", "clear", "Clear search",
                       "Clear the search and go back to the list.")
SORT = Command("sort", "s", "next_sort", "Sort",
               "Sort by the next column (most urgent first, then each column in turn).")
REVERSE = Command("reverse_sort", "S", "reverse_sort", "Reverse",
                  "Reverse the sort order.", show=False)
WORKER = Command("worker_filter", "w", "next_worker", "Worker",
                 "Show one worker's cases, then the next worker's, then everyone's.")
STATUS = Command("status_filter", "f", "next_status", "Filter",
                 "Show all cases, then only those with something overdue, then due soon.")
CLOSED = Command("show_closed", "c", "toggle_closed", "Closed",
                 "Show or hide closed cases.")
RELOAD = Command("reload", "r", "reload", "Reload",
                 "Read the caseload from the database again.", show=False)
QUIT = Command("quit", "q", "app.quit", "Quit", "Leave cin.")

# ----- case -------------------------------------------------------------------------------
LOG_VISIT = Command("log_visit", "v", "log_visit", "Visit",
                    "Log a visit: date, child seen, seen alone, the child's voice.")
BOOK_MEETING = Command("book_meeting", "b", "book_meeting", "Book",
                       "Book a meeting: its kind and date.")
MEETING_HELD = Command("meeting_held", "h", "meeting_held", "Held",
                       "Record a meeting as held: date, chair, whether the family came.")
CIRCULATED = Command("circulated", "m", "circulated", "Minutes",
                     "Record the date the minutes or plan were circulated.")
CANCEL_MEETING = Command("cancel_meeting", "x", "cancel_meeting", "Cancel mtg",
                         "Cancel a booked meeting, with the reason.")
CLOSE_CASE = Command("close_case", "c", "close_case", "Close case",
                     "Close the case: date, reason, step-down and the closure checklist.")
CORRECT_RECORD = Command("correct_record", "f", "correct_record", "Correct",
                         "Correct a visit, meeting or oversight note recorded wrongly, with the "
                         "reason; the history keeps what it said before.")
WITHDRAW_RECORD = Command("withdraw_record", "w", "withdraw_record", "Withdraw",
                          "Withdraw a visit, meeting or note recorded in error, with the reason: "
                          "kept in the history, counted for nothing.")
REOPEN_CASE = Command("reopen_case", "o", "reopen_case", "Reopen",
                      "Reopen a closed case, with the reason; the closure stays in the history.")
TASK_DONE = Command("task_done", "d", "task_done", "Done",
                    "Mark one of your own tasks done (a letter, a report, an update to the "
                    "child), with the date it was done.")
BACK = Command("back", "escape", "back", "Back", "Back to the caseload.")

# ----- forms ------------------------------------------------------------------------------
SAVE = Command("save", "ctrl+s", "save", "Save",
               "Check and save the form; problems are shown next to their field.",
               priority=True)
CANCEL = Command("cancel", "escape", "cancel", "Cancel",
                 "Close the form without saving anything.")

# ----- help screen ------------------------------------------------------------------------
# Escape, or `?` again (the footer shows the first key).
CLOSE_HELP = Command("close_help", "escape,question_mark", "close", "Close", "Close the help.")

# ----- supervision: team view and walkthrough (screens/team.py, screens/walkthrough.py) -----
TEAM_VIEW = Command("team_view", "t", "app.team_view", "Team",
                    "Open the team view: each worker's caseload, overdue work, visits in time "
                    "and oversight flags.")
WALKTHROUGH = Command("walkthrough", "enter", "select_row", "Walk through",
                      "Step through the highlighted worker's cases, one screen each, recording "
                      "oversight notes.")
NEXT_TEAM = Command("team_filter", "t", "next_team", "Team",
                    "Show one team's workers, then the next team's, then every team.")
TREND_FIGURES = Command("trend_figures", "f", "toggle_figures", "Figures",
                        "Show the monthly trends as a table of percentages (for a screen "
                        "reader or a monochrome terminal), or as bars again.")
NEXT_CASE = Command("next_case", "right,n", "next_case", "Next",
                    "Go to this worker's next case.", key_display="n →", priority=True)
PREVIOUS_CASE = Command("previous_case", "left,b", "previous_case", "Previous",
                        "Go back to this worker's previous case.", key_display="b ←",
                        priority=True)
OVERSIGHT_NOTE = Command("oversight_note", "o", "oversight_note", "Note",
                         "Record a management oversight note: decision, rationale, actions "
                         "and the flags it addresses.")
ACTION_DONE = Command("action_done", "d", "action_done", "Action done",
                      "Mark one of this case's open oversight actions as done.")
WRITE_RECORD = Command("supervision_record", "w", "write_record", "Write record",
                       "Write this worker's supervision record (Markdown) to the data folder "
                       "and say where.")
CASE_DETAILS = Command("case_details", "enter", "open_case", "Case",
                       "Open the full case screen (to log a visit or a meeting).")
BACK_TO_TEAM = Command("back_to_team", "escape", "back", "Back", "Back to the team view.")
ADD_ACTION = Command("add_action", "ctrl+n", "add_action", "Add action",
                     "Add another action line (description, owner, due date) to the note.",
                     priority=True)

# ----- adding and editing cases -----------------------------------------------------------
NEW_CASE = Command("new_case", "a", "new_case", "New case",
                   "Add a case: its details, the authority's pack and the worker.")
EDIT_CASE = Command("edit_case", "e", "edit_case", "Edit case",
                    "Change this case's details: worker and team, dates, visiting frequency, "
                    "complex plan, key worker.")

# ----- calendar export and chronology (issue 16) -------------------------------------------
# Not in the footers (no room at 80 columns); `?` and the command palette list them.
CALENDAR_FILE = Command("calendar_file", "i", "calendar_file", "Calendar",
                        "Write the open deadlines shown (one worker's, if filtered) to an .ics "
                        "file for Outlook, and say where.", show=False)
CHRONOLOGY = Command("chronology", "l", "chronology", "Chronology",
                     "Show every recorded event of this case in date order (the chronology "
                     "`cin chronology` writes).", show=False)
BACK_TO_CASE = Command("back_to_case", "escape", "back", "Back", "Back to the case.")
CHRONOLOGY_COMMANDS = (BACK_TO_CASE, PRIVACY, HELP)

# ----- offline laptops: the sync screen (screens/sync.py; issue 14) -------------------------
# On the caseload only when settings.toml names a team server ([team] server).
SYNC = Command("sync", "y", "sync", "Sync",
               "Send this laptop's work to the team server and fetch the team's; then choose "
               "between conflicting values and see refused changes.")
SYNC_AGAIN = Command("sync_again", "y", "sync", "Sync again",
                     "Sync with the team server again (safe to repeat at any time).")
KEEP_SERVER = Command("keep_server", "s", "keep('server')", "Keep server's",
                      "Keep the team server's value of the highlighted conflict; this laptop's "
                      "is let go (audited).")
KEEP_LAPTOP = Command("keep_laptop", "l", "keep('laptop')", "Keep laptop's",
                      "Keep this laptop's value of the highlighted conflict: written here, sent "
                      "to the team server at the next sync (audited).")
DISCARD_REFUSED = Command("discard_refused", "d", "discard", "Let go",
                          "Let go of the highlighted change the team server refused (kept in "
                          "the audit trail).")
CLOSE_SYNC = Command("close_sync", "escape", "close", "Back", "Back to the caseload.")

CASELOAD_COMMANDS = (HELP, SEARCH, SORT, REVERSE, WORKER, STATUS, CLOSED, LOG_VISIT,
                     NEW_CASE, TEAM_VIEW, CALENDAR_FILE, SYNC, RELOAD, QUIT)
CASE_COMMANDS = (LOG_VISIT, BOOK_MEETING, MEETING_HELD, CIRCULATED, CANCEL_MEETING,
                 CLOSE_CASE, TASK_DONE, EDIT_CASE, CORRECT_RECORD, WITHDRAW_RECORD,
                 REOPEN_CASE, CHRONOLOGY, BACK, HELP)
FORM_COMMANDS = (SAVE, CANCEL)
TEAM_COMMANDS = (NEXT_TEAM, TREND_FIGURES, PRIVACY, BACK, HELP)
WALKTHROUGH_COMMANDS = (NEXT_CASE, PREVIOUS_CASE, OVERSIGHT_NOTE, ACTION_DONE, WRITE_RECORD,
                        CASE_DETAILS, PRIVACY, BACK_TO_TEAM, HELP)
SUPERVISION_COMMANDS = (WALKTHROUGH, NEXT_TEAM, TREND_FIGURES, NEXT_CASE, PREVIOUS_CASE,
                        OVERSIGHT_NOTE, ACTION_DONE, WRITE_RECORD, CASE_DETAILS, BACK_TO_TEAM,
                        ADD_ACTION)
SYNC_COMMANDS = (KEEP_SERVER, KEEP_LAPTOP, DISCARD_REFUSED, SYNC_AGAIN, CLOSE_SYNC, HELP)
ALL_COMMANDS = (PRIVACY, *CASELOAD_COMMANDS, OPEN_CASE, CLEAR_SEARCH, *CASE_COMMANDS,
                *FORM_COMMANDS, CLOSE_HELP, *SUPERVISION_COMMANDS, BACK_TO_CASE,
                *(c for c in SYNC_COMMANDS if c is not HELP))
COMMANDS_BY_ID = {command.id: command for command in ALL_COMMANDS}
