"""The supervision record: the management oversight notes of a walkthrough, written as Markdown
or HTML (chosen by the file's extension), one section per case with its flags, the decision,
the rationale and the actions.

Used by `cin supervision-record` and by the walkthrough screen's "write record" key. The file
holds children's personal data, so it is written readable by its owner only (0600), whole or
not at all. HTML is self-contained (styles inline, no scripts, no external assets) and every
piece of recorded text is escaped. With `privacy`, each child's name is shown as initials (the
same `display_name` the screens use) and the child's name is masked in the free text too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from models.supervision import (
    CasePage,
    RecordSection,
    SupervisionNotes,
    describe_flag,
    family_names,
)
from policies.dates import format_date
from policies.deadlines import Deadline
from policies.safe_text import safe_text
from screens.cells import display_name, mask_names

MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
RECORDS_FOLDER = "supervision-records"
STATUS_WORDS = {"overdue": "overdue", "due_soon": "due soon", "ok": "in time"}


class RecordError(ValueError):
    """The record cannot be written as asked; the message says what to do instead."""


# ---------------------------------------------------------------------------------------------
# Names


def child_heading(ref: str, name: str, privacy: bool) -> str:
    """"CIN-0101 Poppy Puddleduck", or "CIN-0101 P. P." in privacy mode."""
    return f"{ref} {display_name(name, privacy)}"


# ---------------------------------------------------------------------------------------------
# Writing


def record_format(path: Path) -> str:
    """"markdown" or "html", from the file's extension."""
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in HTML_SUFFIXES:
        return "html"
    raise RecordError(
        f"{path}: a supervision record is written as Markdown (.md) or HTML (.html); "
        f"this name ends {path.suffix or 'with no extension'}"
    )


def default_record_path(folder: Path, worker: str, day: date, suffix: str = ".md") -> Path:
    """`<folder>/supervision-records/supervision-robin-quill-2026-11-23.md`."""
    slug = re.sub(r"[^a-z0-9]+", "-", worker.lower()).strip("-") or "worker"
    return folder / RECORDS_FOLDER / f"supervision-{slug}-{day.isoformat()}{suffix}"


def write_supervision_record(path: Path, notes: SupervisionNotes, *,
                             policies: Mapping[str, Any], privacy: bool = False,
                             make_folder: bool = False) -> Path:
    """Write the record to `path` (0600, replaced whole); returns the path written."""
    from models.private_files import write_private_file

    path = Path(path)
    kind = record_format(path)
    text = (render_html if kind == "html" else render_markdown)(notes, policies=policies,
                                                                 privacy=privacy)
    folder = path.parent if str(path.parent) else Path(".")
    if make_folder:
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise RecordError(f"cannot create the folder {folder} ({error.strerror})") from None
    if not folder.is_dir():
        raise RecordError(f"{path}: the folder {folder} does not exist; create it or choose "
                          "another place for the record")
    try:
        write_private_file(path, text.encode("utf-8"))
    except OSError as error:
        raise RecordError(f"{path}: cannot write the record ({error.strerror or error})") from None
    return path


# ---------------------------------------------------------------------------------------------
# What the record says (shared by both formats)


def _title(notes: SupervisionNotes) -> str:
    return f"Supervision record: {notes.worker}"


def _period(notes: SupervisionNotes) -> str:
    if notes.since is None:
        return "No management oversight notes are recorded for this worker's cases."
    if notes.since == notes.today:
        return f"Notes recorded on {format_date(notes.today)}"
    return f"Notes recorded from {format_date(notes.since)} to {format_date(notes.today)}"


def _facts(notes: SupervisionNotes, privacy: bool) -> list[tuple[str, str]]:
    facts = [("Worker", notes.worker), ("Team", notes.team or "not recorded"),
             ("Period", _period(notes)),
             ("Managers", ", ".join(notes.authors) or "none"),
             ("Written", format_date(notes.today))]
    if privacy:
        facts.append(("Privacy", "children's names are shown as initials"))
    return facts


def _plan_words(page: CasePage, today: date) -> str:
    days = page.plan_age_days(today)
    if days is None or page.plan_started is None:
        return "no plan start recorded"
    weeks, rest = divmod(days, 7)
    return f"started {format_date(page.plan_started)} ({weeks} weeks {rest} days)"


def _seen_words(page: CasePage) -> str:
    seen = format_date(page.last_seen.date) if page.last_seen else "never recorded"
    alone = format_date(page.last_seen_alone.date) if page.last_seen_alone else "never recorded"
    return f"last seen {seen}; last seen alone {alone}"


def _flag_words(deadline: Deadline) -> str:
    return (f"{deadline.label}: due {format_date(deadline.due)}, "
            f"{STATUS_WORDS.get(deadline.status, deadline.status)}")


def _action_state(action: Any) -> str:
    return f"done {format_date(action.done)}" if action.done else "open"


def _all_pages(notes: SupervisionNotes) -> list[CasePage]:
    return [s.page for s in notes.sections] + list(notes.without_notes)


def _case_policy(section: RecordSection, policies: Mapping[str, Any]) -> str:
    policy = policies.get(section.page.row.summary.policy_id)
    return getattr(policy, "name", None) or section.page.row.summary.policy_id


# ---------------------------------------------------------------------------------------------
# Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)


def md(text: str, *, multiline: bool = False) -> str:
    """Recorded text as Markdown that reads as written (no accidental emphasis, links, HTML,
    entities or table breaks) and holds no control character (policies.safe_text). Line breaks
    are kept only in `multiline` text (a decision, a rationale); in a heading, a list item or
    a table cell a line break is shown as "␊" so it cannot end the heading or the row."""
    if multiline:
        text = safe_text(text.replace("\r\n", "\n").replace("\r", "\n"), multiline=True)
    else:
        text = safe_text(text)
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    escaped = _MD_LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped)
    return escaped.replace("\n", "\\\n")


