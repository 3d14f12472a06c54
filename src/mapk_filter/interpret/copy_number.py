"""Copy-number segments -> findings: ABL1 amplification (B-L2), NF1 deletion (B-R12), gains.

Knows the panel and the trial rules, never the patient. Every threshold that decides
eligibility comes from the rules file: B-L2's ``min_copy_number`` and ``max_focal_length_bp``,
B-R12's ``below_copy_number``. An amplification counts only when the amplified segment(s)
cover every kinase-domain exon of the gene: a segment that only touches ABL1's 5' exons does
not amplify the kinase.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..breakpoints import load_kinase_domains
from ..context import Context, Source
from ..models import Finding, Kind, SampleResult, Status
from ..panel import Gene, Panel
from ..readers.copy_number import CopyNumberScan, Segment
from ..rules import ListedRule, VariantRule
from .qc import Problem, caller_filter, demote
from .structural import file_accounting

GAIN_CN = 2.5  # a called CN from here up (below the amplification threshold) is a gain
LOG2_CAVEAT = (
    "copy number derived from the log2 ratio assuming 100% tumour content (no purity "
    "correction): a lower tumour content under-calls a gain or loss"
)


def cn_text(cn: float) -> str:
    """A copy number in words that never rounds across a threshold (3.99 stays 3.99)."""
    return f"{cn:.2f}".rstrip("0").rstrip(".")


def log2_only(segment: Segment) -> bool:
    return segment.source.startswith(("log2", "cns:log2"))


def called_cn(segment: Segment) -> float | None:
    """The copy number rules compare: as written, or rounded when derived from log2 alone."""
    cn = segment.copy_number
    if cn is None or not log2_only(segment):
        return cn
    return float(round(cn))


@dataclass(frozen=True)
class _Exons:
    numbers: tuple[int, ...]  # exons of the gene fully inside amplified sequence

    def text(self) -> str:
        n = self.numbers
        if not n:
            return "no MANE exon"
        return f"exon {n[0]}" if len(n) == 1 else f"exons {n[0]}-{n[-1]}"


def _exons(panel: Panel, gene: str, build: str) -> list[tuple[int, int, int]]:
    return sorted(
        (e.number, *e.spans[build]) for e in panel.exons if e.gene == gene and build in e.spans
    )


def _covered(
    panel: Panel, gene: str, build: str, intervals: Sequence[tuple[int, int]]
) -> tuple[int, ...]:
    """MANE exons lying wholly inside the union of the intervals (adjacent ones merged)."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple(
        n for n, s, e in _exons(panel, gene, build) if any(a <= s and e <= b for a, b in merged)
    )


def _amplification(
    segment: Segment,
    gene: Gene,
    rule: ListedRule,
    panel: Panel,
    build: str,
    amplified: Sequence[tuple[int, int]],
) -> tuple[Status, str, str, str | None]:
    """B-L2 when the amplified sequence covers every kinase-domain exon of the gene."""
    cn = segment.copy_number
    assert cn is not None
    head = f"{gene.symbol} amplification, CN {cn_text(cn)} (>= {rule.min_copy_number:g})"
    own = _Exons(_covered(panel, gene.symbol, build, [(segment.start, segment.end)]))
    joint = _Exons(_covered(panel, gene.symbol, build, [*amplified, (segment.start, segment.end)]))
    domain = load_kinase_domains().get(gene.symbol)
    if not rule.requires.get("covers_kinase_domain", False):
        return Status.QUALIFYING, "listed_amplification", f"{head}: {rule.name}", rule.id
    if domain is None:
        return (
            Status.REVIEW,
            "kinase_domain_unknown",
            f"{head} over {own.text()}: the kinase-domain exons of {gene.symbol} are not known, "
            f"so kinase amplification ({rule.id}) could not be checked",
            rule.id,
        )
    kinase = set(range(domain.first_exon, domain.last_exon + 1))
    kd = f"kinase-domain exons {domain.first_exon}-{domain.last_exon}"
    mine = kinase & set(own.numbers)
    if kinase <= set(joint.numbers) and mine:
        together = "" if kinase <= mine else " together with the adjacent amplified segment(s)"
        return (
            Status.QUALIFYING,
            "listed_amplification",
            f"{head} over {own.text()}{together}, covering the {kd}: {rule.name}",
            rule.id,
        )
    if mine:
        return (
            Status.REVIEW,
            "partial_kinase_amplification",
            f"{head} over {own.text()}: covers only part of the {kd}; not the whole kinase, "
            f"so not {rule.id} as it stands: confirm the amplicon",
            rule.id,
        )
    return (
        Status.VUS,
        "amplification_outside_kinase_domain",
        f"{head}: the segment touches {gene.symbol} ({own.text()}) but not its {kd}; the "
        f"kinase is not amplified, not {rule.id}",
        None,
    )


