"""QC shared by every kind: the caller's FILTER, and demoting a reading that fails QC.

One convention for small variants, junctions and segments: a listed or reviewable reading
with a QC problem becomes ``filtered`` with the reason code of its first problem, keeps
what it would have been (``would_be``), and its caveats start with every problem's words.
A benign reading is never demoted: nothing is claimed that QC could weaken.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from ..models import Status

Problem = tuple[str, str]  # (reason code, words), most decisive first


def caller_filter(filters: Iterable[str], passed: Collection[str]) -> Problem | None:
    """The FILTER values the caller set that are not taken as passed, as a QC problem."""
    failed = [f for f in filters if f not in passed]
    if not failed:
        return None
    return ("caller_filter", f"filtered by the caller ({';'.join(failed)})")


def demote(
    status: Status, reason: str, problems: Sequence[Problem], caveats: Sequence[str] = ()
) -> tuple[Status, str, Status | None, tuple[str, ...]]:
    """(status, reason, would_be, caveats) after QC."""
    if not problems or status == Status.BENIGN:
        return status, reason, None, tuple(caveats)
    words = tuple(w for _, w in problems)
    return Status.FILTERED, f"filtered:{problems[0][0]}", status, (*words, *caveats)
