"""Coverage lines -> what they say about the exclusion codons (report.json: exclusion).

A coverage file holds no variants: no findings, no alleles. Whether the codons of the
exclusion alleles were sequenced deeply enough is judged per target by the reader; what
that means for the decision is exclusion.assess_exclusion's.
"""

from __future__ import annotations

from ..context import Context, Source
from ..models import FileAccounting, Kind, SampleResult
from ..readers.coverage import CoverageScan


def interpret(scan: CoverageScan, source: Source, ctx: Context) -> SampleResult:
    """Every line counted once; one coverage entry per exclusion target."""
    coverage = tuple(
        {
            "label": t.target.label,
            "locus": t.target.locus(),
            "status": t.status,
            "min_depth": t.min_depth,
            "required_depth": scan.required_depth,
            "detail": t.detail,
        }
        for t in scan.targets
    )
    return SampleResult(
        sample_id=source.sample_id,
        patient_id=source.patient_id,
        path=str(source.path),
        kind=Kind.COVERAGE,
        genome_build=ctx.build,
        sha256=source.sha256,
        findings=(),
        # Coverage lines are not variants: no alleles, no variants.tsv rows; what they say
        # about the targets is in ``coverage`` (report.json: exclusion).
        accounting=FileAccounting(
            sample_id=source.sample_id,
            path=str(source.path),
            kind=Kind.COVERAGE,
            records_read=scan.records_read,
            region_query=scan.region_query,
        ),
        notes=(
            *scan.notes,
            f"{scan.records_read} coverage line(s) read, {scan.records_in_targets} over the "
            "exclusion codons",
            f"coverage ({scan.fmt}) over {', '.join(t.target.label for t in scan.targets)}: a "
            f"coverage file carries no build; {ctx.build} coordinates were used",
        ),
        caller=scan.fmt,
        coverage=coverage,
    )
