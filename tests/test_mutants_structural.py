"""Structural decisions that mutation testing found weakly guarded (interpret/structural.py,
breakpoints.py).

These tests guard the decision code of SV and RNA fusion files where surviving mutants
showed that a change would have gone unnoticed: how a breakpoint is named on the MANE
transcript, when an imprecise breakpoint decides (an RNA junction judged again by the RNA
rule and its reading frame), a DNA break on the first base of the exon a rule names (single
breakend or not), the QC that demotes a junction (caller FILTER, supporting reads, the
matched normal), SV deletions of copy-loss exons, events that only cover a panel gene, a
reciprocal answered by its forward junction, what a finding and a file's result say about
where they came from, and the kinase-domain table's own errors. Every file is real and read
by the real readers: fixtures of tests/data, or tiny files written to tmp_path from the
panel's MANE exon coordinates.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import classify_file

from mapk_filter.breakpoints import load_kinase_domains, upstream_of_exon
from mapk_filter.context import Context
from mapk_filter.errors import DataError
from mapk_filter.genome_genes import load_genome_genes
from mapk_filter.interpret.structural import interpret_junction
from mapk_filter.models import Status
from mapk_filter.panel import EXONS_FILE, GENES_FILE, HOTSPOTS_FILE, VERSION_FILE, load_panel
from mapk_filter.readers.structural import DOWNSTREAM, UPSTREAM, Junction
from mapk_filter.resources import gene_lists_dir, trial_rules_path
from mapk_filter.rules import load_rules
from mapk_filter.settings import Filters

DATA = Path(__file__).resolve().parent / "data"
REARRANGEMENTS = DATA / "rearrangements"
# Manta's header lines (INFO, FORMAT, FILTER, ALT, GRCh38 contigs) for written files.
MANTA_HEADER = [
    line for line in (DATA / "sv_manta_qc.vcf").read_text().splitlines() if line.startswith("##")
]
NORMAL_NONE = "30,0:25,0"  # PR:SR ref,alt in the matched normal: no supporting read
TUMOUR = "18,12:17,10"  # PR:SR in the tumour: 22 supporting reads


def manta_vcf(path: Path, rows: list[tuple[str, int, str, str, str, str, str]]) -> Path:
    """A two-sample Manta VCF: rows of (chrom, POS, ID, ALT, FILTER, INFO, tumour PR:SR)."""
    lines = [
        *MANTA_HEADER,
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL_S\tTUMOR_S",
    ]
    for chrom, pos, rid, alt, filt, info, tumour in rows:
        lines.append(
            f"chr{chrom}\t{pos}\t{rid}\tN\t{alt}\t.\t{filt}\t{info}\tPR:SR\t{NORMAL_NONE}\t{tumour}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def classify(path: Path, panel, rules, **kw):
    """The file as the workflow classifies it; every record is accounted for."""
    kw.setdefault("kind", "structural_variants")
    result = classify_file(path, panel, rules, tumor_name=kw.pop("tumor_name", "TUMOR_S"), **kw)
    assert result.accounting.reconciles
    return result


def exon(panel, gene: str, number: int) -> tuple[int, int]:
    (found,) = [e for e in panel.exons if e.gene == gene and e.number == number]
    return found.spans["GRCh38"]


def junction(a, b, **kw) -> Junction:
    """A DNA junction between a = (chrom, pos, kept) and b, 30 reads, PASS, unless told."""
    fields = {
        "svtype": "BND",
        "record_ids": ("x",),
        "record_numbers": (1,),
        "supporting_reads": 30,
        "filters": ("PASS",),
        **kw,
    }
    fields.setdefault("rna", fields["svtype"] == "RNA")  # an RNA caller's junction
    return Junction(a[0], a[1], a[2], b[0], b[1], b[2], **fields)


def judged(panel, rules, j: Junction, sample_id: str = "", source_file: str = "", **settings):
    if "pass_filters" in settings:
        settings["pass_filters"] = tuple(sorted(settings["pass_filters"]))
    ctx = Context(panel, rules, "GRCh38", Filters(**settings), genome_genes=load_genome_genes())
    # a junction judged on its own is called without sample or file (their defaults)
    where = (sample_id, source_file) if sample_id or source_file else ()
    finding = interpret_junction(j, ctx, *where)
    assert finding is not None
    return finding


def etv6_abl1(panel, abl1_pos: int | None = None, **kw) -> Junction:
    """ETV6 intron 5 (5' part kept) joined to ABL1 (3' part kept), by default intron 1."""
    etv6 = exon(panel, "ETV6", 5)[1] + 2000
    abl1 = exon(panel, "ABL1", 1)[1] + 5000 if abl1_pos is None else abl1_pos
    return junction(("12", etv6, UPSTREAM), ("9", abl1, DOWNSTREAM), **kw)


# ------------------------------------------------------------ breakpoint names (MANE)


def where(panel, rules, chrom: str, pos: int) -> str:
    """The words a finding gives for a breakend at chrom:pos (joined to intergenic chr2)."""
    j = junction((chrom, pos, UPSTREAM), ("2", 50_000_000, DOWNSTREAM))
    finding = judged(panel, rules, j)
    (label,) = [b for b in finding.breakpoints if b.startswith(f"chr{chrom}:{pos} (")]
    return label.removeprefix(f"chr{chrom}:{pos} (").removesuffix(")")


def test_breakpoints_are_named_on_the_mane_transcript_in_transcript_orientation(panel, rules):
    """The board reads where each break lies: exon edges, introns and the flanks beyond the
    MANE exons, counted 5'->3' on either strand (ABL1 plus, PDGFRB and BRAF minus)."""
    abl1_2, abl1_1 = exon(panel, "ABL1", 2), exon(panel, "ABL1", 1)
    abl1_gene_start = panel.genes["ABL1"].spans["GRCh38"][0]  # exon 1b, before MANE exon 1
    assert abl1_gene_start + 1000 < abl1_1[0]
    pdgfrb_11, pdgfrb_2, pdgfrb_1 = (exon(panel, "PDGFRB", n) for n in (11, 2, 1))
    assert pdgfrb_2[1] + 100 < pdgfrb_1[0]
    nf1_last = max(e.number for e in panel.exons if e.gene == "NF1")
    braf_last = max(e.number for e in panel.exons if e.gene == "BRAF")
    nf1_after = exon(panel, "NF1", nf1_last)[1] + 1000
    braf_after = exon(panel, "BRAF", braf_last)[0] - 1000
    assert nf1_after <= panel.genes["NF1"].spans["GRCh38"][1]
    assert braf_after >= panel.genes["BRAF"].spans["GRCh38"][0]
    found = {
        "ABL1 first base of exon 2": where(panel, rules, "9", abl1_2[0]),
        "ABL1 last base of exon 2": where(panel, rules, "9", abl1_2[1]),
        "ABL1 inside exon 2": where(panel, rules, "9", abl1_2[0] + 50),
        "ABL1 before exon 2": where(panel, rules, "9", abl1_2[0] - 100),
        "ABL1 before MANE exon 1": where(panel, rules, "9", abl1_gene_start + 1000),
        "PDGFRB first base of exon 11": where(panel, rules, "5", pdgfrb_11[1]),
        "PDGFRB last base of exon 11": where(panel, rules, "5", pdgfrb_11[0]),
        "PDGFRB between exons 1 and 2": where(panel, rules, "5", pdgfrb_2[1] + 100),
        "NF1 after its last exon": where(panel, rules, "17", nf1_after),
        "BRAF after its last exon": where(panel, rules, "7", braf_after),
    }
    assert found == {
        "ABL1 first base of exon 2": "ABL1 exon 2 (first base)",
        "ABL1 last base of exon 2": "ABL1 exon 2 (last base)",
        "ABL1 inside exon 2": "ABL1 exon 2",
        "ABL1 before exon 2": "ABL1 intron 1",
        "ABL1 before MANE exon 1": "ABL1 intron 1 (5' of MANE exon 1)",
        "PDGFRB first base of exon 11": "PDGFRB exon 11 (first base)",
        "PDGFRB last base of exon 11": "PDGFRB exon 11 (last base)",
        "PDGFRB between exons 1 and 2": "PDGFRB intron 1",
        "NF1 after its last exon": f"NF1 3' of exon {nf1_last}",
        "BRAF after its last exon": f"BRAF 3' of exon {braf_last}",
    }


def test_a_panel_gene_without_mane_exons_says_so_instead_of_a_location(tmp_path, rules):
    """A panel whose exon table lacks a gene (BCL2 here) cannot place a break in it: the
    breakpoint says 'no exon table', never an invented intron."""
    folder = tmp_path / "panel"
    folder.mkdir()
    for name in (GENES_FILE, HOTSPOTS_FILE, VERSION_FILE):
        shutil.copy(gene_lists_dir() / name, folder / name)
    lines = (gene_lists_dir() / EXONS_FILE).read_text().splitlines()
    kept = [line for line in lines if not line.startswith("BCL2\t")]
    assert len(kept) < len(lines)
    (folder / EXONS_FILE).write_text("\n".join(kept) + "\n")
    panel = load_panel(folder)
    start, end = panel.genes["BCL2"].spans["GRCh38"]
    assert where(panel, rules, "18", (start + end) // 2) == "BCL2 no exon table"


def test_a_dna_break_on_an_exons_first_base_does_not_keep_the_exon_unless_rna(panel):
    """upstream_of_exon: a genomic break on the exon's first base cuts its splice acceptor,
    so by default (DNA) the exon is not kept; an RNA junction there keeps it."""
    abl1, pdgfrb = panel.genes["ABL1"], panel.genes["PDGFRB"]
    abl1_first = exon(panel, "ABL1", 2)[0]
    pdgfrb_first = exon(panel, "PDGFRB", 11)[1]  # minus strand: the exon's highest base
    assert upstream_of_exon(panel, abl1, "GRCh38", abl1_first, 2) is False
    assert upstream_of_exon(panel, abl1, "GRCh38", abl1_first - 1, 2) is True
    assert upstream_of_exon(panel, abl1, "GRCh38", abl1_first, 2, inclusive=True) is True
    assert upstream_of_exon(panel, pdgfrb, "GRCh38", pdgfrb_first, 11) is False
    assert upstream_of_exon(panel, pdgfrb, "GRCh38", pdgfrb_first, 11, inclusive=True) is True


# ------------------------------------------------------------ kinase-domain table


def kinase_table(tmp_path: Path, edit) -> Path:
    """A copy of kinase_domains.tsv with its header and rows (lists of cells) edited."""
    lines = (gene_lists_dir() / "kinase_domains.tsv").read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    header, *rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    header, rows = edit(header, rows)
    path = tmp_path / "kinase_domains.tsv"
    text = "\n".join([*comments, *("\t".join(cells) for cells in (header, *rows))])
    path.write_text(text + "\n", encoding="utf-8")
    return path


def set_cell(gene: str, column: str, value: str):
    def edit(header, rows):
        for cells in rows:
            if cells[0] == gene:
                cells[header.index(column)] = value
        return header, rows

    return edit


@pytest.mark.parametrize(
    "value, words",
    [
        ("242", "kinase_residues '242' is not FIRST-LAST"),
        ("-242-493", "invalid literal for int()"),  # a residue number is never negative
    ],
)
def test_a_kinase_residue_range_that_is_not_first_last_is_an_error_naming_the_row(
    tmp_path, value, words
):
    path = kinase_table(tmp_path, set_cell("ABL1", "kinase_residues", value))
    with pytest.raises(DataError) as caught:
        load_kinase_domains(path)
    assert str(caught.value).startswith(f"{path} (data row 2): ")  # ABL1 is the first row
    assert words in str(caught.value)


def test_kinase_coordinates_are_per_build_and_a_build_may_be_absent(tmp_path):
    """A table without GRCh37 columns loads (GRCh37 not recorded); a row whose GRCh38
    cells are empty still gives its GRCh37 numbers."""
    bundled = load_kinase_domains()["ABL1"]

    def no_grch37(header, rows):
        keep = [i for i, name in enumerate(header) if not name.endswith("_grch37")]
        return [header[i] for i in keep], [[cells[i] for i in keep] for cells in rows]

    (tmp_path / "a").mkdir()
    only_38 = load_kinase_domains(kinase_table(tmp_path / "a", no_grch37))
    assert only_38["ABL1"].on("GRCh37") is None
    assert only_38["ABL1"].on("GRCh38") == bundled.on("GRCh38")

    def no_grch38_for_abl1(header, rows):
        for column in ("cds_start", "cds_end", "kinase_start", "kinase_end"):
            header, rows = set_cell("ABL1", f"{column}_grch38", "")(header, rows)
        return header, rows

    (tmp_path / "b").mkdir()
    only_37 = load_kinase_domains(kinase_table(tmp_path / "b", no_grch38_for_abl1))
    assert only_37["ABL1"].on("GRCh38") is None
    assert only_37["ABL1"].on("GRCh37") == bundled.on("GRCh37")
    assert only_37["PDGFRB"].on("GRCh38") == load_kinase_domains()["PDGFRB"].on("GRCh38")


def test_a_build_with_an_incomplete_set_of_coordinate_columns_is_an_error(tmp_path):
    def drop_kinase_end_38(header, rows):
        index = header.index("kinase_end_grch38")
        return header[:index] + header[index + 1 :], [r[:index] + r[index + 1 :] for r in rows]

    path = kinase_table(tmp_path, drop_kinase_end_38)
    with pytest.raises(DataError, match=r"kinase_domains\.tsv \(data row 2\): "):
        load_kinase_domains(path)


# ------------------------------------------------------------ imprecise breakpoints


def test_imprecise_words_name_every_interval_and_when_it_decides(panel, rules):
    """sv_manta_qc.vcf: an IMPRECISE ETV6::ABL1 with CIPOS -50,300 on both mates; ABL1's
    interval reaches exon 2, so the call depends on where the break really is."""
    path = DATA / "sv_manta_qc.vcf"
    low, imprecise = classify(path, panel, rules).findings
    assert imprecise.caveats == (
        "imprecise breakpoint (CIPOS -50,300 at chr12:11871969 (ETV6 intron 5); "
        "CIPOS -50,300 at chr9:130853964 (ABL1 intron 1)) straddles a boundary that decides "
        "the classification",
    )
    # the finding names its records, its transcript and the caller's FILTER
    assert (imprecise.record_number, imprecise.other_records) == (2, (3,))
    assert imprecise.transcript == panel.genes["ABL1"].ensembl_mane
    assert (low.record_number, low.filters) == (1, ("MinSomaticScore",))


def test_an_interval_inside_one_intron_is_a_caveat_not_a_doubt(panel, rules):
    """Moved to either limit of its interval, each end still gives the listed ETV6::ABL1:
    the finding qualifies and says how imprecise it is."""
    finding = judged(
        panel, rules, etv6_abl1(panel, imprecise=True, cipos_a=(-20, 20), cipos_b=(-30, 30))
    )
    assert (finding.status, finding.would_be, finding.rule_id) == (
        Status.QUALIFYING,
        None,
        "B-L1",
    )
    assert finding.caveats == (
        "imprecise breakpoint (CIPOS -20,20 at chr12:11871969 (ETV6 intron 5); "
        "CIPOS -30,30 at chr9:130840525 (ABL1 intron 1))",
    )
    flagged = judged(panel, rules, etv6_abl1(panel, imprecise=True))  # IMPRECISE, no CIPOS
    assert (flagged.status, flagged.caveats) == (Status.QUALIFYING, ("imprecise breakpoint",))


@pytest.mark.parametrize(
    "offset, cipos",
    [(100, (-50, 100)), (2, (0, 1)), (2, (1, 0))],
    ids=[
        "reaches-exon-2-first-base",
        "reaches-the-splice-acceptor",
        "limits-written-high-first",  # each limit is tried, whatever order the caller wrote
    ],
)
def test_a_dna_interval_reaching_the_listed_exon_or_its_acceptor_decides(
    panel, rules, offset, cipos
):
    """ABL1 kept from before exon 2 is B-L1; a DNA break on exon 2's first base or in its
    splice acceptor is not (DNA rule, not the RNA one): an interval reaching there is a
    doubt, the finding filtered with the listed call it would be."""
    start = exon(panel, "ABL1", 2)[0]
    finding = judged(panel, rules, etv6_abl1(panel, start - offset, cipos_b=cipos))
    assert (finding.status, finding.would_be, finding.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:imprecise_breakpoint",
    )
    assert finding.caveats == (
        f"imprecise breakpoint (CIPOS {cipos[0]},{cipos[1]} at chr9:{start - offset} "
        "(ABL1 intron 1)) straddles a boundary that decides the classification",
    )


def test_an_rna_junction_is_judged_again_by_the_rna_rule_at_its_interval_limits(panel, rules):
    """An RNA junction on exon 2's first base keeps exon 2 (RNA callers name the exon
    boundary), and so does one 5 bases before it: moved anywhere in its interval it stays
    B-L1, a caveat. The same interval on a DNA break does decide: on the exon's first base a
    DNA break cuts the acceptor."""
    start = exon(panel, "ABL1", 2)[0]
    rna = judged(panel, rules, etv6_abl1(panel, start, svtype="RNA", cipos_b=(-5, 0)))
    assert (rna.status, rna.would_be, rna.reason, rna.rule_id) == (
        Status.QUALIFYING,
        None,
        "listed_fusion",
        "B-L1",
    )
    assert rna.caveats == (
        f"imprecise breakpoint (CIPOS -5,0 at chr9:{start} (ABL1 exon 2 (first base)))",
    )
    dna = judged(panel, rules, etv6_abl1(panel, start, cipos_b=(-5, 0)))
    assert (dna.status, dna.would_be, dna.reason) == (
        Status.FILTERED,
        Status.REVIEW,
        "filtered:imprecise_breakpoint",
    )
    # the caller's reading-frame verdict holds at every limit too: out of frame, it is
    # reviewed wherever the break lies, never a doubt about the classification
    out_of_frame = etv6_abl1(panel, start, svtype="RNA", cipos_b=(-5, 0), frame="out-of-frame")
    finding = judged(panel, rules, out_of_frame)
    assert (finding.status, finding.would_be, finding.reason, finding.rule_id) == (
        Status.REVIEW,
        None,
        "out_of_frame_fusion",
        "B-L1",
    )
    assert finding.caveats == ("reading frame out-of-frame", *rna.caveats)


def test_a_single_breakend_with_an_interval_keeps_its_review_and_says_it(panel, rules):
    """A single breakend has no partner to re-judge against: its CIPOS is a caveat."""
    pos = exon(panel, "PDGFRB", 11)[1] + 200  # PDGFRB intron 10 (minus strand)
    single = Junction(
        "5", pos, UPSTREAM, None, None, None, "BND", ("x",), (1,), 20, ("PASS",), cipos_a=(-30, 30)
    )
    finding = judged(panel, rules, single)
    assert (finding.status, finding.reason, finding.rule_id) == (
        Status.REVIEW,
        "single_breakend",
        "B-L3",
    )
    assert finding.caveats == (
        f"imprecise breakpoint (CIPOS -30,30 at chr5:{pos} (PDGFRB intron 10))",
    )


def test_a_single_dna_breakend_on_the_first_base_of_the_rules_exon_does_not_keep_it(
    panel, tmp_path
):
    """A genomic break on an exon's first base cuts its splice acceptor, single breakend or
    not. With a rule asking for the ABL1 break before exon 5 (inside the kinase domain, which
    starts in exon 4), a single breakend kept from exon 5's first base has lost the kinase
    domain; one kept from the intron before it is the possible listed fusion."""
    text = trial_rules_path().read_text(encoding="utf-8")
    old = "requires: {three_prime_partner: ABL1, breakpoint_before_exon: 2}"
    assert text.count(old) == 1
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, old.replace("exon: 2}", "exon: 5}")), encoding="utf-8")
    rules = load_rules(path)
    first = exon(panel, "ABL1", 5)[0]

    def single(pos: int, svtype: str = "BND"):
        j = Junction(
            "9",
            pos,
            DOWNSTREAM,
            None,
            None,
            None,
            svtype,
            ("x",),
            (1,),
            20,
            ("PASS",),
            rna=svtype == "RNA",
        )
        return judged(panel, rules, j)

    on_exon = single(first)
    assert (on_exon.status, on_exon.reason, on_exon.rule_id) == (
        Status.VUS,
        "single_breakend",
        None,
    )
    assert on_exon.classification.endswith("; ABL1 kinase domain not retained from here")
    before = single(first - 100)
    assert (before.status, before.reason, before.rule_id) == (
        Status.REVIEW,
        "single_breakend",
        "B-L1",
    )
    assert before.classification.endswith(
        "a breakpoint in intron 4 where a ABL1 fusion would keep the kinase: possible "
        "ABL1 fusion keeping the kinase domain"
    )
    # an RNA junction is named on the exon boundary: on exon 5's first base it keeps exon 5
    rna = single(first, "RNA")
    assert (rna.status, rna.rule_id, rna.kinase_domain_retained) == (
        Status.REVIEW,
        "B-L1",
        "unknown",
    )
    assert rna.classification.endswith(
        "a breakpoint in exon 5 (first base) where a ABL1 fusion would keep the kinase: "
        "possible ABL1 fusion keeping the kinase domain"
    )


# ------------------------------------------------------------ QC: filter, reads, normal


def test_the_callers_own_filter_is_named_first(panel, rules, tmp_path):
    """The imprecise ETV6::ABL1 of sv_manta_qc.vcf, also failed by Manta: the finding is
    filtered by the caller first, the imprecision said after it."""
    lines = (DATA / "sv_manta_qc.vcf").read_text().splitlines()
    failed = [
        line.replace("\tPASS\t", "\tMinSomaticScore\t") if "IMPRECISE" in line else line
        for line in lines
    ]
    path = tmp_path / "imprecise_and_failed.vcf"
    path.write_text("\n".join(failed) + "\n")
    _, finding = classify(path, panel, rules).findings
    assert (finding.status, finding.would_be, finding.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:caller_filter",
    )
    assert finding.caveats[0] == "filtered by the caller (MinSomaticScore)"
    assert finding.caveats[1].endswith("straddles a boundary that decides the classification")


def test_three_reads_in_the_matched_normal_make_a_fusion_possibly_germline(panel, rules, tmp_path):
    """The default (and the workflow's setting) is 3 normal reads; a stricter setting is
    obeyed."""
    text = (DATA / "sv_manta_etv6_abl1.vcf").read_text()
    path = tmp_path / "etv6_abl1_three_normal_reads.vcf"
    path.write_text(text.replace("\t30,0:25,0\t", "\t28,2:22,1\t"))  # PR 2 + SR 1
    (finding,) = classify(path, panel, rules, normal_name="NORMAL_S").findings
    assert (finding.status, finding.would_be, finding.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:possible_germline",
    )
    assert finding.caveats == (
        "possibly germline or constitutional: the matched normal has 3 supporting reads",
    )
    (strict,) = classify(
        path, panel, rules, normal_name="NORMAL_S", germline_min_normal_alt_reads=4
    ).findings
    assert (strict.status, strict.caveats) == (Status.QUALIFYING, ())
    alone = judged(panel, rules, etv6_abl1(panel, normal_reads=3))
    assert alone.reason == "filtered:possible_germline"


def test_five_supporting_reads_suffice_four_do_not(panel, rules):
    five = judged(panel, rules, etv6_abl1(panel, supporting_reads=5))
    assert (five.status, five.caveats) == (Status.QUALIFYING, ())
    four = judged(panel, rules, etv6_abl1(panel, supporting_reads=4))
    assert (four.status, four.would_be, four.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:low_supporting_reads",
    )
    assert four.caveats == ("few supporting reads (4 < 5)",)


def test_a_file_without_read_counts_says_so(panel, rules):
    path = REARRANGEMENTS / "sv_sites_only_etv6_abl1_no_support.vcf"
    (finding,) = classify(path, panel, rules, tumor_name=None).findings
    assert finding.reason == "filtered:no_read_support"
    assert finding.caveats == ("the file gives no supporting read count",)


def test_accepted_filter_values_are_the_ones_given(panel, rules):
    failed = etv6_abl1(panel, filters=("MinSomaticScore",))
    assert judged(panel, rules, failed).reason == "filtered:caller_filter"
    accepted = judged(
        panel, rules, failed, pass_filters=frozenset({"PASS", ".", "MinSomaticScore"})
    )
    assert (accepted.status, accepted.filters) == (Status.QUALIFYING, ("MinSomaticScore",))


# ------------------------------------------------------------ provenance


def test_a_junction_judged_on_its_own_claims_no_sample_file_or_record(panel, rules):
    alone = judged(panel, rules, etv6_abl1(panel, record_numbers=()))
    assert (alone.sample_id, alone.source_file, alone.record_number) == ("", "", None)
    named = judged(panel, rules, etv6_abl1(panel), sample_id="S9", source_file="s9.vcf")
    assert (named.sample_id, named.source_file, named.record_number) == ("S9", "s9.vcf", 1)


def test_findings_and_the_file_result_say_where_they_come_from(panel, rules):
    """sv_gridss_breakends.vcf: a fusion, a single breakend in PDGFRB and one outside."""
    path = DATA / "sv_gridss_breakends.vcf"
    result = classify(path, panel, rules, normal_name="NORMAL_S")
    assert (result.kind, result.path, result.accounting.path) == (
        "structural_variants",
        str(path),
        str(path),
    )
    assert (result.caller, result.tumor_sample, result.normal_sample) == (
        "gridss",
        "TUMOR_S",
        "NORMAL_S",
    )
    fusion, single = result.findings
    for finding in (fusion, single):
        assert (finding.sample_id, finding.source_file) == ("S1", str(path))
    assert (single.alteration_type, single.record_number) == ("breakend", 3)
    genes = len(load_genome_genes().genes)
    assert result.notes[-1] == (
        "structural variants (gridss conventions): 3 event(s) from 4 record(s); BND mates "
        f"joined and counted with their event; breakpoints named against {genes} GENCODE v44 "
        "protein-coding genes; fusions need >= 5 supporting reads and FILTER . or PASS"
    )


def test_an_rna_file_names_the_build_it_was_read_on(panel, rules):
    path = DATA / "rna_arriba_etv6_abl1.tsv"
    result = classify(path, panel, rules, kind="rna_fusions", tumor_name=None)
    assert result.kind == "rna_fusions"
    assert (
        "RNA fusions (arriba): the build (GRCh38) is taken from the sample sheet; a fusion "
        "TSV carries no contig lengths to check it against"
    ) in result.notes
    assert result.notes[-1].startswith("rna fusions (arriba conventions): 3 event(s) from 3 ")


# ------------------------------------------------------------ SV deletions of copy-loss exons


def test_an_nf1_deletion_removes_the_exons_between_pos_and_end(panel, rules, tmp_path):
    """VCF <DEL>: POS is the last kept base, END the last deleted one. From exon 2's first
    base to exon 10's last base, exon 2 keeps a base and exon 10 is gone: exons 3-10."""
    start, end = exon(panel, "NF1", 2)[0], exon(panel, "NF1", 10)[1]
    path = manta_vcf(
        tmp_path / "nf1_exon_edges.vcf",
        [("17", start, "del1", "<DEL>", "PASS", f"END={end};SVTYPE=DEL", TUMOUR)],
    )
    (finding,) = classify(path, panel, rules).findings
    assert (finding.gene, finding.alteration_type, finding.label) == (
        "NF1",
        "deletion",
        "NF1 deletion",
    )
    assert (finding.status, finding.reason, finding.rule_id, finding.routes) == (
        Status.REVIEW,
        "deletion_of_coding_exons",
        "B-R12",
        ("D",),
    )
    assert finding.classification == (
        f"NF1 deletion chr17:{start}-{end} (SV call) removing MANE exon(s) 3-10 of 58: "
        "NF1 deletion (copy loss over NF1 coding exons)"
    )
    assert finding.genomic == f"DEL chr17:{start}-{end}"
    assert finding.breakpoints == (f"chr17:{start}", f"chr17:{end}")
    # said once: the deletion's own junction (an intragenic NF1 deletion) is not repeated
    assert finding.caveats == ()
    assert (finding.sample_id, finding.source_file, finding.record_number) == ("S1", str(path), 1)
    assert finding.transcript == panel.genes["NF1"].ensembl_mane
    assert finding.kinase_domain_retained is None


def test_a_duplication_of_nf1_exons_is_not_a_copy_loss(panel, rules, tmp_path):
    start, end = exon(panel, "NF1", 2)[0] - 1000, exon(panel, "NF1", 10)[1] + 1000
    path = manta_vcf(
        tmp_path / "nf1_duplication.vcf",
        [("17", start, "dup1", "<DUP:TANDEM>", "PASS", f"END={end};SVTYPE=DUP", TUMOUR)],
    )
    (finding,) = classify(path, panel, rules).findings
    assert (finding.status, finding.rule_id, finding.alteration_type) == (
        Status.VUS,
        None,
        "intragenic_duplication",
    )
    assert "intragenic duplication of NF1" in finding.classification


def rules_with_copy_loss(tmp_path: Path, genes: str):
    """The bundled rules with B-R12 (SV deletion of coding exons) naming more genes."""
    text = trial_rules_path().read_text(encoding="utf-8")
    old = "    match: copy_loss\n    genes: [NF1]\n"
    assert text.count(old) == 1
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, f"    match: copy_loss\n    genes: [{genes}]\n"))
    return load_rules(path)


