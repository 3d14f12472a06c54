"""Junctions -> findings: fusions and rearrangements, and why.

Knows the panel, the trial rules and the genome-wide gene table, never the patient. A
junction is a listed fusion only when the kinase gene is the 3' partner of a productive
5'->3' join and its breakpoint lies where the rule says (ABL1: upstream of exon 2; PDGFRB:
upstream of exon 11); everything else is said in words (reciprocal, kinase lost, ...).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from .breakpoints import load_kinase_domains, locate, upstream_of_exon
from .breakpoints import role as _role
from .genome_genes import GenomeGenes, load_genome_genes
from .models import FileAccounting, Finding, SampleResult, Status
from .panel import Gene, Panel
from .readers.rna_fusions import read_rna_fusions
from .readers.structural import Junction, SvEvent, read_structural_variants
from .rules import TrialRules

KINASE_GROUPS = frozenset({"ABL-class kinase", "SRC-family"})
PASS_FILTERS = frozenset({"PASS", "."})
_RANK = {Status.QUALIFYING: 0, Status.REVIEW: 1, Status.EXCLUSION: 2, Status.VUS: 3}


# --------------------------------------------------------------------------- junctions


@dataclass(frozen=True)
class _Side:
    chrom: str
    pos: int
    kept: str
    cipos: tuple[int, int]
    symbol: str  # "" when intergenic
    strand: str
    panel_gene: Gene | None
    label: str

    @property
    def role(self) -> str | None:
        return _role(self.strand, self.kept) if self.symbol else None

    @property
    def breakpoint(self) -> str:
        return f"chr{self.chrom}:{self.pos} ({self.label})"


def _relevance(panel_gene: Gene, rules: TrialRules) -> int:
    if rules.listed_rule("fusion", panel_gene.symbol) is not None:
        return 0
    if panel_gene.pathway_group in KINASE_GROUPS:
        return 1
    if any(panel_gene.symbol in r.genes and "fusion" in r.match for r in rules.routing):
        return 2
    return 3


def _side(
    panel: Panel, genes: GenomeGenes, rules: TrialRules, build: str, where: tuple[str, int, str]
) -> _Side:
    chrom, pos, kept = where
    in_panel = sorted(panel.genes_at(build, chrom, pos), key=lambda g: _relevance(g, rules))
    if in_panel:
        g = in_panel[0]
        return _Side(
            chrom,
            pos,
            kept,
            (0, 0),
            g.symbol,
            g.strand,
            g,
            f"{g.symbol} " + (locate(panel, g, build, pos)),
        )
    named = genes.genes_at(build, chrom, pos)
    if named:
        g2 = named[0]
        label = "/".join(x.symbol for x in named)
        return _Side(chrom, pos, kept, (0, 0), g2.symbol, g2.strand, None, label)
    return _Side(chrom, pos, kept, (0, 0), "", "", None, "intergenic")


@dataclass(frozen=True)
class _Call:
    status: Status
    reason: str
    text: str
    rule_id: str | None = None
    kinase: str | None = None
    caveats: tuple[str, ...] = ()


def _kinase_call(
    panel: Panel,
    rules: TrialRules,
    build: str,
    side: _Side,
    fusion: str,
    pos: int,
    rna: bool,
) -> _Call:
    """The kinase gene is the 3' partner: where does its breakpoint fall?"""
    gene = side.panel_gene
    assert gene is not None
    rule = rules.listed_rule("fusion", gene.symbol)
    domain = load_kinase_domains().get(gene.symbol)
    unverified = (
        (f"kinase-domain exons of {gene.symbol}: {domain.source}",)
        if domain is not None and not domain.verified
        else ()
    )
    where = locate(panel, gene, build, pos)
    if rule is not None and rule.requires.get("three_prime_partner", gene.symbol) == gene.symbol:
        exon = int(rule.requires.get("breakpoint_before_exon", 1))
        if upstream_of_exon(panel, gene, build, pos, exon, rna):
            return _Call(
                Status.QUALIFYING,
                "listed_fusion",
                f"{fusion} fusion, {gene.symbol} breakpoint in {where} "
                + ("(keeps all of " if where.startswith("exon") else "(before ")
                + f"exon {exon}): "
                "kinase domain retained",
                rule.id,
                "yes",
            )
        if domain is not None and upstream_of_exon(panel, gene, build, pos, domain.first_exon, rna):
            lost = domain.lost_note or f"exon {exon} not retained"
            return _Call(
                Status.REVIEW,
                "kinase_retained_breakpoint_after_listed_exon",
                f"{fusion} fusion, {gene.symbol} breakpoint in {where} (after exon {exon}, "
                f"before the kinase domain from exon {domain.first_exon}): kinase domain "
                f"retained, {lost}; not the configuration {rule.id} lists",
                None,
                "yes",
                (lost, *unverified),
            )
        if domain is not None:
            return _Call(
                Status.VUS,
                "kinase_domain_not_retained",
                f"{fusion} junction, {gene.symbol} breakpoint in {where}: in or past the "
                f"kinase-domain exons ({domain.first_exon}-{domain.last_exon}); kinase domain "
                f"not retained, not a listed {gene.symbol} fusion",
                None,
                "no",
                unverified,
            )
        return _Call(
            Status.REVIEW,
            "kinase_domain_unknown",
            f"{fusion} fusion, {gene.symbol} breakpoint in {where} (after exon {exon}); "
            "kinase-domain exons unknown",
            None,
            "unknown",
        )
    kinase = "unknown"
    if domain is not None:
        kept = upstream_of_exon(panel, gene, build, pos, domain.first_exon, rna)
        kinase = "yes" if kept else "no"
    if kinase == "no":
        return _Call(
            Status.VUS,
            "kinase_domain_not_retained",
            f"{fusion} junction, {gene.symbol} breakpoint in {where}: kinase domain not retained",
            None,
            "no",
            unverified,
        )
    return _Call(
        Status.REVIEW,
        "abl_class_fusion",
        f"{fusion} fusion with {gene.symbol} ({gene.pathway_group}) as 3' partner, breakpoint "
        f"in {where}: ABL-class kinase fusion, needs sponsor review",
        None,
        kinase,
        unverified,
    )