def render_markdown(
    notes: SupervisionNotes, *, policies: Mapping[str, Any], privacy: bool = False
) -> str:
    out = [f"# {md(_title(notes))}", ""]
    out += [f"- **{label}:** {md(value)}" for label, value in _facts(notes, privacy)]
    out.append("")
    if not notes.sections:
        out += ["No case has a management oversight note in this period.", ""]
    pages = _all_pages(notes)
    for section in notes.sections:
        page, name = section.page, section.page.name
        names = family_names(page, pages)
        out += [f"## {md(child_heading(page.ref, name, privacy))}", ""]
        out.append(f"- **Authority:** {md(_case_policy(section, policies))}")
        out.append(f"- **Plan:** {md(_plan_words(page, notes.today))}")
        out.append(f"- **Visits:** {md(_seen_words(page))}")
        if page.row.closed:
            out.append("- **Case closed**")
        out += ["", "### Open flags now", ""]
        out += [f"- {md(_flag_words(d))}" for d in page.flags] or ["- none"]
        for note in section.notes:
            out += ["", f"### Note of {format_date(note.recorded)} by {md(note.author)}", ""]
            out.append("**Decision:** "
                       + md(mask_names(note.decision, names, privacy), multiline=True))
            out.append("")
            out.append("**Rationale:** "
                       + md(mask_names(note.rationale, names, privacy), multiline=True))
            out.append("")
            flags = [describe_flag(policies, flag) for flag in note.cleared_flags]
            out.append("**Flags addressed:** "
                       + ("; ".join(md(f) for f in flags) if flags else "none"))
            out.append("")
            if note.actions:
                out += ["| Action | Owner | Due | State |", "|---|---|---|---|"]
                out += [f"| {md(mask_names(a.description, names, privacy))} | {md(a.owner)} | "
                        f"{format_date(a.due)} | {_action_state(a)} |" for a in note.actions]
            else:
                out.append("**Actions:** none")
        out.append("")
    if notes.without_notes:
        out += ["## Open cases with no note in this period", ""]
        out += [f"- {md(child_heading(p.ref, p.name, privacy))}" for p in notes.without_notes]
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# HTML

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.45;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #111; background: #fff; }
h1 { font-size: 1.6rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #555; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #999; padding: .25rem .5rem; text-align: left; vertical-align: top; }
.text { white-space: pre-wrap; }
.overdue { font-weight: bold; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
"""


def h(text: str) -> str:
    """Recorded text as HTML text: escaped, and with no control character (policies.safe_text;
    line breaks kept, the record's long text is shown with white-space: pre-wrap)."""
    return html.escape(safe_text(text, multiline=True), quote=True)


def render_html(
    notes: SupervisionNotes, *, policies: Mapping[str, Any], privacy: bool = False
) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(_title(notes))}, {h(format_date(notes.today))}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{h(_title(notes))}</h1>",
        '<dl class="facts">',
    ]
    out += [f"<dt>{h(label)}</dt><dd>{h(value)}</dd>" for label, value in _facts(notes, privacy)]
    out.append("</dl>")
    if not notes.sections:
        out.append("<p>No case has a management oversight note in this period.</p>")
    pages = _all_pages(notes)
    for section in notes.sections:
        page, name = section.page, section.page.name
        names = family_names(page, pages)
        out.append("<section>")
        out.append(f"<h2>{h(child_heading(page.ref, name, privacy))}</h2>")
        out.append('<dl class="facts">')
        out.append(f"<dt>Authority</dt><dd>{h(_case_policy(section, policies))}</dd>")
        out.append(f"<dt>Plan</dt><dd>{h(_plan_words(page, notes.today))}</dd>")
        out.append(f"<dt>Visits</dt><dd>{h(_seen_words(page))}</dd>")
        if page.row.closed:
            out.append("<dt>Case</dt><dd>closed</dd>")
        out.append("</dl>")
        out.append("<h3>Open flags now</h3>")
        if page.flags:
            out.append("<ul>")
            out += [f'<li class="{h(d.status)}">{h(_flag_words(d))}</li>' for d in page.flags]
            out.append("</ul>")
        else:
            out.append("<p>none</p>")
        for note in section.notes:
            out.append(f"<h3>Note of {h(format_date(note.recorded))} by {h(note.author)}</h3>")
            out.append(f'<p><strong>Decision:</strong> <span class="text">'
                       f"{h(mask_names(note.decision, names, privacy))}</span></p>")
            out.append(f'<p><strong>Rationale:</strong> <span class="text">'
                       f"{h(mask_names(note.rationale, names, privacy))}</span></p>")
            flags = [describe_flag(policies, flag) for flag in note.cleared_flags]
            out.append("<p><strong>Flags addressed:</strong> "
                       + (h("; ".join(flags)) if flags else "none") + "</p>")
            if note.actions:
                out.append("<table><thead><tr><th>Action</th><th>Owner</th><th>Due</th>"
                           "<th>State</th></tr></thead><tbody>")
                out += [f'<tr><td class="text">{h(mask_names(a.description, names, privacy))}</td>'
                        f"<td>{h(a.owner)}</td><td>{h(format_date(a.due))}</td>"
                        f"<td>{h(_action_state(a))}</td></tr>" for a in note.actions]
                out.append("</tbody></table>")
            else:
                out.append("<p><strong>Actions:</strong> none</p>")
        out.append("</section>")
    if notes.without_notes:
        out.append("<h2>Open cases with no note in this period</h2><ul>")
        out += [f"<li>{h(child_heading(p.ref, p.name, privacy))}</li>" for p in notes.without_notes]
        out.append("</ul>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
