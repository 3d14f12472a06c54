"""The kinase-domain exon table: derived rows, and the panel check that recomputes them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mapk_filter.breakpoints import load_kinase_domains
from mapk_filter.checks import check_data
from mapk_filter.panel import BUILDS, load_panel
from mapk_filter.panel_checks import KinaseMapping, map_kinase_domain
from mapk_filter.resources import gene_lists_dir

# gene: (UniProt accession, kinase-domain residues, first and last MANE kinase exon), as
# derived by scripts/derive_kinase_domains.py (resources/gene_lists/README.md).
DERIVED = {
    "ABL1": ("P00519", (242, 493), 4, 9),
    "PDGFRB": ("P09619", (600, 962), 12, 21),
    "ABL2": ("P42684", (288, 539), 5, 10),
    "PDGFRA": ("P16234", (593, 954), 12, 21),
    "CSF1R": ("P07333", (582, 910), 11, 20),
    "FLT3": ("P36888", (610, 943), 14, 23),
    "BRAF": ("P15056", (457, 717), 11, 18),
    "RAF1": ("P04049", (349, 609), 10, 17),
    "LCK": ("P06239", (245, 498), 8, 13),
    "LYN": ("P07948", (247, 501), 8, 13),
    "FYN": ("P06241", (271, 524), 9, 14),
    "SRC": ("P12931", (270, 523), 9, 14),
    "JAK1": ("P23458", (875, 1153), 19, 25),
    "JAK2": ("O60674", (849, 1124), 19, 25),  # JH1, not the JH2 pseudokinase
    "JAK3": ("P52333", (822, 1111), 18, 24),
}


def _tampered(tmp_path: Path, gene: str, column: str, value: str) -> Path:
    """A copy of the bundled gene lists with one cell of kinase_domains.tsv changed."""
    folder = tmp_path / "gene_lists"
    shutil.copytree(gene_lists_dir(), folder)
    path = folder / "kinase_domains.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if not line.startswith("#")).split("\t")
    index = header.index(column)
    for i, line in enumerate(lines):
        cells = line.split("\t")
        if not line.startswith("#") and cells[0] == gene:
            assert cells[index] != value
            cells[index] = value
            lines[i] = "\t".join(cells)
            break
    else:
        raise AssertionError(f"no {gene} row")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_table_rows_are_verified_and_give_the_derived_exons():
    table = load_kinase_domains()
    assert set(table) == set(DERIVED)
    panel = load_panel()
    for gene, (accession, residues, first, last) in DERIVED.items():
        domain = table[gene]
        assert domain.verified, domain.source
        assert (domain.uniprot, domain.residues) == (accession, residues)
        assert (domain.first_exon, domain.last_exon) == (first, last), gene
        assert domain.transcript == panel.genes[gene].ensembl_mane
        for build in BUILDS:
            mapping = map_kinase_domain(panel, domain, build)
            assert isinstance(mapping, KinaseMapping), (gene, build, mapping)
            assert (mapping.first_exon, mapping.last_exon) == (first, last), (gene, build)
            assert mapping.protein_length == domain.uniprot_length, gene
    assert table["PDGFRB"].lost_note == "transmembrane domain lost"
    assert table["ABL1"].lost_note == ""


def test_panel_check_prints_the_mapping_and_passes():
    problems, summary = check_data(None, None)
    assert problems == []
    assert "ABL1 P00519 242-493 -> exons 4-9; PDGFRB P09619 600-962 -> exons 12-21" in summary
    assert "JAK2 O60674 849-1124 -> exons 19-25" in summary
    assert summary.endswith("OK")


def test_panel_check_catches_a_wrong_exon_number(tmp_path):
    folder = _tampered(tmp_path, "PDGFRB", "last_kinase_exon", "20")
    problems, summary = check_data(folder, None)
    for build in BUILDS:
        assert (
            "kinase_domains.tsv PDGFRB: UniProt P09619 residues 600-962 lie in MANE exons "
            f"12-21 on {build}, the table says 12-20"
        ) in problems
    assert summary.endswith(f"{len(problems)} problem(s)")


def test_panel_check_catches_a_moved_coding_start(tmp_path):
    # c.1 three bases later: the recorded kinase codons no longer follow from it
    table = load_kinase_domains()
    start = table["ABL1"].on("GRCh38")
    assert start is not None
    folder = _tampered(tmp_path, "ABL1", "cds_start_grch38", str(start[0] + 3))
    problems, _ = check_data(folder, None)
    assert any(
        p.startswith("kinase_domains.tsv ABL1: GRCh38: kinase_start/kinase_end") for p in problems
    ), problems
    assert not any("GRCh37:" in p for p in problems)


def test_panel_check_refuses_a_verified_row_of_another_isoform(tmp_path):
    folder = _tampered(tmp_path, "ABL1", "uniprot_length", "1149")  # isoform IB
    problems, _ = check_data(folder, None)
    assert (
        "kinase_domains.tsv ABL1: the MANE CDS on GRCh38 encodes 1130 residues, UniProt P00519 "
        "has 1149: a verified row needs the same protein (isoform mismatch?)"
    ) in problems


@pytest.mark.workflow
@pytest.mark.parametrize("args", [[], ["--panel-dir", "TAMPERED"]])
def test_cli_panel_check_exit_code(tmp_path, args):
    if args:
        args = ["--panel-dir", str(_tampered(tmp_path, "JAK2", "first_kinase_exon", "13"))]
    run = subprocess.run(
        ["mapk-filter", "panel", "check", *args], capture_output=True, text=True, check=False
    )
    if args:
        assert run.returncode == 1
        assert "problem: kinase_domains.tsv JAK2: UniProt O60674 residues 849-1124" in run.stderr
    else:
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("kinase domains: ABL1 P00519 242-493 -> exons 4-9;")