def test_a_deletion_is_judged_for_every_gene_a_copy_loss_rule_names(panel, tmp_path):
    """A deletion from CSF1R intron 9 to PDGFRB intron 10, with a rule naming PDGFRB copy
    loss: CSF1R (no such rule) is passed over, PDGFRB exons 11-23 are the deletion said
    first; the junction's own reading (PDGFRB::CSF1R, a kinase fusion for review too) is said."""
    rules = rules_with_copy_loss(tmp_path, "NF1, PDGFRB")
    pos = exon(panel, "CSF1R", 9)[0] - 300
    end = exon(panel, "PDGFRB", 10)[0] - 501
    path = manta_vcf(
        tmp_path / "csf1r_pdgfrb_deletion.vcf",
        [("5", pos, "del1", "<DEL>", "PASS", f"END={end};SVTYPE=DEL", TUMOUR)],
    )
    (finding,) = classify(path, panel, rules).findings
    assert (finding.gene, finding.status, finding.reason) == (
        "PDGFRB",
        Status.REVIEW,
        "deletion_of_coding_exons",
    )
    assert "removing MANE exon(s) 11-23 of 23" in finding.classification
    (other,) = finding.caveats
    assert other.startswith(
        "other junction of this DEL: PDGFRB::CSF1R fusion with CSF1R as 3' partner, breakpoint "
        "in intron 9: CSF1R kinase domain retained"
    )


