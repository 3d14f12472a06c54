"""Validation of the panel tables (``panel_problems``): every rule a reviewed data change
must keep, as readable messages naming the gene, exon or hotspot row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .panel import (
    ACGT_BASES,
    BUILDS,
    CATEGORIES,
    PATHWAY_GROUPS,
    SHORT_FORM,
    TRIAL_RELEVANCE,
    Panel,
    short_protein,
)

if TYPE_CHECKING:
    from .breakpoints import KinaseDomain


def panel_problems(panel: Panel) -> list[str]:
    """Everything wrong with the panel tables, as messages; an empty list means valid."""
    return [
        *panel.load_problems,
        *gene_problems(panel),
        *exon_problems(panel),
        *hotspot_problems(panel),
    ]


def _span_problems(what: str, spans: dict[str, tuple[int, int]]) -> Iterator[str]:
    for build, (start, end) in spans.items():
        if start < 1 or end < start:
            yield f"{what}: invalid {build} span {start}-{end}"


def gene_problems(panel: Panel) -> Iterator[str]:
    for gene in panel.genes.values():
        what = f"gene {gene.symbol}"
        for name in (
            "symbol",
            "hgnc_id",
            "ensembl_gene",
            "refseq_mane",
            "ensembl_mane",
            "chrom",
            "role",
            "source",
        ):
            if not getattr(gene, name):
                yield f"{what}: missing {name}"
        if gene.strand not in {"+", "-"}:
            yield f"{what}: strand '{gene.strand}' is not + or -"
        if gene.pathway_group not in PATHWAY_GROUPS:
            yield f"{what}: unknown pathway_group '{gene.pathway_group}'"
        if gene.trial_relevance not in TRIAL_RELEVANCE:
            yield f"{what}: unknown trial_relevance '{gene.trial_relevance}'"
        for build in BUILDS:
            if build not in gene.spans:
                yield f"{what}: missing {build} span"
        yield from _span_problems(what, gene.spans)


def exon_problems(panel: Panel) -> Iterator[str]:
    seen: set[tuple[str, int]] = set()
    for exon in panel.exons:
        what = f"exon {exon.gene} {exon.transcript} #{exon.number}"
        if (exon.gene, exon.number) in seen:
            yield f"{what}: duplicate exon"
        seen.add((exon.gene, exon.number))
        gene = panel.genes.get(exon.gene)
        if gene is None:
            yield f"{what}: gene {exon.gene} is not in the panel"
            continue
        if exon.chrom != gene.chrom:
            yield f"{what}: chrom {exon.chrom}, gene {gene.symbol} is on {gene.chrom}"
        if exon.transcript != gene.ensembl_mane:
            yield f"{what}: transcript is not the gene's MANE Select {gene.ensembl_mane}"
        if "GRCh38" not in exon.spans:
            yield f"{what}: missing GRCh38 span"
        yield from _span_problems(what, exon.spans)
        for build, (start, end) in exon.spans.items():
            span = gene.spans.get(build)
            if span is not None and not (span[0] <= start and end <= span[1]):
                yield f"{what}: {build} {start}-{end} outside gene span {span[0]}-{span[1]}"
        if len(exon.spans) == 2:
            lengths = {end - start for start, end in exon.spans.values()}
            if len(lengths) != 1:
                yield f"{what}: GRCh38 and GRCh37 lengths differ"


def hotspot_problems(panel: Panel) -> Iterator[str]:
    seen_alleles: set[tuple[str, str, int, str, str]] = set()
    seen_rows: set[tuple[str, str, str]] = set()
    for h in panel.hotspots:
        what = f"hotspot {h.gene} {h.short or h.hgvs_p}"
        for name in ("gene", "hgvs_p", "short", "hgvs_c", "transcript", "category", "source"):
            if not getattr(h, name):
                yield f"{what}: missing {name}"
        if h.category not in CATEGORIES:
            yield f"{what}: unknown category '{h.category}'"
        m = SHORT_FORM.match(h.short)
        if m is None:
            yield f"{what}: short form '{h.short}' is not like G12D"
        elif int(m.group(2)) != h.codon:
            yield f"{what}: codon {h.codon} disagrees with {h.short}"
        if h.hgvs_p and short_protein(h.hgvs_p) != h.short:
            yield f"{what}: hgvs_p {h.hgvs_p} disagrees with {h.short}"
        gene = panel.genes.get(h.gene)
        if gene is None:
            yield f"{what}: gene {h.gene} is not in the panel"
        elif h.transcript and h.transcript != gene.refseq_mane:
            yield f"{what}: transcript {h.transcript} is not {gene.refseq_mane}"
        for build in BUILDS:
            if build not in h.loci:
                yield f"{what}: missing {build} allele"
        chroms = {locus.chrom for locus in h.loci.values()}
        if len(chroms) > 1:
            yield f"{what}: GRCh38 and GRCh37 chromosomes disagree ({', '.join(sorted(chroms))})"
        for build, locus in h.loci.items():
            allele = f"{locus.chrom}:{locus.pos} {locus.ref}>{locus.alt}"
            key = (build, locus.chrom, locus.pos, locus.ref, locus.alt)
            if key in seen_alleles:
                yield f"{what}: duplicate {build} allele {allele}"
            seen_alleles.add(key)
            if locus.ref == locus.alt:
                yield f"{what}: {build} ref equals alt ({allele})"
            for name, bases in (("ref", locus.ref), ("alt", locus.alt)):
                if not ACGT_BASES.match(bases):
                    yield f"{what}: {build} {name} '{bases}' is not A/C/G/T"
            if gene is not None:
                if locus.chrom != gene.chrom:
                    yield f"{what}: {build} chrom {locus.chrom}, gene is on {gene.chrom}"
                span = gene.spans.get(build)
                if span is not None and not (span[0] <= locus.pos <= span[1]):
                    yield f"{what}: {build} {allele} outside {h.gene} {span[0]}-{span[1]}"
        row = (h.gene, h.short, h.hgvs_c)
        if row in seen_rows:
            yield f"{what}: duplicate row ({h.hgvs_c})"
        seen_rows.add(row)


# --------------------------------------------------------------------------- kinase domains


@dataclass(frozen=True)
class KinaseMapping:
    """A kinase domain placed on the MANE exons from the numbers in its table row."""

    first_exon: int
    last_exon: int
    protein_length: int
    transcript_positions: tuple[int, int, int, int]  # c.1, stop end, kinase start, kinase end


def _transcript_position(exons: list[tuple[int, int, int]], strand: str, pos: int) -> int | None:
    """1-based position on the spliced transcript (exons in transcript order), None if intronic."""
    before = 0
    for _, start, end in exons:
        if start <= pos <= end:
            return before + (pos - start if strand == "+" else end - pos) + 1
        before += end - start + 1
    return None


def _exon_at(exons: list[tuple[int, int, int]], tpos: int) -> int | None:
    before = 0
    for number, start, end in exons:
        before += end - start + 1
        if tpos <= before:
            return number
    return None


def map_kinase_domain(panel: Panel, domain: KinaseDomain, build: str) -> KinaseMapping | str:
    """Recompute the kinase-domain exons on a build, or say why they cannot be."""
    gene = panel.genes.get(domain.gene)
    if gene is None:
        return f"{domain.gene} is not a panel gene"
    recorded = domain.on(build)
    if domain.residues is None or domain.uniprot_length is None or recorded is None:
        return f"no UniProt residue range, length or {build} CDS coordinates recorded"
    exons = sorted(
        (e.number, *e.spans[build])
        for e in panel.exons
        if e.gene == gene.symbol and build in e.spans
    )
    if not exons or [n for n, _, _ in exons] != list(range(1, len(exons) + 1)):
        return f"MANE exons of {gene.symbol} on {build} are incomplete"
    cds_start, cds_end, kinase_start, kinase_end = recorded
    where = f"{build} {gene.chrom}"
    c1 = _transcript_position(exons, gene.strand, cds_start)
    stop = _transcript_position(exons, gene.strand, cds_end)
    if c1 is None or stop is None:
        return f"CDS {where}:{cds_start}..{cds_end} does not start and end in MANE exons"
    coding = stop - c1 + 1
    if coding <= 3 or coding % 3:
        return f"CDS {where}:{cds_start}..{cds_end} is {coding} bases, not whole codons"
    first, last = domain.residues
    protein = coding // 3 - 1
    if not 1 <= first <= last <= protein:
        return f"residues {first}-{last} are not within the {protein}-residue MANE protein"
    k_first, k_last = c1 + 3 * first - 3, c1 + 3 * last - 1
    found = (
        _transcript_position(exons, gene.strand, kinase_start),
        _transcript_position(exons, gene.strand, kinase_end),
    )
    if found != (k_first, k_last):
        return (
            f"kinase_start/kinase_end {where}:{kinase_start}/{kinase_end} are not the codons of "
            f"residues {first} and {last} counted from c.1 at {where}:{cds_start}"
        )
    first_exon, last_exon = _exon_at(exons, k_first), _exon_at(exons, k_last)
    assert first_exon is not None and last_exon is not None  # both are inside the CDS
    return KinaseMapping(first_exon, last_exon, protein, (c1, stop, k_first, k_last))


def kinase_domain_problems(panel: Panel, domains: dict[str, KinaseDomain]) -> Iterator[str]:
    """Every recorded kinase domain must map to the exons its row names, on both builds."""
    for domain in domains.values():
        what = f"kinase_domains.tsv {domain.gene}"
        gene = panel.genes.get(domain.gene)
        if gene is None:
            yield f"{what}: gene is not in the panel"
            continue
        if domain.transcript != gene.ensembl_mane:
            yield f"{what}: transcript {domain.transcript} is not the MANE {gene.ensembl_mane}"
        if not 1 <= domain.first_exon <= domain.last_exon:
            yield f"{what}: exons {domain.first_exon}-{domain.last_exon} are not a range"
        if not domain.verified and domain.residues is None:
            continue  # an unverified row without numbers: its caveat says so
        mappings: dict[str, KinaseMapping] = {}
        for build in BUILDS:
            mapping = map_kinase_domain(panel, domain, build)
            if isinstance(mapping, str):
                yield f"{what}: {build}: {mapping}"
                continue
            mappings[build] = mapping
            if (mapping.first_exon, mapping.last_exon) != (domain.first_exon, domain.last_exon):
                first, last = domain.residues or (0, 0)
                yield (
                    f"{what}: UniProt {domain.uniprot} residues {first}-{last} lie in MANE "
                    f"exons {mapping.first_exon}-{mapping.last_exon} on {build}, the table "
                    f"says {domain.first_exon}-{domain.last_exon}"
                )
            if domain.verified and mapping.protein_length != domain.uniprot_length:
                yield (
                    f"{what}: the MANE CDS on {build} encodes {mapping.protein_length} residues, "
                    f"UniProt {domain.uniprot} has {domain.uniprot_length}: a verified row "
                    "needs the same protein (isoform mismatch?)"
                )
        if len(mappings) == len(BUILDS):
            positions = {m.transcript_positions for m in mappings.values()}
            if len(positions) > 1:
                yield f"{what}: GRCh38 and GRCh37 coordinates give different transcript positions"


def kinase_domain_summary(panel: Panel, domains: dict[str, KinaseDomain]) -> str:
    """One line: each kinase, its UniProt range and the exons recomputed on GRCh38."""
    parts = []
    for domain in domains.values():
        mapping = map_kinase_domain(panel, domain, "GRCh38")
        residues = "-".join(map(str, domain.residues)) if domain.residues else "?"
        if isinstance(mapping, KinaseMapping):
            exons = f"exons {mapping.first_exon}-{mapping.last_exon}"
        else:
            exons = f"exons {domain.first_exon}-{domain.last_exon} (not recomputed)"
        flag = "" if domain.verified else " UNVERIFIED"
        parts.append(f"{domain.gene} {domain.uniprot or '?'} {residues} -> {exons}{flag}")
    return "kinase domains: " + "; ".join(parts)
