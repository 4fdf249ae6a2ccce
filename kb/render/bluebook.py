"""Reading a full citation as The Bluebook does: its case name (italicized in a brief, R. 2.1(a)), the parts of its
short form (R. 10.9), and its place in a string cite (R. 1.4: statutes and rules first, then cases by court, the
Supreme Court, the courts of appeals, the district courts, and within a court the newest first). Text only: the
renderers format what these functions find.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Optional, Sequence

from lexlog.kb.explanation import CitedAuthority

# The patterns are compiled on first use (the `re` module keeps them): a command that only queries imports this
# module and never reads a citation.

# `Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)`: the case name, then the volume, reporter and first page.
_REPORTED = r"(?P<name>.+?), (?P<volume>\d+) (?P<reporter>[A-Z][A-Za-z0-9.' ]*?) (?P<page>\d+)\b"
# `Westbrook v. Dallas County, No. 3:15-CV-2497-L, 2016 WL 1060253 (...)`: the case name and its Westlaw number.
_WESTLAW = r"(?P<name>.+?), (?:No\. [^,]+, )?(?P<westlaw>\d{4} WL \d+)"
_DOCKET = r"(?P<name>.+?), No\. [^,(]+"
_CASE_NAME = r"(?P<first>.+?) v\. (?P<second>.+)|(?P<whole>(?:In re|Ex parte) .+)"
# Parties a short form does not use (R. 10.9(a)(i)): governments, and the States by name (`Texas v. Johnson` -> Johnson).
_GOVERNMENTS = {"United States", "State", "People", "Commonwealth"} | set(
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho Illinois "
    "Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri "
    "Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Washington "
    "Wisconsin Wyoming".split()
) | {"New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Rhode Island",
     "South Carolina", "South Dakota", "West Virginia"}
SLIP_PIN = r"(?i)slip op\.?\s*(?:at\s+)?(?P<page>.+)"
_PARENTHETICAL_YEAR = r"\(([^()]*?)(\d{4})\)"


class CaseParts(NamedTuple):
    """What a case's short form is made of (a named tuple: a command that only queries imports this module, and a
    frozen dataclass costs it a millisecond)."""

    short_name: str
    reporter: Optional[str]  # `691 F.3d`; None for a case cited by docket number
    westlaw: Optional[str]  # `2016 WL 1060253`


def _case(citation: str) -> Optional[tuple[re.Match[str], re.Match[str]]]:
    """The citation read as a case: its shape (reporter, Westlaw number or docket) and its name's parties; None for
    a statute, a rule or anything else."""
    for pattern in (_WESTLAW, _REPORTED, _DOCKET):
        found = re.match(pattern, citation)
        if found is not None:
            name = re.fullmatch(_CASE_NAME, found.group("name"))
            return (found, name) if name is not None else None
    return None


def case_name(citation: str) -> Optional[str]:
    """The case name a citation opens with, which a brief prints in italics (R. 2.1(a)): `Backe v. LeBlanc` of
    `Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)`, `Mohawk Indus., Inc. v. Carpenter`; None for a statute or rule."""
    case = _case(citation)
    return case[0].group("name") if case is not None else None


def case_parts(citation: str) -> Optional[CaseParts]:
    """The short form's parts of a case citation; None for a statute, a rule or anything else."""
    case = _case(citation)
    if case is None:
        return None
    found, name = case
    groups = found.groupdict()
    reporter = f"{groups['volume']} {groups['reporter']}" if groups.get("volume") else None
    return CaseParts(_short_name(name), reporter, groups.get("westlaw"))


def _short_name(name: re.Match[str]) -> str:
    """The first party's name (R. 10.9), or the second's when the first is a government (`United States v. Smith`)."""
    if name.group("whole"):
        return name.group("whole")
    first = name.group("first").split(" ex rel. ")[0].split(",")[0]  # `Joseph ex rel. Est. of Joseph` -> Joseph
    return name.group("second").split(",")[0] if first in _GOVERNMENTS else first


def court_rank(citation: str) -> int:
    """0 constitutions; 1 statutes and rules; 2 the Supreme Court; 3 the courts of appeals; 4 the district courts;
    5 anything else (secondary sources, say)."""
    parts = case_parts(citation)
    if parts is None:
        if "Const." in citation:
            return 0
        if "Restatement" not in citation and ("U.S.C." in citation or "C.F.R." in citation or " R. " in citation or "§" in citation):
            return 1
        return 5
    if parts.reporter is not None and parts.reporter.endswith(("U.S.", "S. Ct.")):  # the case's own reporter only
        return 2
    court = _court_parenthetical(citation)
    if "Cir." in court:
        return 3
    if re.search(r"\b[A-Z]\.\s?D\.|\bD\. [A-Z]", court) or court.startswith("D."):
        return 4
    return 5


def _court_parenthetical(citation: str) -> str:
    found = re.search(_PARENTHETICAL_YEAR, citation)
    return found.group(1) if found else ""


def decision_year(citation: str) -> int:
    found = re.search(_PARENTHETICAL_YEAR, citation)
    return int(found.group(2)) if found else 0


def string_cite_order(citations: Sequence[CitedAuthority]) -> list[CitedAuthority]:
    """The citations in the order R. 1.4 gives a string cite: by rank of authority, then newest first (within a
    year, the later volume of a reporter first). Authorities the registry does not know keep their place at the
    end."""
    known = [cited for cited in citations if cited.citation is not None]
    unknown = [cited for cited in citations if cited.citation is None]
    ordered = sorted(known, key=lambda cited: _string_cite_key(cited.citation or ""))
    return ordered + unknown


def _string_cite_key(citation: str) -> tuple[int, int, int]:
    parts = case_parts(citation)
    volume = parts.reporter.split()[0] if parts is not None and parts.reporter else ""
    return court_rank(citation), -decision_year(citation), -int(volume) if volume.isdigit() else 0


