"""Small-variant reading through cyvcf2 on the named fixtures in tests/data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pysam
import pytest
from helpers import MUTECT2_HEADER, classified

from mapk_filter.errors import InputError
from mapk_filter.models import Status
from mapk_filter.readers.small import read_small_variants

DATA = Path(__file__).resolve().parent / "data"


def read(panel, name: str, build: str = "GRCh38", **kwargs):
    return read_small_variants(DATA / name, panel, build, **kwargs)


def only(scan):
    (variant_genes,) = scan.variants
    return variant_genes


@pytest.mark.parametrize("name", ["strelka2_snv_tumor_normal.vcf", "strelka2_snv_tumor_normal.bcf"])
def test_strelka2_snv_tier1_counts(panel, name):
    scan = read(panel, name)
    assert scan.facts.caller == "strelka2"
    assert (scan.tumor_sample, scan.normal_sample) == ("TUMOR", "NORMAL")
    variant, genes = only(scan)
    assert genes == ("KRAS",)
    assert (variant.tumor.alt_reads, variant.tumor.depth) == (30, 100)
    assert variant.tumor.vaf == pytest.approx(0.30)
    assert variant.normal is not None and variant.normal.alt_reads == 0


def test_strelka2_indel_uses_tir_and_tar(panel):
    variant, genes = only(read(panel, "strelka2_indel_tumor_normal.vcf"))
    assert genes == ("NF1",)
    assert (variant.tumor.alt_reads, variant.tumor.depth) == (18, 60)
    assert variant.tumor.vaf == pytest.approx(18 / 60)


def test_multiallelic_record_is_split_with_per_allele_evidence(panel):
    scan = read(panel, "mutect2_multiallelic.vcf")
    assert (scan.records_read, scan.alleles, scan.outside_panel) == (1, 2, 0)
    (d, _), (v, _) = scan.variants
    assert (d.tumor.alt_reads, d.tumor.vaf) == (20, 0.25)
    assert (v.tumor.alt_reads, v.tumor.vaf) == (10, 0.125)
    assert d.tumor.depth == v.tumor.depth == 80


def test_freebayes_ro_ao(panel):
    scan = read(panel, "freebayes_ro_ao.vcf")
    assert scan.facts.caller == "freebayes"
    variant, _ = only(scan)
    assert (variant.tumor.alt_reads, variant.tumor.depth) == (24, 64)
    assert variant.tumor.vaf == pytest.approx(24 / 64)


def test_two_samples_without_a_tumour_name_is_a_clear_error(panel):
    with pytest.raises(InputError, match=r"two_samples_no_tumor_name.vcf: 2 samples \(S1, S2\)"):
        read(panel, "two_samples_no_tumor_name.vcf")
    scan = read(panel, "two_samples_no_tumor_name.vcf", tumor_name="S2", normal_name="S1")
    assert (scan.tumor_sample, scan.normal_sample) == ("S2", "S1")


def test_unknown_tumour_name_names_the_file_and_samples(panel):
    with pytest.raises(InputError, match=r"tumour sample 'T9' \(sample sheet\) is not in the file"):
        read(panel, "strelka2_snv_tumor_normal.vcf", tumor_name="T9")


def test_grch37_without_chr_prefix(panel, rules):
    scan = read(panel, "mutect2_grch37_nochr.vcf", build="GRCh37")
    assert not scan.facts.uses_chr
    result = classified(scan, panel, rules)
    (finding,) = [f for f in result.findings if f.gene == "KRAS"]
    assert (finding.hgvs_p, finding.status, finding.rule_id) == (
        "p.Gly12Asp",
        Status.REVIEW,
        "B-R1",
    )


def test_declared_build_must_match_header(panel):
    with pytest.raises(
        InputError, match="declares GRCh38 but the header contig lengths are GRCh37"
    ):
        read(panel, "mutect2_grch37_nochr.vcf", build="GRCh38")


def test_index_limits_reading_to_panel_regions(panel, tmp_path):
    indexed = read(panel, "mutect2_indexed.vcf.gz")
    assert indexed.region_query and indexed.records_read == 1 and indexed.outside_panel == 0
    copy = tmp_path / "mutect2_unindexed.vcf.gz"
    shutil.copy(DATA / "mutect2_indexed.vcf.gz", copy)
    streamed = read_small_variants(copy, panel, "GRCh38")
    assert not streamed.region_query
    assert (streamed.records_read, streamed.outside_panel) == (3, 2)
    assert [v.genomic for v, _ in streamed.variants] == [v.genomic for v, _ in indexed.variants]


def test_truncated_gzip_is_a_clear_error(panel):
    with pytest.raises(InputError, match=r"truncated.vcf.gz"):
        read(panel, "truncated.vcf.gz")


def test_malformed_record_names_the_record(panel):
    with pytest.raises(InputError, match=r"malformed_record.vcf \(record 2\)"):
        read(panel, "malformed_record.vcf")


def test_missing_file(panel):
    with pytest.raises(InputError, match=r"nope\.vcf: file not found"):
        read(panel, "nope.vcf")


def test_caller_filter_demotes_a_hotspot_to_filtered_with_caveat(panel, rules, tmp_path):
    text = (DATA / "strelka2_snv_tumor_normal.vcf").read_text()
    lines = text.splitlines()
    lines[-1] = lines[-1].replace("\tPASS\t", "\tLowEVS\t")
    path = tmp_path / "strelka2_lowevs.vcf"
    path.write_text("\n".join(lines) + "\n")
    scan = read_small_variants(path, panel, "GRCh38")
    result = classified(scan, panel, rules)
    (finding,) = result.findings
    assert (finding.status, finding.reason, finding.would_be) == (
        Status.FILTERED,
        "filtered:caller_filter",
        Status.REVIEW,
    )
    assert finding.caveats == ("filtered by the caller (LowEVS)",)
    assert result.accounting.reconciles


def _one_record_vcf(
    tmp_path: Path,
    name: str,
    rows: list[tuple[int, str, str]],
    chrom="12",
    info: str = ".",
    csq_header: str = "",
) -> Path:
    lines = [
        *MUTECT2_HEADER,
        *([csq_header] if csq_header else []),
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR",
    ]
    for pos, ref, alt in rows:
        ad = ",".join(["60"] + ["30"] * len(alt.split(",")))
        lines.append(f"chr{chrom}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t{info}\tGT:AD:DP\t0/1:{ad}:90")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_padded_and_multiallelic_writings_of_a_hotspot_mnv_match_it(panel, rules, tmp_path):
    """KRAS G12F as a 2-base MNV, written with an extra shared base and inside a
    multi-allelic record, is still the G12F row of the hotspot table."""
    g12f = next(h for h in panel.hotspots if h.gene == "KRAS" and h.short == "G12F")
    locus = g12f.loci["GRCh38"]
    assert (len(locus.ref), len(locus.alt)) == (2, 2)
    padded = (locus.pos, locus.ref + "A", locus.alt + "A")
    multi = (locus.pos, locus.ref + "A", f"{locus.alt}A,{locus.ref}")  # MNV + a deletion
    for name, row in (("padded.vcf", padded), ("multiallelic.vcf", multi)):
        scan = read_small_variants(_one_record_vcf(tmp_path, name, [row]), panel, "GRCh38")
        result = classified(scan, panel, rules)
        mnv = result.findings[0]
        assert (mnv.hgvs_p, mnv.alteration_type, mnv.rule_id) == ("p.Gly12Phe", "mnv", "B-R1")


def test_duplicate_record_is_counted_once(panel, rules, tmp_path):
    g12d = next(h for h in panel.hotspots if h.gene == "KRAS" and h.short == "G12D")
    locus = g12d.loci["GRCh38"]
    row = (locus.pos, locus.ref, locus.alt)
    path = _one_record_vcf(tmp_path, "duplicate.vcf", [row, row])
    scan = read_small_variants(path, panel, "GRCh38")
    result = classified(scan, panel, rules)
    first, second = result.findings
    assert first.status == Status.REVIEW
    assert (second.status, second.reason, second.would_be) == (
        Status.FILTERED,
        "filtered:duplicate_record",
        None,
    )
    assert result.accounting.reconciles and result.accounting.in_panel == 2


def test_common_polymorphism_by_gnomad_is_benign(panel, rules, tmp_path):
    chrom, (start, _) = panel.genes["JAK2"].chrom, panel.genes["JAK2"].spans["GRCh38"]
    g = panel.genes["JAK2"]
    header = (
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
        'Ensembl VEP. Format: Allele|Consequence|SYMBOL|Feature|HGVSp|MANE_SELECT|gnomADe_AF">'
    )
    info = f"CSQ=T|missense_variant|JAK2|{g.ensembl_mane}|p.Leu100Phe|{g.refseq_mane}|0.2"
    path = _one_record_vcf(
        tmp_path, "gnomad.vcf", [(start + 100, "C", "T")], chrom=chrom, info=info, csq_header=header
    )
    result = classified(read_small_variants(path, panel, "GRCh38"), panel, rules)
    (finding,) = result.findings
    assert (finding.status, finding.reason) == (Status.BENIGN, "common_polymorphism")
    assert "0.2 >= 0.01" in finding.classification


def test_duplicate_keeps_the_cleanest_record(panel, rules, tmp_path):
    """A weak first call must not hide a clean exclusion call of the same allele."""
    g101v = next(h for h in panel.hotspots if h.gene == "BCL2" and h.short == "G101V")
    locus = g101v.loci["GRCh38"]
    path = _one_record_vcf(tmp_path, "dup.vcf", [(locus.pos, locus.ref, locus.alt)] * 2, chrom="18")
    lines = path.read_text().splitlines()
    lines[-2] = lines[-2].replace("\tPASS\t", "\tweak_evidence\t")
    path.write_text("\n".join(lines) + "\n")
    result = classified(read_small_variants(path, panel, "GRCh38"), panel, rules)
    weak, clean = result.findings
    assert (clean.status, clean.rule_id) == (Status.EXCLUSION, "B-X1")
    assert (weak.reason, weak.would_be) == ("filtered:duplicate_record", None)
    assert weak.caveats == ("the same allele as record 2, counted there",)


def test_unannotated_change_at_a_bcl2_exclusion_codon_is_never_silent(panel, rules, tmp_path):
    """c.312 of BCL2 (codon 104) can give p.Phe104Leu by a third-base change the hotspot
    table cannot list without the reference base: without annotation it must reach the
    board as a possible exclusion, and a base next to the codon must not."""
    from mapk_filter.decide import decide
    from mapk_filter.models import Decision
    from mapk_filter.sheets import Patient

    f104l = next(h for h in panel.hotspots if h.gene == "BCL2" and h.hgvs_c == "c.310T>C")
    locus = f104l.loci["GRCh38"]  # c.310; BCL2 is on the minus strand, so c.312 is pos - 2
    third, beyond = locus.pos - 2, locus.pos - 3
    path = _one_record_vcf(
        tmp_path, "bcl2_raw.vcf", [(beyond, "G", "C"), (third, "G", "C")], chrom="18"
    )
    result = classified(read_small_variants(path, panel, "GRCh38"), panel, rules)
    outside, at_codon = result.findings
    assert outside.status == Status.VUS
    assert (at_codon.status, at_codon.would_be, at_codon.rule_id) == (
        Status.FILTERED,
        Status.EXCLUSION,
        "B-X1",
    )
    assert at_codon.reason == "filtered:not_interpretable_at_exclusion_codon"
    patient = Patient("X1", 9, 11, "B-ALL", "relapse", 3.0, "no", 80)
    decision = decide(patient, (result,), rules)
    assert decision.decision == Decision.REVIEW
    assert any("exclusion finding with QC caveat" in r for r in decision.reasons)


def test_region_queries_return_a_record_reaching_across_two_regions_once(panel, tmp_path):
    """CSF1R ends 466 bp before PDGFRB starts: two panel regions. A deletion from the end of
    CSF1R into PDGFRB is returned by both tabix queries and must be read once."""
    csf1r_end = panel.genes["CSF1R"].spans["GRCh38"][1]
    pdgfrb_start = panel.genes["PDGFRB"].spans["GRCh38"][0]
    assert 0 < pdgfrb_start - csf1r_end < 1000
    length = pdgfrb_start - csf1r_end + 20
    ref = "A" * (length + 1)
    path = _one_record_vcf(tmp_path, "across.vcf", [(csf1r_end - 10, ref, "A")], chrom="5")
    pysam.tabix_index(str(path), preset="vcf", force=True)
    scan = read_small_variants(path.with_name("across.vcf.gz"), panel, "GRCh38")
    assert scan.region_query
    assert (scan.records_read, len(scan.variants)) == (1, 1)
    _, genes = scan.variants[0]
    assert set(genes) == {"CSF1R", "PDGFRB"}


def test_refseq_contigs_are_read_and_unknown_contig_names_are_an_error(panel, rules, tmp_path):
    """A file named by RefSeq accessions once read as all 'outside the panel' (BCL2 G101V
    lost, a false candidate); contig names nothing can place are an error, not 'no finding'."""
    from helpers import REPO, classified

    text = (REPO / "resources/example_batch/P06_strelka2.vcf").read_text()
    refseq = tmp_path / "refseq_contigs.vcf"
    refseq.write_text(text.replace("chr18", "NC_000018.10"))
    scan = read_small_variants(refseq, panel, "GRCh38")
    findings = classified(scan, panel, rules).findings
    assert [f.hgvs_p for f in findings if f.gene == "BCL2"] == ["p.Gly101Val"]
    unknown = tmp_path / "unknown_contig_names.vcf"
    unknown.write_text(text.replace("chr", "chromosome"))
    with pytest.raises(InputError, match=r"unknown_contig_names.vcf: none of the \d+ record"):
        read_small_variants(unknown, panel, "GRCh38")


def test_sheet_tumour_name_contradicting_the_header_is_an_error_naming_both(panel):
    """##tumor_sample once silently overrode the sheet's tumor_name (a surviving mutant)."""
    from helpers import REPO

    path = REPO / "resources/example_batch/P10_mutect2.vcf"  # ##tumor_sample=TUMOR_1
    with pytest.raises(
        InputError,
        match=r"tumour sample conflict: the sample sheet names 'NORMAL_1' but the header's "
        r"##tumor_sample is 'TUMOR_1'",
    ):
        read_small_variants(path, panel, "GRCh38", tumor_name="NORMAL_1", normal_name="TUMOR_1")
    agreed = read_small_variants(path, panel, "GRCh38", tumor_name="TUMOR_1")
    assert (agreed.tumor_sample, agreed.normal_sample) == ("TUMOR_1", "NORMAL_1")


