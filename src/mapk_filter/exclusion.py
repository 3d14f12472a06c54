"""Was the exclusion (BCL2 venetoclax resistance, B-X1) looked for, and how well?

The exclusion codons come from the rules and the hotspot table (never typed): the codons of
the exclusion alleles (BCL2 p.Gly101, p.Phe104) and every codon between them. A coverage
file (sample-sheet kind ``coverage``) says whether those bases were sequenced deeply enough;
without one, an absent mutation is not proven absent and the report says so, with how the
small-variant file was searched (consequence annotation, or coordinates only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Kind, SampleResult
from .rules import TrialRules

ANNOTATION_WORDS = {
    "CSQ": "VEP CSQ annotation",
    "ANN": "SnpEff ANN annotation",
    "BCSQ": "bcftools BCSQ annotation",
}


@dataclass(frozen=True)
class ExclusionAssessment:
    """What the report says about the exclusion: the status and how it was looked for."""

    rule_ids: tuple[str, ...]
    status: str  # detected | possibly_detected | not_detected | not_assessable
    how: str  # e.g. "VEP CSQ annotation of S1; coverage: covered (min depth 35 >= 20)"
    proven: bool  # the coverage file shows the codons were read deeply enough
    blocking: str = ""  # a reason the patient cannot be a candidate, when not assessable

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": list(self.rule_ids),
            "status": self.status,
            "how": self.how,
            "absence_proven": self.proven,
        }


def assess_exclusion(
    samples: tuple[SampleResult, ...],
    rules: TrialRules,
    detected: bool,
    possibly: bool,
    rank: dict[str, int] | None = None,
    words: dict[str, str] | None = None,
) -> ExclusionAssessment:
    """How the exclusion was looked for, at the patient's latest timepoint.

    ``rank``: sample_id -> time order; ``words``: sample_id -> its timepoint in words.
    Resistance mutations are acquired: a small-variant file from an earlier timepoint than
    the patient's latest does not assess the exclusion now, and a coverage file counts only
    for the timepoint of the small-variant file it backs.
    """
    ids = tuple(r.id for r in rules.exclusions)
    rank, words = rank or {}, words or {}
    latest = max((rank.get(s.sample_id, 0) for s in samples), default=0)
    readable = [s for s in samples if not s.accounting.error]
    small_all = [s for s in readable if s.kind == Kind.SMALL_VARIANTS]
    newest_small = max((rank.get(s.sample_id, 0) for s in small_all), default=None)
    small = [s for s in small_all if rank.get(s.sample_id, 0) == newest_small]
    searched = []
    for s in small:
        sources = [ANNOTATION_WORDS.get(a, a) for a in s.annotation_sources]
        searched.append(
            f"{s.sample_id}: "
            + (
                " and ".join(sources)
                if sources
                else "coordinates only (hotspot alleles and exclusion codons by position; "
                "no consequence annotation)"
            )
        )
    covering = [
        s for s in readable if s.kind == Kind.COVERAGE and rank.get(s.sample_id, 0) == newest_small
    ]
    targets = [(s.sample_id, c) for s in covering for c in s.coverage]
    short = [(sid, c) for sid, c in targets if c["status"] != "covered"]
    if targets:
        coverage = "; ".join(f"{sid}: {c['detail']}" for sid, c in targets)
    else:
        coverage = "no coverage file for that sample: an absent mutation is not proven absent"
    how = ("; ".join(searched) or "no small-variant file read") + f"; coverage: {coverage}"
    stale = bool(small) and newest_small is not None and newest_small < latest
    if detected:
        status = "detected"
    elif possibly:
        status = "possibly_detected"
    elif not small or short or stale:
        status = "not_assessable"
    else:
        status = "not_detected"
    blocking = ""
    if stale and not detected:
        then = ", ".join(sorted({words.get(s.sample_id) or "an earlier timepoint" for s in small}))
        now = next(
            (words.get(s.sample_id) for s in samples if rank.get(s.sample_id, 0) == latest), ""
        )
        blocking = (
            f"exclusion ({', '.join(ids)}) not assessed at {now or 'the latest timepoint'}: "
            f"the small-variant file is from {then}, and resistance mutations are acquired"
        )
    elif short and not detected:
        blocking = f"exclusion ({', '.join(ids)}) not assessable: " + "; ".join(
            f"{c['detail']} [{sid}]" for sid, c in short
        )
    proven = bool(targets) and not short and not stale
    return ExclusionAssessment(ids, status, how, proven, blocking)