def _loss(
    segment: Segment, gene: Gene, rule: VariantRule, panel: Panel, build: str
) -> tuple[Status, str, str, str | None]:
    exons = [
        n
        for n, s, e in _exons(panel, gene.symbol, build)
        if s <= segment.end and e >= segment.start
    ]
    total = len(_exons(panel, gene.symbol, build))
    span = f"exons {exons[0]}-{exons[-1]}" if len(exons) > 1 else f"exon {exons[0]}"
    return (
        Status.REVIEW,
        "copy_loss_of_coding_exons",
        f"{gene.symbol} deletion, CN {cn_text(segment.copy_number or 0)} "
        f"(< {rule.below_copy_number:g}) over "
        f"MANE {span} of {total}: {rule.name}",
        rule.id,
    )


GAINED_TYPES = frozenset({"DUP", "AMP", "GAIN", "DUP:TANDEM"})
LOST_TYPES = frozenset({"DEL", "LOSS"})


def _contradictions(
    segment: Segment, called: float | None, overlapping: Sequence[Segment]
) -> list[tuple[str, str]]:
    """The file contradicts itself: another segment over the same bases with another copy
    number, or a record typed a deletion with gained copies (or a duplication with lost)."""
    found = []
    for other in overlapping:
        if other.copy_number != segment.copy_number:
            cn = "?" if other.copy_number is None else cn_text(other.copy_number)
            found.append(
                (
                    "contradictory_segments",
                    f"record {other.record_number} (chr{other.chrom}:{other.start}-{other.end}, "
                    f"CN {cn}) covers the same bases with another copy number",
                )
            )
    if called is not None and (
        (segment.svtype in LOST_TYPES and called > 2)
        or (segment.svtype in GAINED_TYPES and called < 2)
    ):
        found.append(
            (
                "contradictory_record",
                f"the record is typed {segment.svtype} but gives CN "
                f"{cn_text(segment.copy_number or 0)}",
            )
        )
    return found


def _touches_kinase(panel: Panel, gene: Gene, build: str, segment: Segment) -> bool:
    domain = load_kinase_domains().get(gene.symbol)
    if domain is None:
        return True  # unknown: when in doubt
    exons = _covered(panel, gene.symbol, build, [(segment.start, segment.end)])
    return any(domain.first_exon <= n <= domain.last_exon for n in exons)


def interpret_segment(
    segment: Segment,
    ctx: Context,
    *,
    sample_id: str = "",
    source_file: str = "",
    amplified: Sequence[tuple[int, int]] | None = None,
    overlapping: Sequence[Segment] = (),
) -> Finding | None:
    """A copy-number segment over panel genes -> amplification / gain / loss / neutral.

    ``amplified``: the file's amplified intervals on this chromosome (by default the segment
    alone), so segments that split one amplicon are judged together. ``overlapping``: other
    segments of the file over the same bases (a contradiction when their copy number
    differs).
    """
    panel, rules, build = ctx.panel, ctx.rules, ctx.build
    inside = panel.genes_at(build, segment.chrom, segment.start, segment.end)
    if not inside:
        return None
    amp_rules = {r.gene: r for r in rules.listed if r.alteration_type == "amplification" and r.gene}
    cn, called = segment.copy_number, called_cn(segment)

    def loss_rule(gene: Gene) -> VariantRule | None:
        rule = rules.review_rule("copy_loss", gene.symbol)
        below = None if rule is None else rule.below_copy_number
        if rule is None or below is None or called is None or called >= below:
            return None
        exons = _exons(panel, gene.symbol, build)
        hit = any(s <= segment.end and e >= segment.start for _, s, e in exons)
        return rule if hit else None

    def priority(gene: Gene) -> tuple[int, str]:
        rule = amp_rules.get(gene.symbol)
        amp = rule is not None and cn is not None and cn >= rule.min_copy_number
        return (0 if amp or loss_rule(gene) else 1, gene.symbol)

    inside.sort(key=priority)
    gene = inside[0]
    others = [g.symbol for g in inside[1:]]
    also = f" (segment also covers {', '.join(others)})" if others else ""
    caveats: list[str] = []
    if log2_only(segment):
        caveats.append(LOG2_CAVEAT)
    rule = amp_rules.get(gene.symbol)
    # a rules version without any amplification rule calls no segment an amplification
    threshold = (
        rule.min_copy_number
        if rule
        else min((r.min_copy_number for r in amp_rules.values()), default=float("inf"))
    )
    rule_id: str | None = None
    routes: tuple[str, ...] = ()
    loss = loss_rule(gene)
    if cn is None:
        kind, status, reason = "copy_number", Status.VUS, "copy_number_missing"
        text = f"{gene.symbol}: segment without a copy number or log2 ratio{also}"
    elif cn >= threshold:
        kind = "amplification"
        if rule is not None:
            intervals = amplified if amplified is not None else [(segment.start, segment.end)]
            status, reason, text, rule_id = _amplification(
                segment, gene, rule, panel, build, intervals
            )
            text += also
        else:
            status, reason = Status.VUS, "no_rule_matched"
            text = f"{gene.symbol} amplification, CN {cn:g}{also}: no trial rule lists it"
    elif (
        called is not None
        and called >= GAIN_CN
        and rule is not None
        and log2_only(segment)
        and _touches_kinase(panel, gene, build, segment)
    ):
        # A log2 ratio is a copy number only at a known tumour content: at a lower one the
        # same ratio is more copies. Over the kinase this may be the listed amplification.
        kind, status, reason, rule_id = "gain", Status.REVIEW, "possible_amplification", rule.id
        content = (cn - 2) / (threshold - 2)
        text = (
            f"{gene.symbol} gain, CN {cn_text(cn)} estimated from the log2 ratio at 100% "
            f"tumour content: at {content:.0%} tumour content or less the same ratio means "
            f"CN >= {threshold:g}, an amplification ({rule.id}); the tumour content decides: "
            f"confirm{also}"
        )
    elif called is not None and called >= GAIN_CN:
        kind, status, reason = "gain", Status.VUS, "gain_below_amplification_threshold"
        text = (
            f"{gene.symbol} copy gain, CN {cn_text(cn)} (below the amplification threshold "
            f"{threshold:g}): a gain, not an amplification{also}"
        )
    elif loss is not None:
        kind = "deletion"
        status, reason, text, rule_id = _loss(segment, gene, loss, panel, build)
        routes = rules.routes(gene.symbol, "copy_loss")
        text += also
    elif called is not None and called < 2:
        kind, status, reason = "deletion", Status.VUS, "copy_loss"
        text = f"{gene.symbol} copy loss, CN {cn_text(cn)}{also}: no trial rule lists it"
    else:
        kind, status, reason = "copy_neutral", Status.BENIGN, "copy_neutral"
        text = f"{gene.symbol} copy neutral, CN {cn_text(cn)}{also}"
    problems: list[Problem] = []
    if status != Status.BENIGN:
        filtered = caller_filter(segment.filters, ctx.pass_filters)
        contradictions = _contradictions(segment, called, overlapping)
        problems = ([filtered] if filtered else []) + contradictions
    focal = rule.max_focal_length_bp if rule else None
    if status == Status.QUALIFYING and focal is not None and segment.length >= focal:
        problems.append(
            (
                "broad_segment",
                f"broad segment ({segment.length / 1e6:.1f} Mb): may be a whole-arm or "
                "chromosome gain rather than a focal amplification",
            )
        )
    status, reason, would_be, caveats_out = demote(status, reason, problems, caveats)
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
        caveats=caveats_out,
        filters=segment.filters,
        record_number=segment.record_number,
        routes=routes,
        breakpoints=(f"chr{segment.chrom}:{segment.start}", f"chr{segment.chrom}:{segment.end}"),
        copy_number=cn,
    )


