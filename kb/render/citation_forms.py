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
from lexlog.kb.render.bluebook import SLIP_PIN, case_parts, string_cite_order
from lexlog.kb.render.markdown import citation_markdown, escape

def short_form(cited: CitedAuthority) -> Optional[str]:
    """`*Backe*, 691 F.3d at 648`, `*Westbrook*, 2016 WL 1060253, at *3`, `*Westbrook*, slip op. at 8`; None when
    the citation has no pin or is not a case (it is then cited in full again)."""
    if cited.citation is None or not cited.pin:
        return None
    parts = case_parts(cited.citation)
    if parts is None:
        return None
    name = f"*{escape(parts.short_name)}*"
    slip = re.fullmatch(SLIP_PIN, cited.pin)
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
    slip = re.fullmatch(SLIP_PIN, cited.pin)
    if slip is not None:
        return f"*Id.*, slip op. at {escape(slip.group('page'))}"
    return f"*Id.* at {escape(cited.pin)}"


@dataclass
class CitationTrail:
    """The citations of a memo so far: which authorities have been cited in full, and the one the last citation
    sentence cited alone (what *Id.* would stand for)."""

    cited_in_full: set[str] = field(default_factory=set)
    last_alone: Optional[CitedAuthority] = None

    def sentence(self, citations: Sequence[CitedAuthority]) -> str:
        """A citation sentence in Markdown (`*Id.* at 648; *Zapata v. Melson*, 750 F.3d 481 (5th Cir. 2014).`), or
        '' when there is nothing to cite. Each call moves the trail on."""
        ordered = string_cite_order(citations)
        if not ordered:
            self.last_alone = None
            return ""
        parts = [self._form(cited, first=index == 0) for index, cited in enumerate(ordered)]
        self.last_alone = ordered[0] if len(ordered) == 1 else None
        text = "; ".join(parts)
        return text if text.endswith(".*") else text + "."  # `*Id.*` ends with its own period

    def _is_id(self, cited: CitedAuthority) -> bool:
        """*Id.* stands for the case the last citation cited alone; without a pin only where that one had none
        either (a bare *Id.* repeats the page cited before). A statute is cited in full again: its pin is a
        subsection, not a page."""
        last = self.last_alone
        if last is None or last.authority != cited.authority or case_parts(cited.citation or "") is None:
            return False
        return bool(cited.pin) or not last.pin

    def _form(self, cited: CitedAuthority, first: bool) -> str:
        if first and self._is_id(cited):
            return id_form(cited)
        if cited.authority in self.cited_in_full:
            short = short_form(cited)
            if short is not None:
                return short
        self.cited_in_full.add(cited.authority)
        return citation_markdown(cited.text)