def _call(
    panel: Panel,
    rules: TrialRules,
    build: str,
    key: _Side,
    other: _Side,
    productive: bool,
    name: str,
    pos: int,
    rna: bool = False,
) -> _Call:
    gene = key.panel_gene
    assert gene is not None
    listed = rules.listed_rule("fusion", gene.symbol) is not None
    kinase_gene = listed or gene.pathway_group in KINASE_GROUPS
    if kinase_gene and productive and key.role == "3":
        return _kinase_call(panel, rules, build, key, name, pos, rna)
    if kinase_gene and productive:
        return _Call(
            Status.VUS,
            "reciprocal_junction",
            f"{name} junction: {gene.symbol} is the 5' partner, the reciprocal product of the "
            f"{other.symbol}::{gene.symbol} rearrangement; the kinase domain is not in this "
            "product, so it is not a listed finding on its own",
            None,
            "no",
        )
    if kinase_gene and key.role == "3" and not other.symbol:
        call = _kinase_call(panel, rules, build, key, name, pos, rna)
        if call.status in (Status.QUALIFYING, Status.REVIEW):
            return _Call(
                Status.REVIEW,
                "partner_not_a_gene",
                f"{gene.symbol} 3' part joined to intergenic sequence at "
                f"{other.breakpoint}: " + call.text.split(": ", 1)[-1] + "; no 5' partner gene",
                None,
                call.kinase,
                call.caveats,
            )
    what = "no 5'->3' fusion of two genes" if not productive else "no trial rule matches"
    return _Call(
        Status.VUS,
        "not_a_productive_fusion" if not productive else "no_rule_matched",
        f"{name} rearrangement at {key.breakpoint}: {what}",
        None,
        "unknown" if kinase_gene else None,
    )


@dataclass(frozen=True)
class SvQc:
    """QC for structural calls: supporting reads a finding needs, FILTER values accepted."""

    min_supporting_reads: int = 5
    pass_filters: frozenset[str] = PASS_FILTERS


