"""A child's chronology (models.chronology) written as Markdown or HTML, chosen by the file's
extension, for `cin chronology`.

Every piece of recorded text is escaped for its format by the supervision record's escapers
(screens.supervision_record `md` and `h`): no accidental Markdown emphasis, link or HTML, no
HTML markup, and never a control character. The HTML is one self-contained file (styles
inline, no scripts, no external resources), laid out to print. With `privacy`, the child's
name is shown as initials and the family's names are masked in the recorded words, as on the
screens.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from models.chronology import Chronology, ChronologyEntry
from policies.dates import format_date
from screens.cells import display_name, mask_names
from screens.supervision_record import HTML_SUFFIXES, MARKDOWN_SUFFIXES, h, md


class ChronologyFormatError(ValueError):
    """The chronology cannot be written as asked; the message says what to do instead."""


def chronology_format(path: Path) -> str:
    """"markdown" or "html", from the file's extension."""
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in HTML_SUFFIXES:
        return "html"
    raise ChronologyFormatError(
        f"{path}: a chronology is written as Markdown (.md) or HTML (.html); this name ends "
        f"{path.suffix or 'with no extension'}")


def render(chronology: Chronology, *, kind: str, today: date, privacy: bool = False) -> str:
    write = render_html if kind == "html" else render_markdown
    return write(chronology, today=today, privacy=privacy)


# ----- what both formats say ---------------------------------------------------------------

def title(chronology: Chronology, privacy: bool) -> str:
    return f"Chronology: {chronology.ref} {display_name(chronology.name, privacy)}"


def facts(chronology: Chronology, today: date, privacy: bool) -> list[tuple[str, str]]:
    found = [("Worker", chronology.worker or "not allocated"),
             ("Team", chronology.team or "not recorded"),
             ("Authority", chronology.authority),
             ("Case", "closed" if chronology.closed else "open"),
             ("Events", str(len(chronology.entries))),
             ("Written", format_date(today))]
    if privacy:
        found.append(("Privacy", "children's names are shown as initials"))
    return found


def entry_words(entry: ChronologyEntry, names: tuple[str, ...], privacy: bool) -> str:
    return mask_names(entry.words, names, privacy)


def withdrawn_words(entry: ChronologyEntry, names: tuple[str, ...], privacy: bool) -> str | None:
    return mask_names(entry.withdrawn, names, privacy) if entry.withdrawn else None


# ----- Markdown ----------------------------------------------------------------------------

def render_markdown(chronology: Chronology, *, today: date, privacy: bool = False) -> str:
    names = chronology.names
    out = [f"# {md(title(chronology, privacy))}", ""]
    out += [f"- **{label}:** {md(value)}" for label, value in facts(chronology, today, privacy)]
    out.append("")
    if not chronology.entries:
        out += ["Nothing is recorded on this case yet.", ""]
        return "\n".join(out)
    out += ["| Date | Event | What was recorded |", "|---|---|---|"]
    for entry in chronology.entries:
        words = md(entry_words(entry, names, privacy))
        mark = withdrawn_words(entry, names, privacy)
        if mark is not None:
            words = f"{words} **{md(mark)}**"
        out.append(f"| {format_date(entry.when)} | {md(entry.what)} | {words} |")
    out.append("")
    return "\n".join(out)


# ----- HTML --------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.45;
       max-width: 56rem; margin: 2rem auto; padding: 0 1rem; color: #111; background: #fff; }
h1 { font-size: 1.6rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
th, td { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #eee; }
td.when { white-space: nowrap; }
td.text { white-space: pre-wrap; }
tr.withdrawn del { color: #555; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
"""


def render_html(chronology: Chronology, *, today: date, privacy: bool = False) -> str:
    names = chronology.names
    heading = title(chronology, privacy)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(heading)}, {h(format_date(today))}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{h(heading)}</h1>",
        '<dl class="facts">',
    ]
    out += [f"<dt>{h(label)}</dt><dd>{h(value)}</dd>"
            for label, value in facts(chronology, today, privacy)]
    out.append("</dl>")
    if not chronology.entries:
        out.append("<p>Nothing is recorded on this case yet.</p>")
    else:
        out.append("<table><thead><tr><th>Date</th><th>Event</th><th>What was recorded</th>"
                   "</tr></thead><tbody>")
        for entry in chronology.entries:
            words = h(entry_words(entry, names, privacy))
            mark = withdrawn_words(entry, names, privacy)
            row_class = ""
            if mark is not None:
                words = f"<del>{words}</del><br><strong>{h(mark)}</strong>"
                row_class = ' class="withdrawn"'
            out.append(f"<tr{row_class}><td class=\"when\">{h(format_date(entry.when))}</td>"
                       f"<td>{h(entry.what)}</td><td class=\"text\">{words}</td></tr>")
        out.append("</tbody></table>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