def test_both_edges_of_the_bcl2_exclusion_codons_are_possible_exclusions(panel, rules, tmp_path):
    """The first base of codon 101 (c.301) and the last of codon 104 (c.312) are inside the
    exclusion codons; c.300 and c.313 are not. BCL2 is on the minus strand: c.301 is one
    base above G101V's c.302. REF bases are placeholders (no reference is read)."""
    g101v = next(h for h in panel.hotspots if h.gene == "BCL2" and h.hgvs_c == "c.302G>T")
    f104l = next(h for h in panel.hotspots if h.gene == "BCL2" and h.hgvs_c == "c.310T>C")
    c301, c300 = g101v.loci["GRCh38"].pos + 1, g101v.loci["GRCh38"].pos + 2
    c312, c313 = f104l.loci["GRCh38"].pos - 2, f104l.loci["GRCh38"].pos - 3
    records = [(p, "G", "C") for p in sorted((c313, c312, c301, c300))]
    path = _one_record_vcf(tmp_path, "bcl2_edges.vcf", records, chrom="18")
    result = classified(read_small_variants(path, panel, "GRCh38"), panel, rules)
    by_pos = {int(f.genomic.split(":")[1][:-3]): f for f in result.findings}
    assert {p: (f.status, f.would_be) for p, f in by_pos.items()} == {
        c313: (Status.VUS, None),
        c312: (Status.FILTERED, Status.EXCLUSION),
        c301: (Status.FILTERED, Status.EXCLUSION),
        c300: (Status.VUS, None),
    }