def interpret_junction(
    junction: Junction,
    panel: Panel,
    genes: GenomeGenes,
    rules: TrialRules,
    build: str,
    *,
    min_supporting_reads: int = 5,
    pass_filters: frozenset[str] = PASS_FILTERS,
    sample_id: str = "",
    source_file: str = "",
) -> Finding | None:
    """One junction -> a finding, or None when neither breakpoint is in a panel gene."""
    qc = SvQc(min_supporting_reads, pass_filters)
    a = replace(
        _side(panel, genes, rules, build, (junction.chrom_a, junction.pos_a, junction.kept_a)),
        cipos=junction.cipos_a,
    )
    if junction.single:
        if a.panel_gene is None:
            return None
        return _finish(
            junction,
            (a,),
            _Call(
                Status.VUS,
                "single_breakend",
                f"single breakend in {a.label} (kept {a.kept}); partner not resolved "
                "(unmapped or repetitive sequence): not interpretable as a fusion, confirm "
                "by RNA or FISH",
                None,
                "unknown",
            ),
            "breakend",
            a,
            a.pos,
            (a.symbol,),
            (),
            qc,
            sample_id,
            source_file,
            panel,
            rules,
            build,
        )
    assert junction.chrom_b is not None and junction.pos_b is not None
    assert junction.kept_b is not None
    b = replace(
        _side(panel, genes, rules, build, (junction.chrom_b, junction.pos_b, junction.kept_b)),
        cipos=junction.cipos_b,
    )
    if a.panel_gene is None and b.panel_gene is None:
        return None
    productive = a.role is not None and b.role is not None and a.role != b.role
    five, three = (a, b) if not productive or a.role == "5" else (b, a)
    candidates = [s for s in (a, b) if s.panel_gene is not None]
    assert candidates
    key = min(
        candidates,
        key=lambda s: (_relevance(s.panel_gene, rules), s.role != "3") if s.panel_gene else (9,),
    )
    other = b if key is a else a
    name = f"{five.symbol or 'intergenic'}::{three.symbol or 'intergenic'}"
    rna = junction.svtype == "RNA"  # RNA callers report exon boundaries, not intron bases
    call = _call(panel, rules, build, key, other, productive, name, key.pos, rna)
    routes = tuple(
        sorted(
            {
                r.subprotocol
                for r in rules.routing
                for s in (a, b)
                if s.symbol in r.genes and "fusion" in r.match
            }
        )
    )
    if routes and call.status == Status.VUS:
        call = replace(
            call,
            reason="other_subprotocol_fusion",
            text=f"{call.text}; a {'/'.join(s.symbol for s in (a, b) if s.symbol)} "
            f"rearrangement is an entry criterion of sub-protocol {', '.join(routes)}",
        )
    kind = "fusion" if productive else "rearrangement"
    partners = (five.symbol or "intergenic", three.symbol or "intergenic")
    return _finish(
        junction,
        (five, three),
        call,
        kind,
        key,
        key.pos,
        partners,
        routes,
        qc,
        sample_id,
        source_file,
        panel,
        rules,
        build,
    )


def _finish(
    junction: Junction,
    sides: tuple[_Side, ...],
    call: _Call,
    kind: str,
    key: _Side,
    pos: int,
    partners: tuple[str, ...],
    routes: tuple[str, ...],
    qc: SvQc,
    sample_id: str,
    source_file: str,
    panel: Panel,
    rules: TrialRules,
    build: str,
) -> Finding:
    """Imprecision and QC caveats (same convention as small variants), then the Finding."""
    caveats = list(call.caveats)
    problems: list[tuple[str, str]] = []
    low, high = key.cipos
    if junction.imprecise or (low, high) != (0, 0):
        text = f"imprecise breakpoint (CIPOS {low},{high})"
        if key.panel_gene is not None and (low, high) != (0, 0) and call.status in _RANK:
            other = next((s for s in sides if s is not key), key)
            statuses = {
                _call(
                    panel,
                    rules,
                    build,
                    key,
                    other,
                    kind == "fusion",
                    "x",
                    p,
                    junction.svtype == "RNA",
                ).status
                for p in (pos + low, pos + high)
            }
            if len(statuses) > 1:
                problems.append(
                    (
                        "imprecise_breakpoint",
                        f"{text} straddles an exon boundary that decides the classification",
                    )
                )
                text = ""
        if text:
            caveats.append(text)
    failed = [f for f in junction.filters if f not in qc.pass_filters]
    if failed:
        problems.insert(0, ("caller_filter", f"filtered by the caller ({';'.join(failed)})"))
    reads = junction.supporting_reads
    if reads is None:
        problems.append(("no_read_support", "the file gives no supporting read count"))
    elif reads < qc.min_supporting_reads:
        problems.append(
            ("low_supporting_reads", f"few supporting reads ({reads} < {qc.min_supporting_reads})")
        )
    status, reason, would_be = call.status, call.reason, None
    if problems:
        caveats = [words for _, words in problems] + caveats
        would_be, status, reason = call.status, Status.FILTERED, f"filtered:{problems[0][0]}"
    return Finding(
        sample_id=sample_id,
        source_file=source_file,
        gene=key.symbol,
        alteration_type=kind,
        genomic=junction.describe(),
        status=status,
        reason=reason,
        classification=call.text,
        rule_id=call.rule_id,
        would_be=would_be,
        caveats=tuple(caveats),
        transcript=key.panel_gene.ensembl_mane if key.panel_gene else "",
        filters=junction.filters,
        record_number=junction.record_numbers[0] if junction.record_numbers else None,
        routes=routes,
        partner_genes=partners,
        breakpoints=tuple(s.breakpoint for s in sides),
        kinase_domain_retained=call.kinase,
        supporting_reads=reads,
    )


