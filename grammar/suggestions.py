"""'Did you mean ...?': the known name closest to a misspelt one (difflib's ratio, at least 0.6).

A check of a large file may ask for thousands of hints over tens of thousands of names; asked one by one, each
would compare the name with every known one. `NameIndex` keeps the known names by length and asks difflib only
about those whose length lets them reach the cutoff, and gives no hint when even those are more than
`MAX_CANDIDATES`, as Python's own "did you mean" does above a limit: among so many names a close one says little,
and comparing with all of them, hint after hint, made such a check quadratic.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from functools import cached_property
from typing import Optional

CUTOFF = 0.6
"""The least similarity (difflib's ratio) of a name worth suggesting."""

MAX_CANDIDATES = 1_000
"""More known names than this within reach of a misspelt one's length: no hint for it."""


class NameIndex:
    """Known names for hints, ready to be asked many times."""

    def __init__(self, known: Iterable[str]) -> None:
        self._known = known  # sorted by length when the first hint is asked for: most checks ask for none
        self._answers: dict[str, Optional[str]] = {}

    @cached_property
    def _names(self) -> list[str]:
        return sorted(set(self._known), key=lambda name: (len(name), name))

    @cached_property
    def _lengths(self) -> list[int]:
        return [len(name) for name in self._names]

    def closest(self, name: str) -> Optional[str]:
        """The closest known name (the name itself, if it is known), or None."""
        if name not in self._answers:
            self._answers[name] = self._closest(name)
        return self._answers[name]

    def _closest(self, name: str) -> Optional[str]:
        import difflib  # only when there is something to suggest

        # difflib's ratio is 2M / (a + b) with M at most the shorter length: below this length window it is < CUTOFF.
        shortest = int(len(name) * CUTOFF / (2 - CUTOFF))
        longest = int(len(name) * (2 - CUTOFF) / CUTOFF) + 1
        start = bisect.bisect_left(self._lengths, shortest)
        stop = bisect.bisect_right(self._lengths, longest)
        if stop - start > MAX_CANDIDATES:
            return None
        matches = difflib.get_close_matches(name, self._names[start:stop], n=1, cutoff=CUTOFF)
        return matches[0] if matches else None


def suggest(name: str, known: Iterable[str]) -> Optional[str]:
    """The closest known name, for 'did you mean ...?' hints (for many hints over one set of names: `NameIndex`)."""
    return NameIndex(known).closest(name)