def test_a_copy_loss_gene_with_no_exon_removed_does_not_hide_the_next_one(panel, tmp_path):
    """Rules naming CSF1R and PDGFRB: a deletion from CSF1R's 5' region (beyond its MANE
    exon 1, no CSF1R exon removed) into PDGFRB intron 10 removes PDGFRB exons 11-23."""
    rules = rules_with_copy_loss(tmp_path, "NF1, CSF1R, PDGFRB")
    pos = max(exon(panel, "CSF1R", 1)) + 5000
    assert pos < panel.genes["CSF1R"].spans["GRCh38"][1]
    end = exon(panel, "PDGFRB", 10)[0] - 501
    path = manta_vcf(
        tmp_path / "csf1r_5prime_pdgfrb_deletion.vcf",
        [("5", pos, "del1", "<DEL>", "PASS", f"END={end};SVTYPE=DEL", TUMOUR)],
    )
    (finding,) = classify(path, panel, rules).findings
    assert (finding.gene, finding.reason) == ("PDGFRB", "deletion_of_coding_exons")
    assert "removing MANE exon(s) 11-23 of 23" in finding.classification


# ------------------------------------------------------------ events that cover a gene


def test_events_covering_panel_genes_without_a_breakpoint_in_them_are_said(panel, rules, tmp_path):
    """Breakpoints outside every panel gene (and beyond the 5' windows), the event spanning
    panel genes: a VUS naming what it covers, never dropped as outside the panel. A symbolic
    record that is not a junction (<CNV>) says no rule applies."""
    bnd1, bnd2 = "N[chr9:130960000[", "]chr9:130560000]N"
    path = manta_vcf(
        tmp_path / "covering.vcf",
        [
            ("9", 130550000, "cnv1", "<CNV>", "PASS", "END=130950000;SVTYPE=CNV", TUMOUR),
            ("9", 130560000, "bnd1", bnd1, "PASS", "SVTYPE=BND;MATEID=bnd2", TUMOUR),
            ("9", 130570000, "dup1", "<DUP:TANDEM>", "PASS", "END=131245000;SVTYPE=DUP", TUMOUR),
            ("9", 130960000, "bnd2", bnd2, "PASS", "SVTYPE=BND;MATEID=bnd1", TUMOUR),
            ("18", 62900000, "del1", "<DEL>", "PASS", "END=63500000;SVTYPE=DEL", TUMOUR),
        ],
    )
    result = classify(path, panel, rules)
    said = [
        (f.gene, f.alteration_type, f.genomic, f.status, f.reason, f.classification)
        for f in result.findings
    ]
    tail = ": no breakpoint inside a panel gene; copy number is judged from the copy-number file"
    assert said == [
        (
            "ABL1",
            "cnv",
            "CNV chr9:130550000-130950000",
            Status.VUS,
            "sv_type_not_interpreted",
            "cnv chr9:130550000-130950000 covering ABL1: not a junction between two loci; "
            "no trial rule applies",
        ),
        (
            "ABL1",
            "bnd",
            "BND chr9:130560000-130960000",
            Status.VUS,
            "gene_within_sv",
            "bnd chr9:130560000-130960000 covering ABL1" + tail,
        ),
        (
            "ABL1",
            "duplication",
            "DUP chr9:130570000-131245000",
            Status.VUS,
            "gene_within_sv",
            "duplication chr9:130570000-131245000 covering ABL1, NUP214" + tail,
        ),
        (
            "BCL2",
            "deletion",
            "DEL chr18:62900000-63500000",
            Status.VUS,
            "gene_within_sv",
            "deletion chr18:62900000-63500000 covering BCL2" + tail,
        ),
    ]
    # each names its records (the BND mate pair: one finding, both records) and file
    assert [(f.record_number, f.other_records) for f in result.findings] == [
        (1, ()),
        (2, (4,)),
        (3, ()),
        (5, ()),
    ]
    assert {(f.sample_id, f.source_file) for f in result.findings} == {("S1", str(path))}
    assert (result.accounting.outside_panel, result.accounting.by_status) == (0, {"vus": 5})


