"""Runs data-to-insight's CIN census validator on one XML file and prints its findings as JSON.

This script runs INSIDE the validator's own virtual environment (tools/census_validator.py makes
it and starts this script there), never in the project's: the validator pins pandas<2 and
numpy<2. Usage: python census_validator_driver.py FILE.xml RULESET

Output: {"child": [{"rule", "child", "table", "field", "message"}...],
         "return": [{"rule", "message"}...],
         "crashed": [{"rule", "error"}...]}
The validator catches an exception in a rule, prints "Error with rule CODE: ..." and carries on
as if the rule had passed (rule 8565 does this on some date orders); those lines are collected
into "crashed" so a caller can tell a crashed rule from a passed one.
"""

import contextlib
import importlib
import io
import json
import math
import re
import sys
import warnings
import xml.etree.ElementTree as ET

from cin_validator import cin_validator

CRASH = re.compile(r"Error with rule (\S+): (.*)")


def text(value):
    """A cell of the validator's tables as text; pandas' missing values become ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(text(item) for item in value)
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is the validator's own dependency
        pass
    return str(value)


def main(path, ruleset):
    warnings.simplefilter("ignore")  # pandas' FutureWarnings from the rules, on stderr
    root = ET.parse(path).getroot()
    data_files = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        validator = cin_validator.CinValidator(data_files, registry)
    child = []
    for row in validator.full_issue_df.to_dict("records"):
        child.append({
            "rule": text(row.get("rule_code")),
            "child": text(row.get("child_id")),
            "table": text(row.get("tables_affected")),
            "field": text(row.get("columns_affected")),
            "message": text(row.get("rule_description")),
        })
    returned = []
    for row in validator.multichild_issues.drop_duplicates().to_dict("records"):
        returned.append({"rule": text(row.get("rule_code")),
                         "message": text(row.get("rule_description"))})
    crashed = [{"rule": found.group(1), "error": found.group(2)}
               for found in map(CRASH.match, printed.getvalue().splitlines()) if found]
    json.dump({"child": child, "return": returned, "crashed": crashed}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
