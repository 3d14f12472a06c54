"""Panel record -> Finding: which rule matched, the status, the reason code and QC caveats.

Knows the panel and the trial rules, never the patient: the same record always gets the
same finding, whoever it belongs to.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from ..alleles import trim_alleles
from ..annotate import TRUNCATING, pick_annotation
from ..context import Context, Source
from ..models import (
    VAF_DIGITS,
    FileAccounting,
    Finding,
    Kind,
    SampleResult,
    SmallVariant,
    Status,
    TranscriptAnnotation,
)
from ..panel import Hotspot, normalise_chrom
from ..readers.small import SmallVariantScan
from ..rules import VariantRule
from ..targets import codon_span, first_number
from .qc import Problem, caller_filter, demote

SYNONYMOUS = frozenset({"synonymous_variant", "stop_retained_variant"})


def alteration_type(ref: str, alt: str) -> str:
    if len(ref) == len(alt) == 1:
        return "snv"
    if len(ref) == len(alt):
        return "mnv"
    return "indel"


@dataclass(frozen=True)
class _Match:
    status: Status
    reason: str
    classification: str
    rule_id: str | None = None
    routes: tuple[str, ...] = ()
    caveat: tuple[str, str] | None = None  # (reason code, words): demotes to filtered


class Classifier:
    """Classifies the small-variant records of one genome build."""

    def __init__(self, ctx: Context) -> None:
        panel, rules, build = ctx.panel, ctx.rules, ctx.build
        self.panel = panel
        self.rules = rules
        self.filters = ctx.filters
        self.pass_filters = ctx.pass_filters
        self.build = build
        # Codons of exclusion alleles (BCL2 G101, F104): any unannotated change there is a
        # possible resistance allele that raw coordinates cannot rule out.
        self.exclusion_codons: list[tuple[str, int, int, str, str]] = []
        for rule in rules.exclusions:
            for h in panel.hotspots:
                if h.gene in rule.genes and h.category in rule.categories:
                    span = codon_span(h, panel.genes[h.gene].strand, build)
                    if span and (*span, h.hgvs_p, rule.id) not in self.exclusion_codons:
                        self.exclusion_codons.append((*span, h.hgvs_p, rule.id))
        # MANE exons of this build per gene: (number, start, end), for exon-based rules.
        self.exons: dict[str, list[tuple[int, int, int]]] = {}
        for exon in panel.exons:
            if build in exon.spans:
                start, end = exon.spans[build]
                self.exons.setdefault(exon.gene, []).append((exon.number, start, end))

    def exon_at(self, gene: str, pos: int, end: int, pad: int = 0) -> int | None:
        """MANE exon number overlapping pos..end (``pad`` bases beyond each exon count)."""
        for number, start, stop in self.exons.get(gene, ()):
            if pos <= stop + pad and end >= start - pad:
                return number
        return None

    def _symbolic_itd(
        self, variant: SmallVariant, genes: tuple[str, ...]
    ) -> tuple[str, VariantRule, int] | None:
        """A symbolic duplication/insertion where an ITD rule looks: never a silent drop."""
        if variant.alt not in ("<DUP>", "<DUP:TANDEM>", "<INS>"):
            return None
        for rule in self.rules.review:
            if rule.match != "inframe_insertion_in_exons":
                continue
            for gene in genes:
                exon = self.exon_at(gene, variant.pos, variant.last, pad=1)
                if gene in rule.genes and exon in rule.exons:
                    return gene, rule, exon
        return None

    def _region_match(
        self, gene: str, pos: int, ref: str, alt: str, annotation: TranscriptAnnotation | None
    ) -> _Match | None:
        """Rules beyond exact alleles: RAS codons, FLT3 ITD/TKD, CBL and PTPN11 exons."""
        consequences = set(annotation.consequences) if annotation else set()
        end = pos + max(len(ref) - 1, 0)
        for rule in self.rules.review:
            if gene not in rule.genes:
                continue
            what = ""
            if rule.match == "inframe_insertion_in_exons":
                inserted = len(alt) - len(ref)
                exon = self.exon_at(gene, pos, end)
                if inserted > 0 and inserted % 3 == 0 and exon in rule.exons:
                    what = f"in-frame insertion of {inserted} bp in exon {exon}"
            elif annotation is None or not consequences & rule.consequences:
                continue
            elif rule.match == "codon":
                codon = first_number(annotation.hgvs_p)
                if codon in rule.codons or annotation.hgvs_p in rule.protein_changes:
                    what = f"{annotation.hgvs_p} at codon {codon}"
            elif rule.match == "exon":
                exon = self.exon_at(gene, pos, end, pad=2)
                if exon in rule.exons:
                    change = annotation.hgvs_p or annotation.hgvs_c
                    what = f"{change} ({'&'.join(annotation.consequences)}) in exon {exon}"
            if what:
                return _Match(
                    Status.REVIEW,
                    rule.match,
                    f"{gene} {what}: {rule.name}",
                    rule.id,
                    self._routes(gene, rule.match),
                )
        return None

    def _variant_rule(
        self, rules: tuple[VariantRule, ...], gene: str, kind: str, hotspot: Hotspot | None
    ) -> VariantRule | None:
        """The first rule for this gene and kind; hotspot rules also check the category."""
        for rule in rules:
            if gene not in rule.genes or rule.match != kind:
                continue
            if kind == "hotspot" and hotspot is not None:
                if hotspot.category not in rule.categories:
                    continue
                if rule.protein_changes and hotspot.hgvs_p not in rule.protein_changes:
                    continue
            return rule
        return None

    def _routes(self, gene: str, kind: str) -> tuple[str, ...]:
        return tuple(
            r.subprotocol for r in self.rules.routing if gene in r.genes and kind in r.match
        )

    def _match(self, variant: SmallVariant, gene: str) -> tuple[_Match, dict[str, str]]:
        chrom = normalise_chrom(variant.chrom)
        pos, ref, alt = trim_alleles(variant.pos, variant.ref, variant.alt)
        panel_gene = self.panel.genes[gene]
        candidates = [a for a in variant.annotations if a.gene in ("", gene)]
        annotation = (
            pick_annotation(candidates, (panel_gene.refseq_mane, panel_gene.ensembl_mane))
            if candidates
            else None  # what pick_annotation gives for none, without its transcript set
        )
        hgvs = {
            "transcript": annotation.transcript if annotation else panel_gene.refseq_mane,
            "hgvs_c": annotation.hgvs_c if annotation else "",
            "hgvs_p": annotation.hgvs_p if annotation else "",
            "consequence": "&".join(annotation.consequences) if annotation else "",
        }
        consequences = set(annotation.consequences) if annotation else set()
        hotspot = self.panel.hotspot_for(self.build, chrom, pos, ref, alt)
        if hotspot is None and annotation and annotation.hgvs_p and not consequences & SYNONYMOUS:
            hotspot = self.panel.hotspot_by_protein(gene, annotation.hgvs_p)
        if hotspot is not None:
            hgvs["hgvs_p"] = hgvs["hgvs_p"] or hotspot.hgvs_p
            hgvs["hgvs_c"] = hgvs["hgvs_c"] or hotspot.hgvs_c
            hgvs["transcript"] = hotspot.transcript if not annotation else hgvs["transcript"]
            return self._hotspot_match(gene, hotspot), hgvs
        if annotation is None:
            last = pos + max(len(ref) - 1, 0)
            hits = [
                (p, rule_id)
                for c, lo, hi, p, rule_id in self.exclusion_codons
                if c == chrom and lo <= last and pos <= hi
            ]
            if hits:
                changes = ", ".join(sorted({p for p, _ in hits}))
                return _Match(
                    Status.EXCLUSION,
                    "exclusion_codon",
                    f"{gene}: change at the codon of {changes} (exclusion); not a listed "
                    "allele, and without annotation it cannot be ruled out that it is one",
                    hits[0][1],
                    caveat=(
                        "not_interpretable_at_exclusion_codon",
                        f"unannotated change at an exclusion codon ({changes})",
                    ),
                ), hgvs
        region = (
            None
            if consequences & SYNONYMOUS
            else self._region_match(gene, pos, ref, alt, annotation)
        )
        if region is not None:
            return region, hgvs
        if annotation is None:
            return _Match(
                Status.VUS,
                "not_interpretable_without_annotation",
                f"{gene}: no consequence annotation on the panel transcript and not a known "
                "hotspot allele; could not be interpreted",
            ), hgvs
        if consequences & SYNONYMOUS:
            codon = first_number(annotation.hgvs_p)
            at_hotspot = codon is not None and codon in self.panel.hotspot_codons(gene)
            return _Match(
                Status.BENIGN,
                "synonymous_at_hotspot_codon" if at_hotspot else "synonymous",
                f"{gene} {annotation.hgvs_p or 'synonymous'}: synonymous"
                + (" change at a hotspot codon, not a hotspot" if at_hotspot else " change"),
            ), hgvs
        if consequences & TRUNCATING:
            rule = self._variant_rule(self.rules.review, gene, "truncating", None)
            routes = self._routes(gene, "truncating")
            if rule is not None:
                return _Match(
                    Status.REVIEW,
                    "truncating",
                    f"{gene} {annotation.hgvs_p or annotation.hgvs_c}: truncating "
                    f"({', '.join(sorted(consequences & TRUNCATING))}), loss of function",
                    rule.id,
                    routes,
                ), hgvs
        if (
            annotation.gnomad_af is not None
            and annotation.gnomad_af >= self.filters.benign_population_af
        ):
            return _Match(
                Status.BENIGN,
                "common_polymorphism",
                f"{gene}: population allele frequency {annotation.gnomad_af:g} "
                f">= {self.filters.benign_population_af:g}",
            ), hgvs
        return _Match(
            Status.VUS,
            "no_rule_matched",
            f"{gene} {annotation.hgvs_p or annotation.hgvs_c or ''}".strip()
            + f" ({hgvs['consequence'] or 'no consequence'}): no trial rule matches",
        ), hgvs

    def _hotspot_match(self, gene: str, hotspot: Hotspot) -> _Match:
        label = f"{gene} {hotspot.hgvs_p} ({hotspot.short})"
        exclusion = self._variant_rule(self.rules.exclusions, gene, "hotspot", hotspot)
        if exclusion is not None:
            return _Match(
                Status.EXCLUSION,
                "venetoclax_resistance",
                f"{label}: {exclusion.name}",
                exclusion.id,
            )
        # A recurrent nonsense allele is loss of function: it meets the truncating rules.
        kind = "truncating" if hotspot.category == "loss_of_function" else "hotspot"
        routes = self._routes(gene, kind) if hotspot.category != "other" else ()
        review = self._variant_rule(self.rules.review, gene, kind, hotspot)
        if review is not None:
            return _Match(
                Status.REVIEW,
                "truncating" if kind == "truncating" else "hotspot",
                f"{label}: {review.name}",
                review.id,
                routes,
            )
        if routes:
            return _Match(
                Status.VUS,
                "other_subprotocol_hotspot",
                f"{label}: {hotspot.category} hotspot, not a sub-protocol B alteration; "
                f"entry criterion of sub-protocol {', '.join(routes)}",
                None,
                routes,
            )
        return _Match(
            Status.VUS,
            "hotspot_without_rule",
            f"{label}: recurrent hotspot ({hotspot.category}) that no trial rule lists",
        )

    def caveats(self, variant: SmallVariant) -> list[Problem]:
        """QC problems as (reason code, words), most decisive first: values in the file
        that cannot be evidence come first, since every other check reads them."""
        f = self.filters
        found: list[Problem] = []
        invalid = [variant.tumor.invalid] if variant.tumor.invalid else []
        if variant.normal is not None and variant.normal.invalid:
            invalid.append(f"matched normal: {variant.normal.invalid}")
        if invalid:
            found.append(("invalid_evidence", f"invalid evidence: {'; '.join(invalid)}"))
        filtered = caller_filter(variant.filters, self.pass_filters)
        if filtered:
            found.append(filtered)
        normal = variant.normal
        if (
            normal is not None
            and normal.vaf is not None
            and normal.vaf >= f.germline_min_normal_vaf
            and (normal.alt_reads or 0) >= f.germline_min_normal_alt_reads
        ):
            found.append(
                (
                    "possible_germline",
                    "possibly germline: present in the matched normal "
                    f"(VAF {normal.vaf:.{VAF_DIGITS}f}, {normal.alt_reads} reads)",
                )
            )
        t = variant.tumor
        if t.depth is None:
            found.append(("no_depth", "the file gives no read depth for the tumour"))
        elif t.depth < f.min_depth:
            found.append(("low_depth", f"low depth ({t.depth} < {f.min_depth})"))
        if t.alt_reads is not None and t.alt_reads < f.min_alt_reads:
            found.append(("low_alt_reads", f"few alt reads ({t.alt_reads} < {f.min_alt_reads})"))
        if t.vaf is not None and t.vaf < f.min_vaf:
            found.append(("low_vaf", f"low VAF ({t.vaf:.3f} < {f.min_vaf})"))
        return found

    def classify(
        self, variant: SmallVariant, genes: tuple[str, ...], sample_id: str, source_file: str
    ) -> Finding:
        if variant.alt in ("*", "<NON_REF>") or variant.alt.startswith("<"):
            symbolic = Finding(
                sample_id=sample_id,
                source_file=source_file,
                gene=genes[0],
                alteration_type="symbolic",
                genomic=variant.genomic,
                status=Status.FILTERED,
                reason="filtered:symbolic_allele",
                classification=f"{genes[0]}: symbolic or spanning allele {variant.alt}, "
                "not a small variant",
                filters=variant.filters,
                record_number=variant.record_number,
            )
            itd = self._symbolic_itd(variant, genes)
            if itd is None:
                return symbolic
            gene, rule, exon = itd  # where an ITD rule looks: never a silent drop
            return replace(
                symbolic,
                gene=gene,
                classification=f"{gene} {variant.alt} in exon {exon}: possible {rule.name}",
                rule_id=rule.id,
                would_be=Status.REVIEW,
                caveats=(f"symbolic {variant.alt}: length and frame not given",),
            )
        annotated_genes = [a.gene for a in variant.annotations if a.gene in genes]
        gene = annotated_genes[0] if annotated_genes else genes[0]
        match, hgvs = self._match(variant, gene)
        problems = ([match.caveat] if match.caveat else []) + self.caveats(variant)
        status, reason, would_be, caveats = demote(match.status, match.reason, problems)
        _, ref, alt = trim_alleles(variant.pos, variant.ref, variant.alt)
        return Finding(
            sample_id=sample_id,
            source_file=source_file,
            gene=gene,
            alteration_type=alteration_type(ref, alt),
            genomic=variant.genomic,
            status=status,
            reason=reason,
            classification=match.classification,
            rule_id=match.rule_id,
            would_be=would_be,
            caveats=caveats,
            vaf=variant.tumor.vaf,
            depth=variant.tumor.depth,
            alt_reads=variant.tumor.alt_reads,
            normal_vaf=None if variant.normal is None else variant.normal.vaf,
            filters=variant.filters,
            record_number=variant.record_number,
            routes=match.routes,
            transcript=hgvs["transcript"],
            hgvs_c=hgvs["hgvs_c"],
            hgvs_p=hgvs["hgvs_p"],
            consequence=hgvs["consequence"],
        )


def interpret(scan: SmallVariantScan, source: Source, ctx: Context) -> SampleResult:
    """Every allele of the scan -> a finding; the same allele written twice counts once."""
    sample_id, patient_id = source.sample_id, source.patient_id
    classifier = Classifier(replace(ctx, build=scan.build))
    classified = [
        classifier.classify(variant, genes, sample_id, str(scan.path))
        for variant, genes in scan.variants
    ]
    # The same allele written twice counts once: the record with the fewest QC problems
    # carries the finding (a PASS call is not hidden behind a weak duplicate of it).
    groups: dict[tuple[str, int, str, str], list[int]] = {}
    for i, (variant, _) in enumerate(scan.variants):
        key = (normalise_chrom(variant.chrom), *trim_alleles(variant.pos, variant.ref, variant.alt))
        groups.setdefault(key, []).append(i)
    for indices in groups.values():
        if len({scan.variants[i][0].record_number for i in indices}) < 2:
            continue
        best = min(
            indices,
            key=lambda i: (classified[i].status == Status.FILTERED, len(classified[i].caveats)),
        )
        for i in indices:
            if i != best:
                classified[i] = replace(
                    classified[i],
                    status=Status.FILTERED,
                    reason="filtered:duplicate_record",
                    would_be=None,
                    caveats=(
                        f"the same allele as record {classified[best].record_number}, "
                        "counted there",
                    ),
                )
    findings = tuple(classified)
    counts = Counter(f.accounting_key for f in findings)
    notes = list(scan.notes)
    if not scan.annotation_sources:
        notes.append(
            "no consequence annotation (CSQ/ANN/BCSQ) and no reference configured: known "
            "hotspot alleles were matched by coordinate; other variants could not be interpreted"
        )
    return SampleResult(
        sample_id=sample_id,
        patient_id=patient_id,
        path=str(scan.path),
        kind=Kind.SMALL_VARIANTS,
        genome_build=scan.build,
        build_evidence=scan.build_evidence,
        sha256=source.sha256,
        findings=findings,
        accounting=FileAccounting(
            sample_id=sample_id,
            path=str(scan.path),
            kind=Kind.SMALL_VARIANTS,
            records_read=scan.records_read,
            alleles=scan.alleles,
            outside_panel=scan.outside_panel,
            by_status=dict(sorted(counts.items())),
            region_query=scan.region_query,
        ),
        notes=tuple(notes),
        caller=scan.facts.caller,
        tumor_sample=scan.tumor_sample,
        normal_sample=scan.normal_sample,
        annotation_sources=scan.annotation_sources,
    )