def _event_finding(
    event: SvEvent,
    panel: Panel,
    genes: GenomeGenes,
    rules: TrialRules,
    build: str,
    qc: SvQc,
    sample_id: str,
    source_file: str,
) -> Finding | None:
    """The most decisive finding of an event's junctions (an INV has two), or None."""
    found = [
        f
        for j in event.junctions
        if (
            f := interpret_junction(
                j,
                panel,
                genes,
                rules,
                build,
                min_supporting_reads=qc.min_supporting_reads,
                pass_filters=qc.pass_filters,
                sample_id=sample_id,
                source_file=source_file,
            )
        )
        is not None
    ]
    if found:
        found.sort(key=lambda f: _RANK.get(f.would_be or f.status, 5))
        best = found[0]
        others = tuple(
            f"other junction of this {event.svtype}: {f.classification}" for f in found[1:]
        )
        return replace(
            best, caveats=best.caveats + others, other_records=tuple(event.record_numbers[1:])
        )
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
    sample_id: str, path: Path, kind: str, records: int, outside: int, counts: Counter[str]
) -> FileAccounting:
    return FileAccounting(
        sample_id=sample_id,
        path=str(path),
        kind=kind,
        records_read=records,
        alleles=records,  # SV/CNV records are not split by allele
        outside_panel=outside,
        by_status=dict(sorted(counts.items())),
    )


def classify_structural_file(
    path: Path,
    panel: Panel,
    rules: TrialRules,
    build: str,
    *,
    sample_id: str,
    patient_id: str,
    sha256: str,
    tumor_name: str | None = None,
    normal_name: str | None = None,
    min_supporting_reads: int = 5,
    genes: GenomeGenes | None = None,
    kind: str = "structural_variants",
    pass_filters: frozenset[str] = PASS_FILTERS,
) -> SampleResult:
    """Read an SV VCF (or, kind rna_fusions, an Arriba/STAR-Fusion TSV) and classify every
    event; each record is counted exactly once."""
    genes = genes or load_genome_genes()
    if kind == "rna_fusions":
        scan = read_rna_fusions(path, build)
    else:
        scan = read_structural_variants(path, build, tumor_name, normal_name)
    findings: list[Finding] = []
    counts: Counter[str] = Counter()
    outside = 0
    for event in scan.events:
        finding = _event_finding(
            event,
            panel,
            genes,
            rules,
            build,
            SvQc(min_supporting_reads, pass_filters),
            sample_id,
            str(path),
        )
        if finding is None:
            outside += len(event.record_numbers)
            continue
        findings.append(finding)
        counts[finding.accounting_key] += len(event.record_numbers)  # mates share one finding
    forward = {f.partner_genes for f in findings if f.reason != "reciprocal_junction"}
    findings = [
        replace(
            f,
            classification=f"{f.classification}; its partner junction "
            f"{f.partner_genes[1]}::{f.partner_genes[0]} is reported from this file",
        )
        if f.reason == "reciprocal_junction" and tuple(reversed(f.partner_genes)) in forward
        else f
        for f in findings
    ]
    notes = [
        *scan.notes,
        f"{kind.replace('_', ' ')} ({scan.caller} conventions): {len(scan.events)} event(s) from "
        f"{scan.records_read} record(s); BND mates joined and counted with their event; "
        f"breakpoints named against {len(genes.genes)} GENCODE v44 protein-coding genes; "
        f"fusions need >= {min_supporting_reads} supporting reads and FILTER "
        + " or ".join(sorted(pass_filters)),
    ]
    return SampleResult(
        sample_id=sample_id,
        patient_id=patient_id,
        path=str(path),
        kind=kind,
        genome_build=build,
        sha256=sha256,
        findings=tuple(findings),
        accounting=file_accounting(sample_id, path, kind, scan.records_read, outside, counts),
        notes=tuple(notes),
        caller=scan.caller,
        tumor_sample=scan.tumor_sample,
        normal_sample=scan.normal_sample,
    )
