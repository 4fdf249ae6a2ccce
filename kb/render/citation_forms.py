"""Citations as a memo writes them from one paragraph to the next (The Bluebook R. 1.4, 4.1, 10.9).

* The first citation of a case is in full; later ones use its short form, `*Backe*, 691 F.3d at 648`, or
  `*Westbrook*, slip op. at 8`; a citation without a pin is given in full again (a short form needs a page).
* *Id.* stands for the authority the citation just before cited alone: `*Id.*`, `*Id.* at 485`.
* In a string cite, statutes and rules come first, then cases by court (the Supreme Court, the courts of appeals,
  the district courts) and, within a court, the newest first.

A statute or rule is always cited in full: its subsection is its pin. The italics are Markdown's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from lexlog.kb.explanation import CitedAuthority
from lexlog.kb.render.markdown import citation_markdown, escape

# `Backe v. LeBlanc, 691 F.3d 645 (5th Cir. 2012)`: the case name, then the volume, reporter and first page.
_REPORTED = re.compile(r"(?P<name>.+?), (?P<volume>\d+) (?P<reporter>[A-Z][A-Za-z0-9.' ]*?) (?P<page>\d+)\b")
# `Westbrook v. Dallas County, No. 3:15-CV-2497-L, 2016 WL 1060253 (...)`: the case name and its Westlaw number.
_WESTLAW = re.compile(r"(?P<name>.+?), No\. [^,]+, (?P<westlaw>\d{4} WL \d+)")
_DOCKET = re.compile(r"(?P<name>.+?), No\. [^,(]+")
_CASE_NAME = re.compile(r"(?P<first>.+?) v\. (?P<second>.+)|(?P<whole>(?:In re|Ex parte) .+)")
_GOVERNMENTS = {"United States", "State", "People", "Commonwealth"}
_SLIP = re.compile(r"slip op\.?\s*(?:at\s+)?(?P<page>.+)", re.IGNORECASE)
_PARENTHETICAL_YEAR = re.compile(r"\(([^()]*?)(\d{4})\)")


@dataclass(frozen=True)
class CaseParts:
    """What a case's short form is made of."""

    short_name: str
    reporter: Optional[str]  # `691 F.3d`; None for a case cited by docket number
    westlaw: Optional[str]  # `2016 WL 1060253`


def case_parts(citation: str) -> Optional[CaseParts]:
    """The short form's parts of a case citation; None for a statute, a rule or anything else."""
    for pattern in (_WESTLAW, _REPORTED, _DOCKET):
        found = pattern.match(citation)
        if found is None:
            continue
        name = _CASE_NAME.fullmatch(found.group("name"))
        if name is None:
            return None
        groups = found.groupdict()
        reporter = f"{groups['volume']} {groups['reporter']}" if groups.get("volume") else None
        return CaseParts(_short_name(name), reporter, groups.get("westlaw"))
    return None


def _short_name(name: re.Match[str]) -> str:
    """The first party's name (R. 10.9), or the second's when the first is a government (`United States v. Smith`)."""
    if name.group("whole"):
        return name.group("whole")
    first = name.group("first").split(" ex rel. ")[0].split(",")[0]  # `Joseph ex rel. Est. of Joseph` -> Joseph
    return name.group("second").split(",")[0] if first in _GOVERNMENTS else first


def short_form(cited: CitedAuthority) -> Optional[str]:
    """`*Backe*, 691 F.3d at 648`, `*Westbrook*, 2016 WL 1060253, at *3`, `*Westbrook*, slip op. at 8`; None when
    the citation has no pin or is not a case (it is then cited in full again)."""
    if cited.citation is None or not cited.pin:
        return None
    parts = case_parts(cited.citation)
    if parts is None:
        return None
    name = f"*{escape(parts.short_name)}*"
    slip = _SLIP.fullmatch(cited.pin)
    if slip is not None:
        return f"{name}, slip op. at {escape(slip.group('page'))}"
    if parts.westlaw is not None:
        return f"{name}, {escape(parts.westlaw)}, at {escape(cited.pin)}"
    if parts.reporter is not None:
        return f"{name}, {escape(parts.reporter)} at {escape(cited.pin)}"
    return None


def id_form(cited: CitedAuthority) -> str:
    """*Id.* with the pin: `*Id.*`, `*Id.* at 485`, `*Id.* at *3`, `*Id.*, slip op. at 8`."""
    if not cited.pin:
        return "*Id.*"
    slip = _SLIP.fullmatch(cited.pin)
    if slip is not None:
        return f"*Id.*, slip op. at {escape(slip.group('page'))}"
    return f"*Id.* at {escape(cited.pin)}"


def court_rank(citation: str) -> int:
    """0 statutes and rules; 1 the Supreme Court; 2 the courts of appeals; 3 the district courts; 4 anything else."""
    if case_parts(citation) is None:
        return 0 if ("U.S.C." in citation or "C.F.R." in citation or " R. " in citation or "§" in citation) else 4
    if re.search(r", \d+ (?:U\.S\.|S\. Ct\.) \d+", citation):
        return 1
    court = _court_parenthetical(citation)
    if "Cir." in court:
        return 2
    if re.search(r"\b[A-Z]\.\s?D\.|\bD\. [A-Z]", court) or court.startswith("D."):
        return 3
    return 4


def _court_parenthetical(citation: str) -> str:
    found = _PARENTHETICAL_YEAR.search(citation)
    return found.group(1) if found else ""


def decision_year(citation: str) -> int:
    found = _PARENTHETICAL_YEAR.search(citation)
    return int(found.group(2)) if found else 0


def string_cite_order(citations: Sequence[CitedAuthority]) -> list[CitedAuthority]:
    """The citations in the order R. 1.4 gives a string cite: by rank of authority, then newest first. Authorities
    the registry does not know keep their place at the end."""
    known = [cited for cited in citations if cited.citation is not None]
    unknown = [cited for cited in citations if cited.citation is None]
    ordered = sorted(known, key=lambda cited: (court_rank(cited.citation or ""), -decision_year(cited.citation or "")))
    return ordered + unknown


@dataclass
class CitationTrail:
    """The citations of a memo so far: which authorities have been cited in full, and the one the last citation
    sentence cited alone (what *Id.* would stand for)."""

    cited_in_full: set[str] = field(default_factory=set)
    last_alone: Optional[str] = None

    def sentence(self, citations: Sequence[CitedAuthority]) -> str:
        """A citation sentence in Markdown (`*Id.* at 648; *Zapata v. Melson*, 750 F.3d 481 (5th Cir. 2014).`), or
        '' when there is nothing to cite. Each call moves the trail on."""
        ordered = string_cite_order(citations)
        if not ordered:
            self.last_alone = None
            return ""
        parts = [self._form(cited, first=index == 0) for index, cited in enumerate(ordered)]
        self.last_alone = ordered[0].authority if len(ordered) == 1 else None
        text = "; ".join(parts)
        return text if text.endswith(".*") else text + "."  # `*Id.*` ends with its own period

    def _form(self, cited: CitedAuthority, first: bool) -> str:
        if first and cited.authority == self.last_alone:
            return id_form(cited)
        if cited.authority in self.cited_in_full:
            short = short_form(cited)
            if short is not None:
                return short
        self.cited_in_full.add(cited.authority)
        return citation_markdown(cited.text)
