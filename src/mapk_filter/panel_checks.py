"""Validation of the panel tables (``Panel.problems``): every rule a reviewed data change
must keep, as readable messages naming the gene, exon or hotspot row."""

from __future__ import annotations

from collections.abc import Iterator

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
