"""Junctions -> findings: fusions and rearrangements, and why.

Knows the panel, the trial rules and the genome-wide gene table, never the patient. A
junction is a listed fusion only when the kinase gene is the 3' partner of a productive
5'->3' join and its breakpoint lies where the rule says (ABL1: upstream of exon 2; PDGFRB:
upstream of exon 11); everything else is said in words (reciprocal, kinase lost, ...).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ..context import Context, Source
from ..models import FileAccounting, Finding, SampleResult, Status
from ..readers.structural import UPSTREAM, Junction, StructuralScan, SvEvent
from ..settings import Filters
from .fusion_sides import FusionContext, Side, shifted, sides_of
from .fusions import DOUBTS, RANK, RECIPROCAL_DOUBT, Call, Judgement, judge, single_call
from .qc import Problem, caller_filter, demote

# A forward junction that answers a reciprocal's doubt: a listed or reviewable reading.
FORWARD_STATUSES = frozenset({Status.QUALIFYING, Status.REVIEW})


def interpret_junction(
    junction: Junction, ctx: Context, sample_id: str = "", source_file: str = ""
) -> Finding | None:
    """One junction -> a finding, or None when neither end is in (or 5' of) a panel gene."""
    fusion = FusionContext(ctx.panel, ctx.genes, ctx.rules, ctx.build)
    return junction_finding(fusion, junction, ctx.filters, sample_id, source_file)


def junction_finding(
    ctx: FusionContext, junction: Junction, qc: Filters, sample_id: str, source_file: str
) -> Finding | None:
    a, b = sides_of(ctx, junction)
    if b is None:
        if a.panel_gene is None:
            return None
        call = single_call(ctx, a, junction.rna)
        judged = Judgement(call, a, "breakend", (a.symbol,), (a,))
        return _finish(ctx, junction, judged, qc, sample_id, source_file)
    if a.panel_gene is None and b.panel_gene is None:
        return None
    rna = junction.rna  # RNA callers report exon boundaries, not intron bases
    judged = judge(ctx, a, b, rna, junction.frame)
    return _finish(ctx, junction, judged, qc, sample_id, source_file)


def _imprecise(ctx: FusionContext, junction: Junction, judged: Judgement) -> list[str]:
    """Caveat words; "" first when an end's interval straddles a boundary that decides.

    Each end with a confidence interval is moved to both of its limits, the other end kept,
    and the junction judged again: a different status means the call depends on where in
    the interval the break really is.
    """
    sides = judged.sides
    intervals = [s for s in sides if s.cipos != (0, 0)]
    if not junction.imprecise and not intervals:
        return []
    text = "imprecise breakpoint" + (
        " ("
        + "; ".join(f"CIPOS {s.cipos[0]},{s.cipos[1]} at {s.breakpoint}" for s in intervals)
        + ")"
        if intervals
        else ""
    )
    if len(sides) == 2 and judged.call.status in RANK:
        rna = junction.rna
        statuses = {judged.call.status}
        for i, side in enumerate(sides):
            for offset in side.cipos if side.cipos != (0, 0) else ():
                moved = [shifted(ctx, side, offset) if j == i else s for j, s in enumerate(sides)]
                statuses.add(judge(ctx, moved[0], moved[1], rna, junction.frame).call.status)
        if len(statuses) > 1:
            return ["", f"{text} straddles a boundary that decides the classification"]
    return [text]


def _finish(
    ctx: FusionContext,
    junction: Junction,
    judged: Judgement,
    qc: Filters,
    sample_id: str,
    source_file: str,
) -> Finding:
    """Imprecision and QC caveats (same convention as small variants), then the Finding."""
    call, key = judged.call, judged.key
    caveats = list(call.caveats)
    problems: list[Problem] = []
    imprecise = _imprecise(ctx, junction, judged)
    if imprecise and imprecise[0] == "":
        problems.append(("imprecise_breakpoint", imprecise[1]))
    else:
        caveats += imprecise
    filtered = caller_filter(junction.filters, qc.pass_filters)
    if filtered:
        problems.insert(0, filtered)
    reads = junction.supporting_reads
    normal = junction.normal_reads
    if normal is not None and normal >= qc.germline_min_normal_alt_reads:
        problems.append(
            (
                "possible_germline",
                f"possibly germline or constitutional: the matched normal has {normal} "
                "supporting reads",
            )
        )
    if reads is None:
        problems.append(("no_read_support", "the file gives no supporting read count"))
    elif reads < qc.min_supporting_reads:
        problems.append(
            ("low_supporting_reads", f"few supporting reads ({reads} < {qc.min_supporting_reads})")
        )
    status, reason, would_be, caveats_out = demote(call.status, call.reason, problems, caveats)
    return Finding(
        sample_id=sample_id,
        source_file=source_file,
        gene=key.symbol,
        alteration_type=judged.kind,
        genomic=junction.describe(),
        status=status,
        reason=reason,
        classification=call.text,
        rule_id=call.rule_id,
        would_be=would_be,
        caveats=caveats_out,
        transcript=key.panel_gene.ensembl_mane if key.panel_gene else "",
        filters=junction.filters,
        record_number=junction.record_numbers[0] if junction.record_numbers else None,
        routes=call.routes,
        partner_genes=judged.partners,
        breakpoints=tuple(s.breakpoint for s in judged.sides),
        kinase_domain_retained=call.kinase,
        supporting_reads=reads,
        split_reads=junction.split_reads,
        spanning_reads=junction.spanning_reads,
        frame=junction.frame,
    )


def _deletion_finding(
    ctx: FusionContext, event: SvEvent, qc: Filters, sample_id: str, source_file: str
) -> Finding | None:
    """An SV deletion removing coding exons of a gene whose copy loss a rule names (NF1)."""
    if event.svtype != "DEL" or not event.junctions:
        return None
    for gene in ctx.panel.genes_at(ctx.build, event.chrom, event.start, event.end):
        rule = ctx.rules.review_rule("copy_loss", gene.symbol)
        if rule is None:
            continue
        exons = [n for n, s, e in ctx.exons(gene.symbol) if s > event.start and e <= event.end]
        if not exons:
            continue
        text = (
            f"{gene.symbol} deletion chr{event.chrom}:{event.start}-{event.end} (SV call) "
            f"removing MANE exon(s) {exons[0]}-{exons[-1]} of {len(ctx.exons(gene.symbol))}: "
            f"{rule.name}"
        )
        call = Call(
            Status.REVIEW,
            "deletion_of_coding_exons",
            text,
            rule.id,
            None,
            (),
            ctx.rules.routes(gene.symbol, "copy_loss"),
        )
        side = Side(event.chrom, event.start, UPSTREAM, (0, 0), gene.symbol, gene.strand, gene, "")
        judged = Judgement(call, side, "deletion", (gene.symbol,), ())
        finding = _finish(ctx, event.junctions[0], judged, qc, sample_id, source_file)
        return replace(
            finding,
            genomic=f"DEL chr{event.chrom}:{event.start}-{event.end}",
            breakpoints=(f"chr{event.chrom}:{event.start}", f"chr{event.chrom}:{event.end}"),
            kinase_domain_retained=None,
        )
    return None


def _event_finding(
    ctx: FusionContext, event: SvEvent, qc: Filters, sample_id: str, source_file: str
) -> Finding | None:
    """The most decisive finding of an event's junctions (an INV has two) and, for a
    deletion, of what it removes; None when nothing touches the panel."""
    found = [
        f
        for j in event.junctions
        if (f := junction_finding(ctx, j, qc, sample_id, source_file)) is not None
    ]
    deletion = _deletion_finding(ctx, event, qc, sample_id, source_file)
    if deletion is not None:  # it says what an intragenic-deletion junction would say
        found = [f for f in found if f.reason != "intragenic_deletion_of_exons"]
        found.insert(0, deletion)
    if found:
        found.sort(key=lambda f: RANK.get(f.would_be or f.status, 5))
        best = found[0]
        others = tuple(
            f"other junction of this {event.svtype}: {f.classification}"
            for f in found[1:]
            if f.classification != best.classification
        )
        return replace(
            best, caveats=best.caveats + others, other_records=tuple(event.record_numbers[1:])
        )
    panel, build = ctx.panel, ctx.build
    inside = panel.genes_at(build, event.chrom, event.start, event.end)
    if not inside:
        return None
    names = ", ".join(g.symbol for g in inside)
    what = {"DEL": "deletion", "DUP": "duplication"}.get(event.svtype, event.svtype.lower())
    return Finding(
        sample_id=sample_id,
        source_file=source_file,
        gene=inside[0].symbol,
        alteration_type=what,
        genomic=f"{event.svtype} chr{event.chrom}:{event.start}-{event.end}",
        status=Status.VUS,
        reason="gene_within_sv" if event.junctions else "sv_type_not_interpreted",
        classification=f"{what} chr{event.chrom}:{event.start}-{event.end} covering {names}"
        + (
            ": no breakpoint inside a panel gene; copy number is judged from the copy-number file"
            if event.junctions
            else ": not a junction between two loci; no trial rule applies"
        ),
        record_number=event.record_numbers[0],
        other_records=tuple(event.record_numbers[1:]),
    )


def file_accounting(
    source: Source, records: int, outside: int, counts: Counter[str]
) -> FileAccounting:
    """The accounting of an SV or copy-number file: records are not split by allele."""
    return FileAccounting(
        sample_id=source.sample_id,
        path=str(source.path),
        kind=source.kind,
        records_read=records,
        alleles=records,
        outside_panel=outside,
        by_status=dict(sorted(counts.items())),
    )


def interpret(scan: StructuralScan, source: Source, ctx: Context) -> SampleResult:
    """Classify every event of an SV VCF or RNA fusion table (``kind`` rna_fusions); each
    record is counted exactly once."""
    sample_id, path, kind, qc = source.sample_id, source.path, source.kind, ctx.filters
    fusion = FusionContext(ctx.panel, ctx.genes, ctx.rules, ctx.build)
    found: list[Finding] = []
    outside = 0
    for event in scan.events:
        finding = _event_finding(fusion, event, qc, sample_id, str(path))
        if finding is None:
            outside += len(event.record_numbers)
            continue
        found.append(finding)
    findings = _forward_seen(found)
    counts: Counter[str] = Counter()
    for finding in findings:  # mates share one finding
        counts[finding.accounting_key] += 1 + len(finding.other_records)
    notes = [
        *scan.notes,
        f"{kind.replace('_', ' ')} ({scan.caller} conventions): {len(scan.events)} event(s) from "
        f"{scan.records_read} record(s); BND mates joined and counted with their event; "
        f"breakpoints named against {len(ctx.genes.genes)} GENCODE v44 protein-coding genes; "
        f"fusions need >= {qc.min_supporting_reads} supporting reads and FILTER "
        + " or ".join(sorted(ctx.pass_filters)),
    ]
    return SampleResult(
        sample_id=sample_id,
        patient_id=source.patient_id,
        path=str(path),
        kind=kind,
        genome_build=ctx.build,
        sha256=source.sha256,
        findings=tuple(findings),
        accounting=file_accounting(source, scan.records_read, outside, counts),
        notes=tuple(notes),
        caller=scan.caller,
        tumor_sample=scan.tumor_sample,
        normal_sample=scan.normal_sample,
    )


def _reciprocal(f: Finding) -> bool:
    """A reciprocal junction, also when QC filtered it (its reason is then filtered:<why>
    and its words still say the forward junction was not seen)."""
    if f.reason == "reciprocal_junction":
        return True
    return f.status == Status.FILTERED and RECIPROCAL_DOUBT in f.classification


def _forward_seen(findings: list[Finding]) -> list[Finding]:
    """A reciprocal junction whose forward product the same file reports is not a doubt."""
    forward = {
        f.partner_genes
        for f in findings
        if f.alteration_type == "fusion"
        and (f.would_be or f.status) in FORWARD_STATUSES
        and f.reason not in DOUBTS
    }
    out = []
    for f in findings:
        mate = tuple(reversed(f.partner_genes))
        if _reciprocal(f) and mate in forward:
            f = replace(
                f,
                status=Status.VUS if f.status == Status.REVIEW else f.status,
                would_be=Status.VUS if f.would_be == Status.REVIEW else f.would_be,
                rule_id=None,
                classification=f.classification.split("; forward junction")[0]
                + f"; its forward junction {mate[0]}::{mate[1]} is reported from this file",
            )
        out.append(f)
    return out
