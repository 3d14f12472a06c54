"""Was the exclusion (BCL2 venetoclax resistance, B-X1) looked for, and how well?

The exclusion codons come from the rules and the hotspot table (never typed): the codons of
the exclusion alleles (BCL2 p.Gly101, p.Phe104) and every codon between them. A coverage
file (sample-sheet kind ``coverage``) says whether those bases were sequenced deeply enough;
without one, an absent mutation is not proven absent and the report says so, with how the
small-variant file was searched (consequence annotation, or coordinates only).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .classify import codon_span
from .models import FileAccounting, SampleResult
from .panel import Panel
from .readers.coverage import Target, read_coverage
from .rules import TrialRules

ANNOTATION_WORDS = {
    "CSQ": "VEP CSQ annotation",
    "ANN": "SnpEff ANN annotation",
    "BCSQ": "bcftools BCSQ annotation",
}


def exclusion_targets(panel: Panel, rules: TrialRules, build: str) -> list[Target]:
    """Per exclusion rule and gene: the span from the first to the last exclusion codon."""
    targets: list[Target] = []
    for rule in rules.exclusions:
        for gene in sorted(rule.genes):
            spans, codons = [], []
            for hotspot in panel.hotspots:
                if hotspot.gene != gene or hotspot.category not in rule.categories:
                    continue
                span = codon_span(hotspot, panel.genes[gene].strand, build)
                if span is not None:
                    spans.append(span)
                    codons.append(hotspot.codon)
            if not spans:
                continue
            chrom = spans[0][0]
            label = f"{gene} codons {min(codons)}-{max(codons)} ({rule.id})"
            targets.append(Target(label, chrom, min(s[1] for s in spans), max(s[2] for s in spans)))
    return targets


def classify_coverage_file(
    path: Path,
    panel: Panel,
    rules: TrialRules,
    build: str,
    *,
    sample_id: str,
    patient_id: str,
    sha256: str,
    min_depth: int,
) -> SampleResult:
    """Read a coverage file over the exclusion codons; every line counted once."""
    targets = exclusion_targets(panel, rules, build)
    scan = read_coverage(path, targets, min_depth)
    coverage = tuple(
        {
            "label": t.target.label,
            "locus": t.target.locus(),
            "status": t.status,
            "min_depth": t.min_depth,
            "required_depth": min_depth,
            "detail": t.detail,
        }
        for t in scan.targets
    )
    return SampleResult(
        sample_id=sample_id,
        patient_id=patient_id,
        path=str(path),
        kind="coverage",
        genome_build=build,
        sha256=sha256,
        findings=(),
        # Coverage lines are not variants: no alleles, no variants.tsv rows; what they say
        # about the targets is in ``coverage`` (report.json: exclusion).
        accounting=FileAccounting(
            sample_id=sample_id,
            path=str(path),
            kind="coverage",
            records_read=scan.records_read,
            region_query=scan.region_query,
        ),
        notes=(
            *scan.notes,
            f"{scan.records_read} coverage line(s) read, {scan.records_in_targets} over the "
            "exclusion codons",
            f"coverage ({scan.fmt}) over {', '.join(t.label for t in targets)}: a coverage "
            f"file carries no build; {build} coordinates were used",
        ),
        caller=scan.fmt,
        coverage=coverage,
    )


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
    small_all = [s for s in readable if s.kind == "small_variants"]
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
        s for s in readable if s.kind == "coverage" and rank.get(s.sample_id, 0) == newest_small
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
