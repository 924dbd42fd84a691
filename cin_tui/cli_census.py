"""`cin export` of the national formats: a DfE census return (.xml) or Annex A List 6 (.xlsx).
The import side needs nothing of its own: `cin import` knows both files by their content."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from cin_tui.cli_errors import CliError
from policies.safe_text import safe_text


def visible(message: str) -> str:
    """As cin_tui.cli.visible: control characters shown, never obeyed."""
    return safe_text(message, multiline=True)


def census_year_arg(text: str) -> int:
    if not re.fullmatch(r"20\d\d", text.strip(), re.ASCII):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a census year: give its end, such as 2026 for 2025-26")
    return int(text)


def lea_arg(text: str) -> str:
    if not re.fullmatch(r"\d{3}", text.strip(), re.ASCII):
        raise argparse.ArgumentTypeError(f"{text!r} is not a 3-digit LA code, such as 344")
    return text.strip()


def run_national_export(context: Any) -> int:
    from cin_tui.census_export import CensusExportRefused
    from cin_tui.census_scope import CensusYear
    from cin_tui.exporter import export_national
    from cin_tui.formats.annex_a import AnnexAError
    from cin_tui.formats.census_xml import CensusFileError

    args = context.args
    path = Path(args.file)
    census = path.suffix.lower() == ".xml"
    if not census and (args.census_year or args.lea):
        raise CliError("--census-year and --lea are for a census return (a FILE ending .xml)")
    year = CensusYear(args.census_year) if args.census_year else CensusYear.latest_ended(
        context.today)
    try:
        with context.existing_service() as service:
            count = export_national(path, service.engine, today=context.today,
                                    policies=context.policies, census_year=year.year,
                                    lea=args.lea)
    except CensusExportRefused as refused:
        lines = [f"{path}: not written."]
        count = len(refused.refused)
        if count:
            lines.append(f"{count} case{'s' if count != 1 else ''} cannot go in the census "
                         "return (give what each lacks with `cin edit-case`):")
            lines += [f"  {item.render()}" for item in refused.refused]
        if refused.lea_problem:
            lines.append(refused.lea_problem)
        raise CliError(visible("\n".join(lines))) from None
    except (AnnexAError, CensusFileError) as failed:
        # A stored value the file cannot hold (a control character, an over-long text).
        lines = [f"{path}: not written; these values cannot go in it:"]
        lines += [f"  {problem.render('')}" for problem in failed.problems]
        raise CliError(visible("\n".join(lines))) from None
    children = f"{count} child{'ren' if count != 1 else ''}"
    if census:
        print(visible(f"Exported {children} to {path}: the census return for "
                      f"{year.start.year}-{year.year % 100:02d} (reference date 31/03/"
                      f"{year.year})."))
    else:
        print(visible(f"Exported {children} to {path}: Annex A List 6, the cases open in the "
                      "six months to today."))
    return 0
