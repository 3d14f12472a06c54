"""Trial rules: tests that guard the decision code mutation testing found weak.

``mapk_filter.rules`` turns the versioned sub-protocol B rules file into the typed rules
every decision reads. The bundled file is read once per process (cached), so these tests
read copies of it from tmp_path, as a site with its own rules file would, and state:

- a rules file says the same thing wherever it lies: every review and exclusion rule keeps
  its kind of match, genes, codons, exons, consequences and copy-number threshold, and the
  clinical criteria their bounds;
- a rule without ``match`` is a hotspot rule (the schema's default);
- a rules file edited during a run is read again, even when size or timestamp is unchanged;
- a missing rules file is an error naming the file;
- a junction up to ``rearrangement_window_bp`` 5' of a kinase the rules name for fusions (a
  listed fusion, a kinase-fusion review rule or another sub-protocol's kinase-fusion or
  rearrangement criterion) is a rearrangement of that kinase; 5' of a gene named only for
  mutations it is not.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from helpers import classify_from_sheet

from mapk_filter.errors import DataError
from mapk_filter.models import Status
from mapk_filter.resources import trial_rules_path
from mapk_filter.rules import load_rules

DATA = Path(__file__).resolve().parent / "data"
BCR_UPSTREAM_ABL1 = DATA / "rearrangements" / "sv_manta_bcr_upstream_abl1.vcf"
BCR_BREAKEND = "chr22\t23290121"  # BCR intron 13, its 5' part kept


def copy_of_rules(tmp_path: Path, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    shutil.copyfile(trial_rules_path(), path)
    return path


def edited_rules(tmp_path: Path, edit, name: str = "rules.yaml") -> Path:
    data = yaml.safe_load(trial_rules_path().read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# ------------------------------------------------------- the file, wherever it lies


def test_a_copy_of_the_rules_file_holds_the_same_rules(rules, tmp_path):
    copy = load_rules(copy_of_rules(tmp_path))
    assert copy.path == str((tmp_path / "rules.yaml").resolve())
    assert replace(copy, path=rules.path) == rules


def test_review_rules_keep_their_kind_genes_codons_exons_and_consequences(tmp_path):
    rules = load_rules(copy_of_rules(tmp_path))
    review = {r.id: r for r in rules.review}
    assert (review["B-R1"].name, review["B-R1"].match) == (
        "Activating hotspot in a RAS/MAPK pathway gene",
        "hotspot",
    )
    assert review["B-R1"].categories == {"activating"}
    assert {"KRAS", "NRAS", "PTPN11", "CBL"} <= review["B-R1"].genes
    assert (review["B-R2"].match, review["B-R2"].genes) == ("truncating", {"NF1"})
    assert review["B-R5"].match == "codon"
    assert review["B-R5"].codons == {12, 13, 59, 61, 117, 146}
    assert review["B-R5"].consequences == {
        "missense_variant",
        "inframe_insertion",
        "inframe_deletion",
        "protein_altering_variant",
    }
    assert (review["B-R6"].match, review["B-R6"].exons) == ("inframe_insertion_in_exons", {14, 15})
    assert review["B-R6"].name == "FLT3 internal tandem duplication (juxtamembrane exons)"
    assert (review["B-R7"].codons, review["B-R7"].genes) == ({835, 836}, {"FLT3"})
    assert (review["B-R8"].match, review["B-R8"].exons) == ("exon", {8, 9})
    assert "splice_donor_variant" in review["B-R8"].consequences
    assert (review["B-R10"].match, review["B-R11"].match) == ("kinase_fusion", "kinase_fusion")
    assert (review["B-R12"].match, review["B-R12"].below_copy_number) == ("copy_loss", 2.0)
    assert review["B-R1"].below_copy_number is None
    assert review["B-R13"].match == "intragenic_kinase"
    assert rules.review_rule("truncating", "NF1") is review["B-R2"]
    assert rules.review_rule("copy_loss", "NF1") is review["B-R12"]


def test_the_exclusion_and_clinical_bounds_are_read_from_the_file(tmp_path):
    rules = load_rules(copy_of_rules(tmp_path))
    (bcl2,) = rules.exclusions
    assert (bcl2.id, bcl2.name, bcl2.match) == (
        "B-X1",
        "BCL2 venetoclax-resistance mutation",
        "hotspot",
    )
    assert (bcl2.genes, bcl2.categories) == ({"BCL2"}, {"venetoclax_resistance"})
    assert (bcl2.codons, bcl2.exons, bcl2.consequences) == (set(), set(), set())
    criteria = {c.id: c for c in rules.clinical}
    assert criteria["age_at_diagnosis"].expectation == ">= 1 and <= 18"
    assert criteria["age_at_screening"].expectation == "< 21"
    assert criteria["performance_score"].expectation == ">= 50"
    assert rules.listed_rule("drug_response").below == 10.0


def test_a_rule_without_a_match_is_a_hotspot_rule(tmp_path):
    def drop_match(data):
        del data["exclusions"][0]["match"]
        del data["review"][0]["match"]

    rules = load_rules(edited_rules(tmp_path, drop_match))
    assert rules.exclusions[0].match == "hotspot"
    assert rules.review[0].match == "hotspot"
    assert rules.review_rule("hotspot", "KRAS") is rules.review[0]


def test_a_rule_without_genes_names_no_gene(tmp_path):
    """The schema does not require ``genes``: such a rule loads and matches no gene."""

    def drop_genes(data):
        del data["review"][12]["genes"]

    rules = load_rules(edited_rules(tmp_path, drop_genes))
    assert (rules.review[12].id, rules.review[12].genes) == ("B-R13", frozenset())
    assert rules.review_rule("intragenic_kinase", "ABL1") is None


# ------------------------------------------------------- read again when edited


def _bumped(version: str, longer: bool = False) -> str:
    """Another version string: of the same length, or one character longer."""
    return version + "0" if longer else version[:-1] + ("8" if version.endswith("9") else "9")


def test_a_rules_file_edited_in_place_is_read_again_even_with_its_size_unchanged(tmp_path):
    path = copy_of_rules(tmp_path)
    current = load_rules(path).version
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(current, _bumped(current)), encoding="utf-8")
    assert path.stat().st_size == len(text.encode())
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_rules(path).version == _bumped(current)


def test_a_rules_file_edited_in_place_is_read_again_even_with_its_timestamp_restored(tmp_path):
    path = copy_of_rules(tmp_path)
    before = path.stat()
    current = load_rules(path).version
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(current, _bumped(current, longer=True)), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load_rules(path).version == _bumped(current, longer=True)


def test_a_missing_rules_file_is_an_error_naming_it(tmp_path):
    missing = tmp_path / "subprotocol_B.yaml"
    with pytest.raises(DataError) as error:
        load_rules(missing)
    assert str(error.value).startswith(f"{missing}: cannot read trial rules: ")
    assert "No such file or directory" in str(error.value)


# ------------------------------------------------------- rearrangements 5' of a kinase


def junction_5_prime_of(panel, tmp_path: Path, gene: str, distance: int) -> Path:
    """BCR intron 13 joined ``distance`` bases 5' of ``gene``, the side holding the gene
    kept (the bundled BCR-upstream-of-ABL1 fixture, moved)."""
    g = panel.genes[gene]
    start, end = g.spans["GRCh38"]
    if g.strand == "+":
        pos, alt, mate = (
            start - distance,
            "]chr22:23290121]N",
            f"N[chr{g.chrom}:{start - distance}[",
        )
    else:
        pos, alt, mate = end + distance, "N[chr22:23290121[", f"N]chr{g.chrom}:{end + distance}]"
    header = [x for x in BCR_UPSTREAM_ABL1.read_text().splitlines() if x.startswith("#")]
    info = "SVTYPE=BND;MATEID=MantaBND:24:0:1:0:0:0:{};SOMATIC;SOMATICSCORE=60"
    reads = "PR:SR\t30,0:25,0\t18,12:17,10"
    records = [
        f"{BCR_BREAKEND}\tMantaBND:24:0:1:0:0:0:0\tN\t{mate}\t.\tPASS\t{info.format(1)}\t{reads}",
        f"chr{g.chrom}\t{pos}\tMantaBND:24:0:1:0:0:0:1\tN\t{alt}\t.\tPASS\t{info.format(0)}\t"
        f"{reads}",
    ]
    path = tmp_path / f"bcr_5prime_of_{gene}.vcf"
    path.write_text("\n".join([*header, *records]) + "\n")
    return path


def classify_sv(tmp_path: Path, path: Path):
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        "patient_id\tsample_id\tkind\tpath\ttumor_name\n"
        f"X1\tsv\tstructural_variants\t{path}\tTUMOR_S\n"
    )
    result, error = classify_from_sheet(sheet, "sv", "X1")
    assert error is None
    (finding,) = result.findings
    return finding


@pytest.mark.parametrize(
    "gene, distance, why",
    [
        ("PDGFRB", 80_000, "a listed fusion (B-L3)"),
        ("LYN", 20_000, "a kinase-fusion review rule (B-R10)"),
        ("PDGFRA", 20_000, "a kinase-fusion review rule (B-R10)"),
        ("JAK2", 20_000, "sub-protocol C's kinase-fusion criterion"),
    ],
)
def test_a_junction_5_prime_of_a_kinase_the_rules_name_for_fusions_is_its_rearrangement(
    panel, tmp_path, gene, distance, why
):
    finding = classify_sv(tmp_path, junction_5_prime_of(panel, tmp_path, gene, distance))
    assert finding.partner_genes == ("BCR", gene), why
    if gene != "JAK2":
        assert (finding.gene, finding.status, finding.reason) == (
            gene,
            Status.REVIEW,
            "partner_upstream_of_gene",
        )


@pytest.mark.parametrize("gene", ["KRAS", "NF1", "IL7R"])
def test_a_junction_5_prime_of_a_gene_named_only_for_mutations_is_not_its_rearrangement(
    panel, tmp_path, gene
):
    finding = classify_sv(tmp_path, junction_5_prime_of(panel, tmp_path, gene, 20_000))
    assert finding.partner_genes == ("BCR", "intergenic")
    assert (finding.gene, finding.status) == ("BCR", Status.VUS)
