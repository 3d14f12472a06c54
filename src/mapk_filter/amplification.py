"""Copy-number segments -> findings: ABL1 amplification (rule B-L2), gains, losses.

Knows the panel and the trial rules, never the patient.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .models import Finding, SampleResult, Status
from .panel import Panel
from .readers.copy_number import Segment, read_copy_number
from .rules import TrialRules
from .structural import PASS_FILTERS, file_accounting

# A >= 10 Mb segment is arm/chromosome-scale: CN 4 there is tetrasomy, not focal amplification.
MAX_FOCAL_AMPLIFICATION_BP = 10_000_000


def interpret_segment(
    segment: Segment,
    panel: Panel,
    rules: TrialRules,
    build: str,
    min_amplification_cn: float = 4.0,
    *,
    sample_id: str = "",
    source_file: str = "",
    pass_filters: frozenset[str] = PASS_FILTERS,
) -> Finding | None:
    """A copy-number segment over panel genes -> amplification / gain / loss / neutral.

    Default threshold CN >= 4: in a diploid genome that is at least two extra copies
    (log2 ratio >= 1.0 at full purity), the usual floor for "amplification"; a single extra
    copy (CN 3, log2 ~0.58) is a gain. The caller's CN is used as written (CNVkit ``call``
    and GATK give purity/ploidy-adjusted integers); a CN derived from log2 alone is not
    purity-corrected, which under-calls amplification in low-purity samples (caveat).
    """
    inside = panel.genes_at(build, segment.chrom, segment.start, segment.end)
    if not inside:
        return None
    amp_rules = {r.gene: r for r in rules.listed if r.alteration_type == "amplification" and r.gene}
    inside.sort(key=lambda g: (g.symbol not in amp_rules, g.symbol))
    gene = inside[0]
    others = [g.symbol for g in inside[1:]]
    also = f" (segment also covers {', '.join(others)})" if others else ""
    cn = segment.copy_number
    caveats: list[str] = []
    if segment.source.startswith(("log2", "cns:log2")):
        caveats.append("copy number derived from the log2 ratio without purity correction")
    rule_id = None
    if cn is None:
        kind, status, reason = "copy_number", Status.VUS, "copy_number_missing"
        text = f"{gene.symbol}: segment without a copy number or log2 ratio{also}"
    elif cn >= min_amplification_cn:
        kind = "amplification"
        rule = amp_rules.get(gene.symbol)
        text = f"{gene.symbol} amplification, CN {cn:g} (>= {min_amplification_cn:g}){also}"
        if rule is not None:
            status, reason, rule_id = Status.QUALIFYING, "listed_amplification", rule.id
            text += f": {rule.name}"
        else:
            status, reason = Status.VUS, "no_rule_matched"
            text += ": no trial rule lists this amplification"
    elif cn >= 2.5:
        kind, status, reason = "gain", Status.VUS, "gain_below_amplification_threshold"
        text = (
            f"{gene.symbol} copy gain, CN {cn:.1f} (below the amplification threshold "
            f"{min_amplification_cn:g}): a gain, not an amplification{also}"
        )
    elif cn <= 1.5:
        kind, status, reason = "deletion", Status.VUS, "copy_loss"
        text = f"{gene.symbol} copy loss, CN {cn:g}{also}: no trial rule lists it"
    else:
        kind, status, reason = "copy_neutral", Status.BENIGN, "copy_neutral"
        text = f"{gene.symbol} copy neutral, CN {cn:g}{also}"
    problems: list[tuple[str, str]] = []
    failed = [f for f in segment.filters if f not in pass_filters]
    if failed and status != Status.BENIGN:
        problems.append(("caller_filter", f"filtered by the caller ({';'.join(failed)})"))
    if status == Status.QUALIFYING and segment.length >= MAX_FOCAL_AMPLIFICATION_BP:
        problems.append(
            (
                "broad_segment",
                f"broad segment ({segment.length / 1e6:.1f} Mb): may be a whole-arm or "
                "chromosome gain rather than a focal amplification",
            )
        )
    would_be = None
    if problems:
        caveats = [w for _, w in problems] + caveats
        would_be, status, reason = status, Status.FILTERED, f"filtered:{problems[0][0]}"
    return Finding(
        sample_id=sample_id,
        source_file=source_file,
        gene=gene.symbol,
        alteration_type=kind,
        genomic=segment.describe(),
        status=status,
        reason=reason,
        classification=text,
        rule_id=rule_id,
        would_be=would_be,
        caveats=tuple(caveats),
        filters=segment.filters,
        record_number=segment.record_number,
        breakpoints=(f"chr{segment.chrom}:{segment.start}", f"chr{segment.chrom}:{segment.end}"),
        copy_number=cn,
    )


def classify_copy_number_file(
    path: Path,
    panel: Panel,
    rules: TrialRules,
    build: str,
    *,
    sample_id: str,
    patient_id: str,
    sha256: str,
    tumor_name: str | None = None,
    min_amplification_cn: float = 4.0,
    pass_filters: frozenset[str] = PASS_FILTERS,
) -> SampleResult:
    """Read a CNV VCF or CNVkit .cns and classify every segment over a panel gene."""
    scan = read_copy_number(path, build, tumor_name)
    findings: list[Finding] = []
    counts: Counter[str] = Counter()
    outside = 0
    for segment in scan.segments:
        finding = interpret_segment(
            segment,
            panel,
            rules,
            build,
            min_amplification_cn,
            sample_id=sample_id,
            source_file=str(path),
            pass_filters=pass_filters,
        )
        if finding is None:
            outside += 1
            continue
        findings.append(finding)
        counts[finding.accounting_key] += 1
    notes = [
        *scan.notes,
        f"copy number ({scan.fmt}): {scan.records_read} segment(s); amplification means "
        f"CN >= {min_amplification_cn:g} (diploid genome: at least two extra copies); "
        "a single-copy gain is reported as a gain",
    ]
    return SampleResult(
        sample_id=sample_id,
        patient_id=patient_id,
        path=str(path),
        kind="copy_number",
        genome_build=build,
        sha256=sha256,
        findings=tuple(findings),
        accounting=file_accounting(
            sample_id, path, "copy_number", scan.records_read, outside, counts
        ),
        notes=tuple(notes),
        caller=scan.fmt if scan.fmt == "cns" else "cnv_vcf",
        tumor_sample=scan.tumor_sample,
    )