def test_an_inversion_is_the_more_decisive_of_its_two_junctions(panel, rules, tmp_path):
    """<INV> from ABL1 intron 1 to FIBCD1 (minus strand, 3' of ABL1): its first junction is
    the reciprocal ABL1::FIBCD1, its second the forward FIBCD1::ABL1 keeping ABL1 from
    intron 1. The finding is the listed one; the reciprocal reading is said."""
    pos = exon(panel, "ABL1", 1)[1] + 5000
    path = manta_vcf(
        tmp_path / "abl1_fibcd1_inversion.vcf",
        [("9", pos, "inv1", "<INV>", "PASS", "END=130920000;SVTYPE=INV", TUMOUR)],
    )
    (finding,) = classify(path, panel, rules).findings
    assert (finding.partner_genes, finding.status, finding.rule_id) == (
        ("FIBCD1", "ABL1"),
        Status.QUALIFYING,
        "B-L1",
    )
    (other,) = finding.caveats
    assert other.startswith(
        "other junction of this INV: ABL1::FIBCD1 junction: ABL1 is the 5' partner, the "
        "reciprocal product of a FIBCD1::ABL1 rearrangement"
    )


# ------------------------------------------------------------ a reciprocal answered


RECIPROCAL_WORDS = (
    "ABL1::BCR junction: ABL1 is the 5' partner, the reciprocal product of a BCR::ABL1 "
    "rearrangement (breakpoint in intron 1); its forward junction BCR::ABL1 is reported from "
    "this file"
)


def test_a_reciprocal_answered_by_its_forward_junction_is_no_longer_a_b_l1_doubt(panel, rules):
    path = REARRANGEMENTS / "sv_manta_bcr_abl1_balanced_reciprocal_first.vcf"
    reciprocal, forward = classify(path, panel, rules).findings
    assert (forward.partner_genes, forward.status) == (("BCR", "ABL1"), Status.QUALIFYING)
    assert (reciprocal.status, reciprocal.would_be, reciprocal.rule_id) == (
        Status.VUS,
        None,
        None,
    )
    assert reciprocal.classification == RECIPROCAL_WORDS