def _overlaps(segments: Sequence[Segment]) -> dict[int, list[Segment]]:
    """record number -> the other segments over the same bases (one sweep per contig)."""
    found: dict[int, list[Segment]] = {}
    ordered = sorted(segments, key=lambda s: (s.chrom, s.start, s.end))
    for i, segment in enumerate(ordered):
        for other in ordered[i + 1 :]:
            if other.chrom != segment.chrom or other.start > segment.end:
                break
            found.setdefault(segment.record_number, []).append(other)
            found.setdefault(other.record_number, []).append(segment)
    return found


def interpret(scan: CopyNumberScan, source: Source, ctx: Context) -> SampleResult:
    """Classify every segment of a CNV VCF or CNVkit .cns over a panel gene."""
    rules, sample_id, path = ctx.rules, source.sample_id, source.path
    amp_rules = [r for r in rules.listed if r.alteration_type == "amplification"]
    threshold = min((r.min_copy_number for r in amp_rules), default=float("inf"))
    focal = min((r.max_focal_length_bp or 10**12 for r in amp_rules), default=10**12)
    amplified: dict[str, list[tuple[int, int]]] = {}
    for s in scan.segments:  # only clean, focal segments can complete another's coverage
        clean = all(f in ctx.pass_filters for f in s.filters) and s.length < focal
        if s.copy_number is not None and s.copy_number >= threshold and clean:
            amplified.setdefault(s.chrom, []).append((s.start, s.end))
    findings: list[Finding] = []
    counts: Counter[str] = Counter()
    outside = 0
    overlaps = _overlaps(scan.segments)
    for segment in scan.segments:
        overlapping = overlaps.get(segment.record_number, [])
        finding = interpret_segment(
            segment,
            ctx,
            sample_id=sample_id,
            source_file=str(path),
            amplified=amplified.get(segment.chrom, []),
            overlapping=overlapping,
        )
        if finding is None:
            outside += 1
            continue
        findings.append(finding)
        counts[finding.accounting_key] += 1
    notes = [
        *scan.notes,
        f"copy number ({scan.fmt}): {scan.records_read} segment(s); amplification means "
        f"CN >= {threshold:g} over every kinase-domain exon (rules {rules.version}); a "
        "single-copy gain is reported as a gain",
    ]
    return SampleResult(
        sample_id=sample_id,
        patient_id=source.patient_id,
        path=str(path),
        kind=Kind.COPY_NUMBER,
        genome_build=ctx.build,
        sha256=source.sha256,
        findings=tuple(findings),
        accounting=file_accounting(source, scan.records_read, outside, counts),
        notes=tuple(notes),
        caller=scan.fmt if scan.fmt == "cns" else "cnv_vcf",
        tumor_sample=scan.tumor_sample,
    )
