"""An unverified genome build cannot make a candidate (SPEC §3).

Fixtures in tests/data/build/ (made by scripts/make_build_fixtures.py) hold one GRCh37
patient: BCL2 p.Gly101Val at its GRCh37 coordinate plus three records outside the panel.
Read as GRCh38, the exclusion is looked up at the wrong place and silently lost; so the
build is inferred from what the file shows (REF bases against a configured FASTA, header
contig lengths, the ##reference line), and when nothing shows it the patient is `review`.

Reference FASTAs are built at test time: chromosome 18 at its full GRCh37 (or GRCh38)
length, N everywhere except the fixture's sequence windows, bgzipped and faidx-indexed, so
that the FASTA's own contig length names its build.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pysam
import pytest
from helpers import classify_from_sheet

from mapk_filter.decide import decide
from mapk_filter.errors import InputError
from mapk_filter.models import Decision, SampleResult, Status
from mapk_filter.readers.build import (
    MIN_REF_BASES,
    build_from_reference_lines,
    builds_named,
    check_build,
    compare_ref_bases,
    contig_lengths,
    fasta_build,
)
from mapk_filter.readers.small import read_small_variants
from mapk_filter.readers.vcf_header import parse_header
from mapk_filter.settings import Reference
from mapk_filter.sheets import Patient

BUILD_DATA = Path(__file__).resolve().parent / "data" / "build"
NO_CONTIGS = BUILD_DATA / "mutect2_grch37_no_contigs_bcl2_g101v.vcf"
HG19_LINE = BUILD_DATA / "mutect2_grch37_reference_hg19_bcl2_g101v.vcf"
CONFLICT = BUILD_DATA / "mutect2_grch37_contigs_reference_hg38_conflict.vcf"
WINDOWS = BUILD_DATA / "grch37_chr18_bcl2_windows.fa"
CALLERS = Path(__file__).resolve().parent / "data" / "callers"
COMPLEMENT = str.maketrans("ACGT", "TGCA")
# IC50 2 nM: a listed finding (B-L4); every clinical criterion met.
PATIENT = Patient("X1", 9, 11, "B-ALL", "relapse", 2.0, "no", 80)
UNVERIFIED = "genome build not verified: the BCL2 exclusion could not be checked reliably"


def _windows() -> list[tuple[str, int, int, str]]:
    out: list[tuple[str, int, int, str]] = []
    for block in WINDOWS.read_text().split(">")[1:]:
        name, *lines = block.splitlines()
        chrom, span = name.split(":")
        first, last = (int(x) for x in span.split("-"))
        out.append((chrom, first, last, "".join(lines)))
    return out


def _full_length_fasta(folder: Path, build: str, contig: str = "18", complement=False) -> Path:
    """chr18 at the build's real length: N, except the fixture windows (complemented: a
    reference that disagrees with the file at every window base)."""
    bases = bytearray(b"N") * contig_lengths()[build]["18"]
    for _, first, last, seq in _windows():
        bases[first - 1 : last] = (seq.translate(COMPLEMENT) if complement else seq).encode()
    plain = folder / f"{build.lower()}_{contig}{'_complement' if complement else ''}.fa"
    with plain.open("wb") as out:
        out.write(f">{contig}\n".encode())
        out.write(bases)
        out.write(b"\n")
    packed = plain.with_name(plain.name + ".gz")
    pysam.tabix_compress(str(plain), str(packed), force=True)
    plain.unlink()
    pysam.faidx(str(packed))
    return packed


@pytest.fixture(scope="module")
def grch37_fasta(tmp_path_factory) -> Path:
    return _full_length_fasta(tmp_path_factory.mktemp("fasta37"), "GRCh37")


@pytest.fixture(scope="module")
def grch38_fasta_disagreeing(tmp_path_factory) -> Path:
    return _full_length_fasta(tmp_path_factory.mktemp("fasta38"), "GRCh38", complement=True)


def _g101v(panel):
    (hotspot,) = [h for h in panel.hotspots if h.gene == "BCL2" and h.short == "G101V"]
    return hotspot.loci["GRCh37"]


def _bcl2(scan) -> list:
    return [v for v, genes in scan.variants if "BCL2" in genes]


def _records(path: Path) -> list[tuple[int, str, int, str]]:
    from cyvcf2 import VCF

    vcf = VCF(str(path))
    rows = [(i, r.CHROM, r.POS, r.REF) for i, r in enumerate(vcf, start=1)]
    vcf.close()
    return rows


# --- names of builds in ##reference / ##assembly lines ------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("file:///ref/GRCh38_full_analysis_set_plus_decoy_hla.fa", {"GRCh38"}),
        ("file:///ref/Homo_sapiens_assembly38.fasta", {"GRCh38"}),
        ("GCA_000001405.15_GRCh38_no_alt_analysis_set.fna", {"GRCh38"}),
        ("GCA_000001405.15", {"GRCh38"}),
        ("GCA_000001405.29", {"GRCh38"}),  # GRCh38.p14
        ("/genomes/hs38DH.fa", {"GRCh38"}),
        ("/genomes/b38/genome.fa", {"GRCh38"}),
        ("file:///ref/hg38.fa", {"GRCh38"}),
        ("file:///ref/hs37d5.fa.gz", {"GRCh37"}),
        ("/broad/human_g1k_v37.fasta", {"GRCh37"}),
        ("Homo_sapiens_assembly19.fasta", {"GRCh37"}),
        ("ucsc.hg19.fasta", {"GRCh37"}),
        ("GRCh37.p13", {"GRCh37"}),
        ("b37", {"GRCh37"}),
        ("GCA_000001405.1", {"GRCh37"}),  # not a prefix of .15
        ("GCA_000001405.14", {"GRCh37"}),  # GRCh37.p13
        ("file:///ref/genome.fa", set()),
        ("file:///ref/hg190.fa", set()),  # whole tokens only
        ("file:///ref/hg18.fa", set()),
        ("GCA_000001405.150", set()),
        ("T2T-CHM13v2.0.fa", set()),
        ("file:///liftover/hg19_to_hg38.fa", {"GRCh37", "GRCh38"}),  # ambiguous
    ],
)
def test_build_names_are_recognised_as_whole_tokens(value, expected):
    assert builds_named(value) == expected


def _facts(*lines: str):
    text = "##fileformat=VCFv4.2\n" + "".join(f"{line}\n" for line in lines)
    return parse_header(text + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n", [])


def test_reference_and_assembly_lines(tmp_path):
    path = tmp_path / "x.vcf"
    found = build_from_reference_lines(path, _facts("##assembly=b37"))
    assert found is not None and (found.evidence, found.build) == ("reference_line", "GRCh37")
    assert build_from_reference_lines(path, _facts("##reference=file:///ref/genome.fa")) is None
    assert build_from_reference_lines(path, _facts("##reference=hg19_to_hg38.fa")) is None
    with pytest.raises(InputError, match=r"##reference=hg19\.fa names GRCh37 but ##assembly=b38"):
        build_from_reference_lines(path, _facts("##reference=hg19.fa", "##assembly=b38"))


# --- what the file shows, read with read_small_variants -----------------------------------


def test_no_contigs_no_sheet_build_is_the_default_and_unverified(panel):
    scan = read_small_variants(NO_CONTIGS, panel, "GRCh38", build_from_header=True)
    assert (scan.build, scan.build_evidence) == ("GRCh38", "default")
    assert scan.notes[0] == (
        "genome build GRCh38 assumed, the configured default; the file has no contig "
        "lengths, no recognised ##reference, and no reference FASTA was configured"
    )
    assert _bcl2(scan) == []  # the hazard: G101V looked up at the wrong coordinate


def test_no_contigs_with_sheet_build_is_the_sheet(panel):
    scan = read_small_variants(NO_CONTIGS, panel, "GRCh37")
    assert (scan.build, scan.build_evidence) == ("GRCh37", "sheet")
    assert scan.notes[0].startswith("genome build GRCh37 declared in the sample sheet, not checked")
    locus = _g101v(panel)
    assert [(v.pos, v.ref, v.alt) for v in _bcl2(scan)] == [(locus.pos, locus.ref, locus.alt)]


def test_reference_line_names_the_build(panel):
    scan = read_small_variants(HG19_LINE, panel, "GRCh38", build_from_header=True)
    assert (scan.build, scan.build_evidence) == ("GRCh37", "reference_line")
    assert scan.notes[0] == (
        "genome build GRCh37 taken from the ##reference line (file:///ref/hg19.fa)"
    )
    assert [v.pos for v in _bcl2(scan)] == [_g101v(panel).pos]
    assert read_small_variants(HG19_LINE, panel, "GRCh37").build_evidence == "reference_line"
    with pytest.raises(
        InputError,
        match=r"declares GRCh38 but the ##reference line \(file:///ref/hg19.fa\) names GRCh37",
    ):
        read_small_variants(HG19_LINE, panel, "GRCh38")


def test_contig_lengths_are_stronger_than_the_sheet(panel):
    path = CALLERS / "mutect2_grch37_nochr_raw.vcf"
    for build_from_header in (True, False):
        scan = read_small_variants(path, panel, "GRCh37", build_from_header=build_from_header)
        assert (scan.build, scan.build_evidence) == ("GRCh37", "contigs")
    scan = read_small_variants(path, panel, "GRCh37")
    assert (
        scan.notes[0] == "genome build GRCh37 (sample sheet) confirmed by the header contig lengths"
    )


def test_contigs_and_reference_line_that_disagree_are_an_error(panel):
    both = (
        r"genome build evidence disagrees: the header contig lengths are GRCh37 but the "
        r"##reference line \(file:///ref/hg38.fa\) names GRCh38"
    )
    for build, from_header in (("GRCh38", True), ("GRCh37", False), ("GRCh38", False)):
        with pytest.raises(InputError, match=both):
            read_small_variants(CONFLICT, panel, build, build_from_header=from_header)
    # The check shared with the structural-variant and copy-number readers says the same.
    with pytest.raises(InputError, match=both):
        check_build(CONFLICT, parse_header(CONFLICT.read_text(), ["TUMOR_S"]), "GRCh37")


# --- the configured reference FASTA --------------------------------------------------------


def test_fasta_build_comes_from_its_contig_lengths(
    grch37_fasta, grch38_fasta_disagreeing, tmp_path
):
    assert fasta_build(grch37_fasta) == "GRCh37"
    assert fasta_build(grch38_fasta_disagreeing) == "GRCh38"
    tiny = tmp_path / "windows.fa"
    tiny.write_bytes(WINDOWS.read_bytes())
    pysam.faidx(str(tiny))
    assert fasta_build(tiny) is None  # 151-base contigs name no build


def test_ref_bases_match_with_and_without_chr(grch37_fasta):
    for path in (NO_CONTIGS, HG19_LINE):  # "18" and "chr18" against a FASTA naming "18"
        check = compare_ref_bases(path, _records(path), grch37_fasta)
        assert (check.fasta_build, check.records, check.bases) == ("GRCh37", 4, 27)
        assert check.source is not None and check.source.build == "GRCh37"


def _tiny_pair(tmp_path: Path, fasta_contig: str, vcf_contig: str, refs: list[tuple[int, str]]):
    seq = "".join("ACGT"[(i * 7 + i // 3) % 4] for i in range(200))
    fasta = tmp_path / "tiny.fa"
    fasta.write_text(f">{fasta_contig}\n{seq[:100]}\n{seq[100:]}\n")
    pysam.faidx(str(fasta))
    vcf = tmp_path / "tiny.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        + "".join(f"{vcf_contig}\t{pos}\t.\t{ref}\tN\t.\tPASS\t.\n" for pos, ref in refs)
    )
    return seq, fasta, vcf


def test_ref_base_comparison_on_a_constructed_reference(tmp_path):
    seq = "".join("ACGT"[(i * 7 + i // 3) % 4] for i in range(200))
    rows = [(10, seq[9:14]), (50, seq[49]), (120, seq[119:121]), (150, "N")]
    _, fasta, vcf = _tiny_pair(tmp_path, "chr1", "1", rows)
    check = compare_ref_bases(vcf, _records(vcf), fasta)
    assert (check.fasta_build, check.records, check.bases) == (None, 4, 8)
    assert check.source is None  # no build named, and fewer than MIN_REF_BASES anyway
    assert "identify no build" in check.shortfall
    wrong = "A" if seq[49] != "A" else "C"
    _, fasta, vcf = _tiny_pair(tmp_path, "1", "chr1", [(10, seq[9:14]), (50, wrong)])
    with pytest.raises(InputError) as error:
        compare_ref_bases(vcf, _records(vcf), fasta)
    message = str(error.value)
    assert message.startswith(f"{vcf} (record 2): REF {wrong} at chr1:50, but the reference FASTA")
    assert f"has {seq[49]} there" in message and "not identified by its contig lengths" in message
    _, fasta, vcf = _tiny_pair(tmp_path, "1", "1", [(250, "A")])
    with pytest.raises(InputError, match=r"has nothing \(past the end of 1, length 200\) there"):
        compare_ref_bases(vcf, _records(vcf), fasta)
    _, fasta, vcf = _tiny_pair(tmp_path, "2", "1", [(10, seq[9:14])])
    check = compare_ref_bases(vcf, _records(vcf), fasta)
    assert (check.records, check.not_in_fasta) == (0, 1)


def test_fasta_ref_bases_verify_the_build(panel, grch37_fasta, tmp_path):
    scan = read_small_variants(
        NO_CONTIGS,
        panel,
        "GRCh38",
        reference=Reference(fasta=grch37_fasta),
        workdir=tmp_path,
        build_from_header=True,
    )
    assert (scan.build, scan.build_evidence) == ("GRCh37", "fasta_ref_bases")
    assert scan.notes[0] == (
        "genome build GRCh37 taken from the REF bases of 4 record(s) (27 bases), which match "
        f"the reference FASTA {grch37_fasta.name} (GRCh37 by its contig lengths)"
    )
    assert [v.pos for v in _bcl2(scan)] == [_g101v(panel).pos]
    with pytest.raises(InputError, match="the sample sheet declares GRCh38 but the REF bases"):
        read_small_variants(
            NO_CONTIGS, panel, "GRCh38", reference=Reference(fasta=grch37_fasta), workdir=tmp_path
        )


def test_ref_bases_that_disagree_with_the_fasta_are_an_error(
    panel, grch38_fasta_disagreeing, tmp_path
):
    locus = _g101v(panel)
    with pytest.raises(InputError) as error:
        read_small_variants(
            NO_CONTIGS,
            panel,
            "GRCh38",
            reference=Reference(fasta=grch38_fasta_disagreeing),
            workdir=tmp_path,
            build_from_header=True,
        )
    message = str(error.value)
    expected_base = locus.ref.translate(COMPLEMENT)
    assert message.startswith(f"{NO_CONTIGS} (record 1): REF {locus.ref} at 18:{locus.pos}")
    assert f"has {expected_base} there" in message and "GRCh38 by its contig lengths" in message


def test_a_fasta_of_another_build_contradicts_the_header_even_without_enough_bases(
    panel, grch37_fasta, tmp_path
):
    """A GRCh38 file (contigs) whose records are not on the FASTA: the configured GRCh37
    reference cannot be right for it."""
    path = CALLERS / "mutect2_grch38_nochr_raw.vcf"
    with pytest.raises(
        InputError,
        match="the header contig lengths are GRCh38 but the configured reference FASTA "
        rf"{grch37_fasta.name} is GRCh37",
    ):
        read_small_variants(
            path, panel, "GRCh38", reference=Reference(fasta=grch37_fasta), workdir=tmp_path
        )


def test_min_ref_bases_is_more_than_chance():
    assert 0.25**MIN_REF_BASES < 1e-11


# --- end to end: classify_sample (the workflow's per-file step) + decide ------------------


def _classify(
    tmp_path: Path, path: Path, build: str = "", reference: Reference | None = None
) -> SampleResult:
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        "patient_id\tsample_id\tkind\tpath\ttumor_name\tnormal_name\tgenome_build\ttimepoint\n"
        f"X1\tS1\tsmall_variants\t{path}\t\t\t{build}\trelapse1\n"
    )
    result, _ = classify_from_sheet(sheet, "S1", "X1", reference)
    return result


def test_grch37_file_without_contigs_or_sheet_build_is_review_never_candidate(rules, tmp_path):
    result = _classify(tmp_path, NO_CONTIGS)
    assert (result.genome_build, result.build_evidence, result.build_verified) == (
        "GRCh38",
        "default",
        False,
    )
    assert not any(f.gene == "BCL2" for f in result.findings)  # lost at the GRCh38 coordinate
    decision = decide(PATIENT, (result,), rules)
    assert decision.decision == Decision.REVIEW
    assert decision.reasons[0] == (
        f"{UNVERIFIED} (S1: GRCh38 assumed, the configured default; the file has no contig "
        "lengths, no recognised ##reference, and no reference FASTA was configured)"
    )
    assert any(
        r.startswith("listed finding: ex vivo dasatinib IC50 2 nM") for r in decision.reasons
    )


def test_the_sheet_build_finds_the_exclusion(rules, tmp_path):
    result = _classify(tmp_path, NO_CONTIGS, build="GRCh37")
    assert (result.genome_build, result.build_evidence, result.build_verified) == (
        "GRCh37",
        "sheet",
        True,
    )
    decision = decide(PATIENT, (result,), rules)
    assert decision.decision == Decision.NOT_CANDIDATE
    assert decision.reasons[0].startswith("exclusion: BCL2 p.Gly101Val (G101V)")
    assert not any(r.startswith(UNVERIFIED) for r in decision.reasons)


def test_the_reference_line_finds_the_exclusion(rules, tmp_path):
    result = _classify(tmp_path, HG19_LINE)
    assert (result.genome_build, result.build_evidence) == ("GRCh37", "reference_line")
    (g101v,) = [f for f in result.findings if f.gene == "BCL2"]
    assert (g101v.status, g101v.rule_id) == (Status.EXCLUSION, "B-X1")
    assert decide(PATIENT, (result,), rules).decision == Decision.NOT_CANDIDATE


def test_the_fasta_finds_the_exclusion(rules, tmp_path, grch37_fasta):
    result = _classify(tmp_path, NO_CONTIGS, reference=Reference(fasta=grch37_fasta))
    assert (result.genome_build, result.build_evidence) == ("GRCh37", "fasta_ref_bases")
    assert any(n.startswith("indels left-aligned with bcftools norm") for n in result.notes)
    decision = decide(PATIENT, (result,), rules)
    assert decision.decision == Decision.NOT_CANDIDATE
    assert decision.reasons[0].startswith("exclusion: BCL2 p.Gly101Val (G101V)")


def test_a_fasta_that_disagrees_makes_the_file_unreadable(
    rules, tmp_path, grch38_fasta_disagreeing
):
    result = _classify(tmp_path, NO_CONTIGS, reference=Reference(fasta=grch38_fasta_disagreeing))
    assert result.accounting.error is not None and "(record 1): REF" in result.accounting.error
    decision = decide(PATIENT, (result,), rules)
    assert decision.decision == Decision.REVIEW
    assert any(r.startswith("input file could not be read") for r in decision.reasons)


def test_contradicting_evidence_makes_the_file_unreadable(rules, tmp_path):
    result = _classify(tmp_path, CONFLICT)
    assert "genome build evidence disagrees" in (result.accounting.error or "")
    assert decide(PATIENT, (result,), rules).decision == Decision.REVIEW


def test_unverified_build_blocks_not_candidate_for_nothing_found_but_not_exclusions(
    rules, tmp_path
):
    result = _classify(tmp_path, NO_CONTIGS)
    # Nothing found, IC50 not listed: "nothing found" on a guessed build is not trusted.
    plain = replace(PATIENT, dasatinib_ic50_nM=48.0)
    decision = decide(plain, (result,), rules)
    assert decision.decision == Decision.REVIEW
    assert decision.reasons[0].startswith(UNVERIFIED)
    # A criterion not met, or an exclusion found, still decides.
    older = replace(PATIENT, age_at_screening_years=21.5)
    assert decide(older, (result,), rules).decision == Decision.NOT_CANDIDATE
    (tmp_path / "v").mkdir()
    verified = _classify(tmp_path / "v", NO_CONTIGS, build="GRCh37")
    exclusion = [f for f in verified.findings if f.gene == "BCL2"]
    assert decide(PATIENT, (replace(result, findings=tuple(exclusion)),), rules).decision == (
        Decision.NOT_CANDIDATE
    )


def test_old_sample_json_without_build_evidence_loads_as_unverified(tmp_path):
    result = _classify(tmp_path, HG19_LINE)
    data = result.to_dict()
    assert data["build_evidence"] == "reference_line"
    del data["build_evidence"]
    old = SampleResult.from_dict(data)
    assert (old.build_evidence, old.build_verified) == ("default", False)
