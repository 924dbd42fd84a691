"""How Ofsted's Annex A writes coded values: "a) Male", "a) WBRI", "N1 - Abuse or neglect",
"RC8 - Case closed after assessment, no further action", "c) Child in need plan".

The conventions are those of SocialFinanceDigitalLabs/liia-tools (liiatools/spec/annex_a/
data-map.yml), which cleans authorities' Annex A returns. `label_for` turns a code into the
label a List 6 writes; `code_for` reads a label back, accepting the code alone too ("WBRI",
"N1", "rc8") because authorities' workbooks vary.
"""

from __future__ import annotations

import re

GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded", "N": "d) Neither"}
DISABILITY = {"Y": "a) Yes", "N": "b) No", "U": "c) Unknown"}
# Annex A letters the DfE ethnicity codes in this order (liia-tools gives NOBT "s)" as well
# as REFU; it is written "t)" here, and either reads back).
ETHNICITIES = ("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
               "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
ETHNICITY = {code: f"{chr(ord('a') + place)}) {code}" for place, code in enumerate(ETHNICITIES)}
PRIMARY_NEED = {
    "N1": "N1 - Abuse or neglect",
    "N2": "N2 - Child's disability",
    "N3": "N3 - Parental disability or illness",
    "N4": "N4 - Family in acute stress",
    "N5": "N5 - Family dysfunction",
    "N6": "N6 - Socially unacceptable behaviour",
    "N7": "N7 - Low income",
    "N8": "N8 - Absent parenting",
    "N9": "N9 - Cases other than children in need",
    "N0": "N0 - Not stated",
}
CLOSURE_REASON = {
    "RC1": "RC1 - Adopted",
    "RC2": "RC2 - Died",
    "RC3": "RC3 - Child arrangements order",
    "RC4": "RC4 - Special guardianship order",
    "RC5": "RC5 - Transferred to services of another local authority",
    "RC6": "RC6 - Transferred to adult social care services",
    "RC7": "RC7 - Services ceased for any other reason, including child no longer in need",
    "RC8": "RC8 - Case closed after assessment, no further action",
    "RC9": "RC9 - Case closed after assessment, referred to early help",
}
CASE_STATUS = {
    "LAC": "a) Looked after child",
    "CPP": "b) Child Protection plan",
    "CIN": "c) Child in need plan",
    "ASSESSMENT": "d) Open assessment",
    "CLOSED": "e) Closed episode",
}
LABELS: dict[str, dict[str, str]] = {
    "Gender": GENDER,
    "Ethnicity": ETHNICITY,
    "Does the Child have a Disability": DISABILITY,
    "Primary Need Code": PRIMARY_NEED,
    "Reason for Closure": CLOSURE_REASON,
    "Case Status": CASE_STATUS,
}
_LETTER = re.compile(r"[a-z]\)\s*", re.IGNORECASE)
_LEADING_CODE = re.compile(r"(N\d|RC\d)\b", re.IGNORECASE)


def label_for(column: str, code: str) -> str:
    """The List 6 label of a code; KeyError when the column has no such code."""
    return LABELS[column][code]


def code_for(column: str, text: str) -> str | None:
    """The code a List 6 cell means, or None when it matches none of the column's labels."""
    labels = LABELS[column]
    wanted = " ".join(text.split()).lower()
    for code, label in labels.items():
        bare = _LETTER.sub("", label, count=1).lower()
        if wanted in (label.lower(), bare, code.lower()):
            return code
    found = _LEADING_CODE.match(_LETTER.sub("", wanted, count=1))
    if found and found.group(1).upper() in labels:
        return found.group(1).upper()
    return None
