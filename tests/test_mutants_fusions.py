"""Fusion decisions that mutation testing found weakly guarded (mapk_filter.interpret.fusions).

These tests guard the decision code of ``interpret/fusions.py`` where ``mutmut`` showed that
a changed comparison, a dropped argument or garbled words went unnoticed. Each one states a rule a
tumour board relies on: what a junction is called (status, reason, rule), the words the
board reads (whole sentences or their decisive parts), whether the kinase is kept, which
sub-protocol is named, and which end a finding is about. Junctions are built from the
panel's MANE exon coordinates and read through ``interpret_junction`` with the real panel,
genome gene table and trial rules; a few rules files are written to tmp_path from the
bundled one to show rules the bundled file does not exercise (a kinase without a known
kinase domain, a listed rule without a breakpoint exon, two routes). No mocks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mapk_filter.context import Context
from mapk_filter.genome_genes import load_genome_genes
from mapk_filter.interpret.structural import interpret_junction
from mapk_filter.models import Status
from mapk_filter.readers.structural import DOWNSTREAM, UPSTREAM, Junction
from mapk_filter.resources import trial_rules_path
from mapk_filter.rules import TrialRules, load_rules

BUILD = "GRCh38"
ETV6_INTRON_2 = ("12", 11760000)  # ETV6 (+): between exon 2 and exon 3
FLT3_INTRON_6 = ("13", 28050000)  # FLT3 (-): between exon 6 and exon 7, before the kinase
INTERGENIC_CHR1 = ("1", 130700000)  # no protein-coding gene; 13 kb below ABL1's chr9 start
SINGLE_TEXT = (
    "partner not resolved (unmapped or repetitive sequence): not interpretable as a fusion, "
    "confirm by RNA or FISH"
)
SPLICE_CAVEAT = "the fusion transcript needs a splice site there (confirm by RNA)"


def exon(panel, gene: str, number: int) -> tuple[int, int]:
    """(start, end) of a MANE exon of a panel gene on GRCh38."""
    (span,) = [e.spans[BUILD] for e in panel.exons if e.gene == gene and e.number == number]
    return span


def junction(a, b=None, *, svtype="BND", frame="", cipos_a=(0, 0), cipos_b=(0, 0)) -> Junction:
    """A PASS junction with 40 supporting reads; a and b are (chrom, pos, kept)."""
    other = b if b is not None else (None, None, None)
    return Junction(
        a[0],
        a[1],
        a[2],
        other[0],
        other[1],
        other[2],
        svtype,
        ("r1",),
        (1,),
        40,
        ("PASS",),
        cipos_a != (0, 0) or cipos_b != (0, 0),
        cipos_a,
        cipos_b,
        "",
        frame,
        rna=svtype == "RNA",  # as the RNA fusion readers make it
    )


def finding(panel, rules, a, b=None, **kw):
    return interpret_junction(
        junction(a, b, **kw), Context(panel, rules, BUILD, genome_genes=load_genome_genes())
    )


def call_of(f) -> tuple:
    return (f.status, f.reason, f.rule_id, f.kinase_domain_retained, f.routes)


def rules_file(tmp_path: Path, edit) -> TrialRules:
    """The bundled trial rules with one edit, written to tmp_path and read by load_rules."""
    data = yaml.safe_load(trial_rules_path().read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_rules(path)


def review_rule(data: dict, rule_id: str) -> dict:
    (rule,) = [r for r in data["review"] if r["id"] == rule_id]
    return rule


# ----------------------------------------------------------------- single breakends


def test_single_breakend_in_a_gene_without_a_kinase_rule_is_not_interpretable(panel, rules):
    f = finding(panel, rules, ("9", 131130000, UPSTREAM))  # NUP214 intron 4
    assert call_of(f) == (Status.VUS, "single_breakend", None, "unknown", ())
    assert f.classification == (
        f"single breakend in NUP214 intron 4 (kept upstream); {SINGLE_TEXT}"
    )
    assert f.caveats == ()


@pytest.mark.parametrize(
    "pos, label, where",
    [
        (130800000, "ABL1 intron 1 (5' of MANE exon 1)", "intron 1 (5' of MANE exon 1)"),
        (130710000, "intergenic, 3.0 kb 5' of ABL1", "intergenic, 3.0 kb 5' of ABL1"),
        (130713042, "intergenic, 0.0 kb 5' of ABL1", "intergenic, 0.0 kb 5' of ABL1"),
        (130633043, "FUBP3, 80.0 kb 5' of ABL1", "FUBP3, 80.0 kb 5' of ABL1"),
    ],
)
def test_single_breakend_where_abl1_would_keep_its_kinase_is_review_b_l1(
    pos, label, where, panel, rules
):
    """Inside ABL1 before exon 2, or in its 5' flank (the rules' window) keeping ABL1."""
    f = finding(panel, rules, ("9", pos, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "single_breakend", "B-L1", "unknown", ())
    assert f.classification == (
        f"single breakend in {label} (kept downstream); {SINGLE_TEXT}; a breakpoint in "
        f"{where} where a ABL1 fusion would keep the kinase: possible ABL1 fusion keeping the "
        "kinase domain"
    )
    assert f.caveats == ()


def test_single_breakend_past_the_kinase_start_says_the_kinase_is_not_retained(panel, rules):
    f = finding(panel, rules, ("9", 130876000, DOWNSTREAM))  # ABL1 intron 7
    assert call_of(f) == (Status.VUS, "single_breakend", None, "no", ())
    assert f.classification == (
        f"single breakend in ABL1 intron 7 (kept downstream); {SINGLE_TEXT}; ABL1 kinase "
        "domain not retained from here"
    )


def test_single_breakend_in_flt3_names_its_review_rule_and_sub_protocol_d(panel, rules):
    f = finding(panel, rules, (*FLT3_INTRON_6, UPSTREAM))
    assert call_of(f) == (Status.REVIEW, "single_breakend", "B-R11", "unknown", ("D",))
    assert f.classification == (
        f"single breakend in FLT3 intron 6 (kept upstream); {SINGLE_TEXT}; a breakpoint in "
        "intron 6 where a FLT3 fusion would keep the kinase: possible RAF or FLT3 kinase "
        "fusion keeping the kinase domain"
    )


def test_single_breakend_in_a_neighbouring_gene_pointing_away_from_abl1_is_outside(panel, rules):
    """EXOSC2 lies 6-19 kb 5' of ABL1; a breakend there keeping EXOSC2's 5' part (away from
    ABL1) is not an ABL1 rearrangement, and no panel gene is touched."""
    assert finding(panel, rules, ("9", 130700000, UPSTREAM)) is None


def test_single_breakend_in_abl1s_intergenic_flank_is_abl1s_whichever_side_is_kept(panel, rules):
    f = finding(panel, rules, ("9", 130710000, UPSTREAM))
    assert (f.gene, f.status, f.rule_id) == ("ABL1", Status.REVIEW, "B-L1")
    assert f.breakpoints == ("chr9:130710000 (intergenic, 3.0 kb 5' of ABL1)",)


def test_a_breakend_on_another_chromosome_is_never_5_prime_of_a_kinase(panel, rules):
    """chr1:130,700,000 is intergenic and 13 kb below where ABL1 starts on chr9."""
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), (*INTERGENIC_CHR1, DOWNSTREAM))
    assert f.gene == "ETV6"
    assert f.partner_genes == ("ETV6", "intergenic")
    assert "ABL1" not in f.classification


def test_single_breakend_in_two_overlapping_genes_5_prime_of_lck_names_both(panel, rules):
    """DCDC2B and TMEM234 overlap 36.5 kb 5' of LCK (B-R10); LCK is kept downstream."""
    f = finding(panel, rules, ("1", 32214744, DOWNSTREAM))
    assert (f.gene, f.status, f.rule_id) == ("LCK", Status.REVIEW, "B-R10")
    assert f.classification.startswith(
        "single breakend in DCDC2B/TMEM234, 36.5 kb 5' of LCK (kept downstream); "
    )


# ----------------------------------------------------------------- the kinase breakpoint


def test_breakpoint_in_the_abl1_exon_2_splice_acceptor_is_review(panel, rules):
    start, _ = exon(panel, "ABL1", 2)
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("9", start - 1, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "breakpoint_in_splice_acceptor", "B-L1", "yes", ())
    assert f.classification == (
        "ETV6::ABL1 fusion, ABL1 breakpoint in intron 1, within 2 bp of exon 2: its splice "
        "acceptor is cut, so whether exon 2 is spliced into the fusion transcript is "
        "uncertain; not B-L1 as it stands: confirm by RNA"
    )
    assert f.caveats == ()


def test_breakpoint_in_the_pdgfrb_exon_11_splice_acceptor_is_review(panel, rules):
    """PDGFRB is on the minus strand: exon 11's acceptor lies just above its end."""
    _, end = exon(panel, "PDGFRB", 11)
    f = finding(panel, rules, ("5", 158800000, DOWNSTREAM), ("5", end + 1, UPSTREAM))
    assert (f.status, f.reason, f.rule_id) == (
        Status.REVIEW,
        "breakpoint_in_splice_acceptor",
        "B-L3",
    )
    assert "EBF1::PDGFRB fusion, PDGFRB breakpoint in intron 10, within 2 bp of exon 11" in (
        f.classification
    )


def test_dna_breakpoint_inside_exon_1_of_abl1_is_listed_without_a_splice_caveat(panel, rules):
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("9", 130835300, DOWNSTREAM))
    assert call_of(f) == (Status.QUALIFYING, "listed_fusion", "B-L1", "yes", ())
    assert f.classification == (
        "ETV6::ABL1 fusion, ABL1 breakpoint in exon 1 (keeps all of exon 2): kinase domain retained"
    )
    assert f.caveats == ()


KINASE_KEPT_AFTER_EXON_2 = (
    "ETV6::ABL1 fusion, ABL1 breakpoint in exon 4 (after exon 2, before the kinase domain "
    "from exon 4): kinase domain retained, exon 2 not retained; not the configuration B-L1 "
    "lists"
)


@pytest.mark.parametrize("pos", [130862900, 130862937])  # in exon 4; the first kinase base
def test_abl1_breakpoint_in_exon_4_up_to_the_first_kinase_codon_keeps_the_kinase(pos, panel, rules):
    """Codon-exact: the kinase starts at base 130,862,937 of exon 4 (exon 4 starts at
    130,862,763), so a 3' ABL1 kept from there keeps the kinase, not exon 2."""
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("9", pos, DOWNSTREAM))
    assert call_of(f) == (
        Status.REVIEW,
        "kinase_retained_breakpoint_after_listed_exon",
        "B-L1",
        "yes",
        (),
    )
    assert f.classification == KINASE_KEPT_AFTER_EXON_2
    assert f.caveats == (
        "exon 2 not retained",
        f"DNA breakpoint inside exon 4: {SPLICE_CAVEAT}",
    )


@pytest.mark.parametrize("pos, where", [(130862938, "exon 4"), (130872500, "intron 5")])
def test_abl1_breakpoint_past_the_first_kinase_base_loses_the_kinase(pos, where, panel, rules):
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("9", pos, DOWNSTREAM))
    assert call_of(f) == (Status.VUS, "kinase_domain_not_retained", None, "no", ())
    assert f.classification == (
        f"ETV6::ABL1 junction, ABL1 breakpoint in {where}: in or past the kinase-domain exons "
        "(4-9); kinase domain not retained, not a ABL1 kinase fusion"
    )


@pytest.mark.parametrize("pos, status", [(150125454, Status.REVIEW), (150125453, Status.VUS)])
def test_pdgfrb_first_kinase_base_is_kept_on_the_minus_strand(pos, status, panel, rules):
    """PDGFRB's kinase starts at 150,125,454 (minus strand): a 3' part kept from that base
    downwards keeps the kinase; kept from one base lower it does not."""
    f = finding(panel, rules, ("5", 158800000, DOWNSTREAM), ("5", pos, UPSTREAM))
    assert f.status == status


def test_pdgfrb_breakpoint_after_exon_11_keeps_the_kinase_but_loses_the_transmembrane_domain(
    panel, rules
):
    f = finding(panel, rules, ("5", 158800000, DOWNSTREAM), ("5", 150126000, UPSTREAM))
    assert call_of(f) == (
        Status.REVIEW,
        "kinase_retained_breakpoint_after_listed_exon",
        "B-L3",
        "yes",
        (),
    )
    assert f.classification == (
        "EBF1::PDGFRB fusion, PDGFRB breakpoint in intron 11 (after exon 11, before the "
        "kinase domain from exon 12): kinase domain retained, transmembrane domain lost; not "
        "the configuration B-L3 lists"
    )
    assert f.caveats == ("transmembrane domain lost",)


# ----------------------------------------------------------------- the 5' partner


@pytest.mark.parametrize(
    "partner, name, where",
    [
        (("12", 11891000, UPSTREAM), "ETV6", "exon 8"),
        (("9", 131125580, UPSTREAM), "NUP214", "intron 1 (5' of MANE exon 1)"),
        (("5", 150053292, DOWNSTREAM), "CSF1R", "3' of exon 21"),
    ],
)
def test_a_5_prime_partner_cut_before_its_first_or_in_its_last_exon_makes_no_listed_fusion(
    partner, name, where, panel, rules
):
    f = finding(panel, rules, partner, ("9", 130800000, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "partner_contributes_no_exon", "B-L1", "yes", ())
    assert f.classification == (
        f"{name}::ABL1 junction, ABL1 breakpoint in intron 1 (5' of MANE exon 1): the {name} "
        f"breakpoint lies in {where}: the 5' partner contributes no coding exon before it, "
        f"so no {name} fusion protein can be made from this junction as called; not the "
        "product B-L1 lists as it stands: confirm by RNA"
    )


def test_a_5_prime_partner_outside_the_panel_makes_the_listed_abl1_fusion(panel, rules):
    """GAPDH (+ strand, not a panel gene, no exon table here) as the 5' partner."""
    f = finding(panel, rules, ("12", 6536000, UPSTREAM), ("9", 130800000, DOWNSTREAM))
    assert call_of(f) == (Status.QUALIFYING, "listed_fusion", "B-L1", "yes", ())
    assert f.classification == (
        "GAPDH::ABL1 fusion, ABL1 breakpoint in intron 1 (5' of MANE exon 1) (before exon 2): "
        "kinase domain retained"
    )
    assert f.partner_genes == ("GAPDH", "ABL1")
    assert f.breakpoints == (
        "chr12:6536000 (GAPDH)",
        "chr9:130800000 (ABL1 intron 1 (5' of MANE exon 1))",
    )


# ----------------------------------------------------------------- other kinases, routes

FLT3_FUSION = (
    "ETV6::FLT3 fusion with FLT3 as 3' partner, breakpoint in {where}: FLT3 kinase domain "
    "retained; RAF or FLT3 kinase fusion keeping the kinase domain; entry criterion of "
    "sub-protocol D"
)


def test_flt3_kinase_fusion_is_review_b_r11_and_names_sub_protocol_d(panel, rules):
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), (*FLT3_INTRON_6, UPSTREAM))
    assert call_of(f) == (Status.REVIEW, "kinase_fusion", "B-R11", "yes", ("D",))
    assert f.classification == FLT3_FUSION.format(where="intron 6")
    assert f.caveats == ()
    assert f.partner_genes == ("ETV6", "FLT3")


def test_dna_breakpoint_inside_a_kept_exon_asks_for_a_splice_site(panel, rules):
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("13", 28050150, UPSTREAM))
    assert call_of(f) == (Status.REVIEW, "kinase_fusion", "B-R11", "yes", ("D",))
    assert f.classification == FLT3_FUSION.format(where="exon 6")
    assert f.caveats == (f"DNA breakpoint inside exon 6: {SPLICE_CAVEAT}",)


def test_partner_joined_5_prime_of_the_whole_flt3_gene_is_a_possible_rearrangement(panel, rules):
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("13", 28110000, UPSTREAM))
    assert call_of(f) == (Status.REVIEW, "partner_upstream_of_gene", "B-R11", "yes", ("D",))
    assert f.classification == (
        "possible ETV6::FLT3 rearrangement: ETV6 joined at chr13:28110000 (intergenic, 9.4 kb "
        "5' of FLT3), the whole FLT3 gene kept; not a breakpoint inside FLT3: confirm by RNA "
        "or FISH; entry criterion of sub-protocol D"
    )
    assert f.caveats == ()


def test_kinase_3_prime_part_joined_to_intergenic_sequence_is_review(panel, rules):
    f = finding(panel, rules, (*FLT3_INTRON_6, UPSTREAM), (*INTERGENIC_CHR1, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "partner_not_a_gene", "B-R11", "unknown", ("D",))
    assert f.classification == (
        "FLT3 3' part (breakpoint in intron 6) joined to intergenic sequence at "
        "chr1:130700000 (intergenic): kinase domain would be retained but no 5' partner gene; "
        "confirm by RNA or FISH; entry criterion of sub-protocol D"
    )
    assert f.alteration_type == "rearrangement"
    assert f.partner_genes == ("FLT3", "intergenic")
    assert f.breakpoints == ("chr13:28050000 (FLT3 intron 6)", "chr1:130700000 (intergenic)")
    assert f.caveats == ()


def test_intergenic_partner_first_is_named_intergenic(panel, rules):
    f = finding(panel, rules, (*INTERGENIC_CHR1, DOWNSTREAM), (*FLT3_INTRON_6, UPSTREAM))
    assert f.partner_genes == ("intergenic", "FLT3")
    assert f.breakpoints == ("chr1:130700000 (intergenic)", "chr13:28050000 (FLT3 intron 6)")


def test_abl1_5_prime_part_joined_to_intergenic_sequence_cannot_make_the_fusion(panel, rules):
    f = finding(panel, rules, ("9", 130800000, UPSTREAM), (*INTERGENIC_CHR1, UPSTREAM))
    assert call_of(f) == (
        Status.REVIEW,
        "orientation_cannot_make_fusion",
        "B-L1",
        "unknown",
        (),
    )
    assert f.classification == (
        "ABL1::intergenic junction (ABL1 breakpoint in intron 1 (5' of MANE exon 1)) in an "
        "orientation that cannot make partner::ABL1 (both ends keep their 5' parts); the "
        "forward junction may have been missed: confirm by RNA or FISH"
    )


def test_reciprocal_flt3_junction_keeps_its_route(panel, rules):
    f = finding(panel, rules, (*FLT3_INTRON_6, DOWNSTREAM), (*ETV6_INTRON_2, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "reciprocal_junction", "B-R11", "unknown", ("D",))
    assert f.classification == (
        "FLT3::ETV6 junction: FLT3 is the 5' partner, the reciprocal product of a ETV6::FLT3 "
        "rearrangement (breakpoint in intron 6); forward junction ETV6::FLT3 not seen: "
        "confirm by RNA or FISH; entry criterion of sub-protocol D"
    )


def test_reciprocal_abl1_junction_inside_a_kept_exon_asks_for_a_splice_site(panel, rules):
    f = finding(panel, rules, ("9", 130854900, UPSTREAM), (*ETV6_INTRON_2, DOWNSTREAM))
    assert (f.status, f.reason, f.rule_id) == (Status.REVIEW, "reciprocal_junction", "B-L1")
    assert f.caveats == (f"DNA breakpoint inside exon 3: {SPLICE_CAVEAT}",)


# ----------------------------------------------------------------- no rule


def test_productive_junction_of_two_genes_without_rules_is_named_5_prime_first(panel, rules):
    """ETV6's 3' part (first end) joined to NUP214's 5' part: NUP214::ETV6, no rule."""
    f = finding(panel, rules, (*ETV6_INTRON_2, DOWNSTREAM), ("9", 131130000, UPSTREAM))
    assert (f.status, f.reason, f.rule_id, f.gene) == (
        Status.VUS,
        "no_rule_matched",
        None,
        "ETV6",
    )
    assert f.classification == (
        "NUP214::ETV6 rearrangement at chr12:11760000 (ETV6 intron 2): no trial rule matches"
    )


def test_unproductive_junction_of_two_genes_says_no_fusion_of_two_genes(panel, rules):
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("9", 131130000, UPSTREAM))
    assert (f.status, f.reason, f.rule_id) == (Status.VUS, "not_a_productive_fusion", None)
    assert f.classification == (
        "ETV6::NUP214 rearrangement at chr12:11760000 (ETV6 intron 2): no 5'->3' fusion of two "
        "genes"
    )


# ----------------------------------------------------------------- RNA frame verdicts

OUT_OF_FRAME = (
    "; reading frame out-of-frame (the RNA caller's verdict): the kinase may not be "
    "translated, not the listed product as called"
)


def test_out_of_frame_review_fusion_keeps_its_reason_and_gets_the_verdict(panel, rules):
    f = finding(
        panel,
        rules,
        ("12", 11752579, UPSTREAM),
        ("13", 28050222, UPSTREAM),
        svtype="RNA",
        frame="out-of-frame",
    )
    assert call_of(f) == (Status.REVIEW, "kinase_fusion", "B-R11", "yes", ("D",))
    assert f.classification == (FLT3_FUSION.format(where="exon 6 (first base)") + OUT_OF_FRAME)
    assert f.caveats == ("reading frame out-of-frame",)


def test_out_of_frame_other_sub_protocol_fusion_stays_vus(panel, rules):
    f = finding(
        panel,
        rules,
        ("12", 11752579, UPSTREAM),
        ("9", 5080533, DOWNSTREAM),
        svtype="RNA",
        frame="out-of-frame",
    )
    assert call_of(f) == (Status.VUS, "other_subprotocol_fusion", None, "yes", ("C",))
    assert f.classification == (
        "ETV6::JAK2 fusion with JAK2 as 3' partner, breakpoint in exon 18 (first base): JAK2 "
        "kinase domain retained; not a sub-protocol B alteration; entry criterion of "
        "sub-protocol C" + OUT_OF_FRAME
    )


def test_out_of_frame_pdgfrb_fusion_past_exon_11_gets_the_verdict(panel, rules):
    f = finding(
        panel,
        rules,
        ("5", 158800000, DOWNSTREAM),
        ("5", 150125577, UPSTREAM),
        svtype="RNA",
        frame="out-of-frame",
    )
    assert (f.status, f.reason) == (
        Status.REVIEW,
        "kinase_retained_breakpoint_after_listed_exon",
    )
    assert f.classification.endswith("not the configuration B-L3 lists" + OUT_OF_FRAME)
    assert f.caveats == ("reading frame out-of-frame", "transmembrane domain lost")


def test_in_frame_verdict_is_not_added_to_a_reciprocal_junction(panel, rules):
    f = finding(
        panel,
        rules,
        (*FLT3_INTRON_6, DOWNSTREAM),
        (*ETV6_INTRON_2, DOWNSTREAM),
        svtype="RNA",
        frame="in-frame",
    )
    assert f.reason == "reciprocal_junction"
    assert f.classification.endswith("confirm by RNA or FISH; entry criterion of sub-protocol D")


# ----------------------------------------------------------------- intragenic events

ITD = (
    "tandem duplication of {size} bp ({frame}) in FLT3 exon 14, called as a structural "
    "variant: possible FLT3 internal tandem duplication (juxtamembrane exons)"
)


@pytest.mark.parametrize(
    "hi, size, frame", [(28034297, 303, "in frame"), (28034298, 304, "not a multiple of 3")]
)
def test_flt3_tandem_duplication_of_exon_14_is_a_possible_itd_with_its_frame(
    hi, size, frame, panel, rules
):
    """FLT3 exon 14 is 28,034,082-28,034,214; exon 13 starts at 28,034,301."""
    f = finding(panel, rules, ("13", 28033995, DOWNSTREAM), ("13", hi, UPSTREAM))
    assert call_of(f) == (
        Status.REVIEW,
        "tandem_duplication_in_itd_exons",
        "B-R6",
        None,
        ("D",),
    )
    assert f.classification == ITD.format(size=size, frame=frame)
    assert f.alteration_type == "intragenic_duplication"


def test_flt3_deletion_of_exon_14_is_not_an_itd(panel, rules):
    f = finding(panel, rules, ("13", 28033995, UPSTREAM), ("13", 28034297, DOWNSTREAM))
    assert call_of(f) == (Status.VUS, "intragenic_event", None, None, ())
    assert f.classification == (
        "intragenic deletion of FLT3 (chr13:28033995-28034297, exon 14): not a fusion; "
        "touching exon 14, no trial rule matches"
    )


def test_intronic_flt3_deletion_is_an_intronic_vus(panel, rules):
    f = finding(panel, rules, ("13", 28040000, UPSTREAM), ("13", 28040300, DOWNSTREAM))
    assert call_of(f) == (Status.VUS, "intragenic_event", None, None, ())
    assert f.classification == (
        "intragenic deletion of FLT3 (chr13:28040000-28040300, no exon): not a fusion; "
        "intronic, no trial rule matches"
    )


def test_duplication_of_the_last_abl1_kinase_exon_is_review_b_r13(panel, rules):
    """ABL1 exon 9 (130,880,068-130,880,157) is the last kinase-domain exon (4-9)."""
    f = finding(panel, rules, ("9", 130880000, DOWNSTREAM), ("9", 130880300, UPSTREAM))
    assert call_of(f) == (Status.REVIEW, "intragenic_kinase_exons", "B-R13", "unknown", ())
    assert f.classification == (
        "intragenic duplication of ABL1 (chr9:130880000-130880300, exon 9): not a fusion; it "
        "touches kinase-domain exons 9-9 (kinase domain: exons 4-9): effect on the kinase "
        "unknown; Intragenic rearrangement touching the kinase-domain exons of a listed or "
        "ABL-class kinase"
    )


def test_abl1_deletion_of_exons_2_3_leaves_the_kinase_domain_untouched(panel, rules):
    f = finding(panel, rules, ("9", 130850000, UPSTREAM), ("9", 130858000, DOWNSTREAM))
    assert call_of(f) == (Status.VUS, "intragenic_outside_kinase_domain", None, "yes", ())
    assert f.classification == (
        "intragenic deletion of ABL1 (chr9:130850000-130858000, exons 2-3): not a fusion; the "
        "kinase-domain exons (4-9) are not touched"
    )
    assert f.caveats == ()


def test_nf1_deletion_of_coding_exons_is_review_b_r12_and_names_d(panel, rules):
    f = finding(panel, rules, ("17", 31100000, UPSTREAM), ("17", 31200000, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "intragenic_deletion_of_exons", "B-R12", None, ("D",))
    assert f.classification == (
        "intragenic deletion of NF1 (chr17:31100000-31200000, exons 2-8): not a fusion; it "
        "deletes exons 2-8: possible loss of function; NF1 deletion (copy loss over NF1 coding "
        "exons)"
    )
    assert f.caveats == ()


def test_nf1_duplication_of_coding_exons_is_not_a_loss(panel, rules):
    f = finding(panel, rules, ("17", 31100000, DOWNSTREAM), ("17", 31200000, UPSTREAM))
    assert call_of(f) == (Status.VUS, "intragenic_event", None, None, ())
    assert f.classification == (
        "intragenic duplication of NF1 (chr17:31100000-31200000, exons 2-8): not a fusion; "
        "touching exons 2-8, no trial rule matches"
    )


def test_intronic_nf1_deletion_deletes_no_exon(panel, rules):
    f = finding(panel, rules, ("17", 31100000, UPSTREAM), ("17", 31100500, DOWNSTREAM))
    assert call_of(f) == (Status.VUS, "intragenic_event", None, None, ())
    assert f.classification.endswith("no exon): not a fusion; intronic, no trial rule matches")


def test_a_breakpoint_on_an_exon_boundary_base_touches_that_exon(panel, rules):
    start, end = exon(panel, "NUP214", 5)
    for lo, hi, where in [(start - 300, start, "first"), (end, end + 200, "last")]:
        f = finding(panel, rules, ("9", lo, UPSTREAM), ("9", hi, DOWNSTREAM))
        assert call_of(f) == (Status.VUS, "intragenic_event", None, None, ())
        assert f.classification == (
            f"intragenic deletion of NUP214 (chr9:{lo}-{hi}, exon 5): not a fusion; touching "
            "exon 5, no trial rule matches"
        ), where


@pytest.mark.parametrize("kept", [UPSTREAM, DOWNSTREAM])
def test_both_ends_keeping_the_same_side_is_an_inversion(kept, panel, rules):
    f = finding(panel, rules, ("9", 131130000, kept), ("9", 131131000, kept))
    assert f.alteration_type == "intragenic_inversion"
    assert f.classification.startswith(
        "intragenic inversion of NUP214 (chr9:131130000-131131000, exon 5): not a fusion"
    )


# ----------------------------------------------------------------- one end in the 5' flank


def test_abl1_cut_inside_and_joined_to_its_own_5_prime_flank_has_no_partner_gene(panel, rules):
    """One end in ABL1 intron 1, the other 90 kb 5' of it (intergenic): ABL1 is cut, not
    kept whole, and the flank end is intergenic sequence, not ABL1."""
    f = finding(panel, rules, ("9", 130800000, DOWNSTREAM), ("9", 130710000, UPSTREAM))
    assert call_of(f) == (Status.REVIEW, "partner_not_a_gene", "B-L1", "unknown", ())
    assert f.classification == (
        "ABL1 3' part (breakpoint in intron 1 (5' of MANE exon 1)) joined to intergenic "
        "sequence at chr9:130710000 (intergenic): kinase domain would be retained but no 5' "
        "partner gene; confirm by RNA or FISH"
    )
    assert f.breakpoints == (
        "chr9:130800000 (ABL1 intron 1 (5' of MANE exon 1))",
        "chr9:130710000 (intergenic)",
    )


def test_abl1_flank_end_listed_first_is_still_not_abl1(panel, rules):
    f = finding(panel, rules, ("9", 130710000, UPSTREAM), ("9", 130880600, DOWNSTREAM))
    assert call_of(f) == (Status.VUS, "kinase_domain_not_retained", None, "no", ())
    assert f.gene == "ABL1"
    assert f.classification.startswith("ABL1::intergenic junction, ABL1 breakpoint in exon 10")
    assert f.partner_genes == ("intergenic", "ABL1")
    assert f.breakpoints == ("chr9:130710000 (intergenic)", "chr9:130880600 (ABL1 exon 10)")


def test_flt3_cut_inside_and_joined_to_pan3_in_its_5_prime_flank_is_named_pan3(panel, rules):
    """PAN3 (+ strand) starts 38 kb 5' of FLT3 (- strand). Both ends keep their 5' parts."""
    f = finding(panel, rules, (*FLT3_INTRON_6, DOWNSTREAM), ("13", 28150000, UPSTREAM))
    assert call_of(f) == (
        Status.REVIEW,
        "orientation_cannot_make_fusion",
        "B-R11",
        "unknown",
        ("D",),
    )
    assert f.classification == (
        "FLT3::PAN3 junction (FLT3 breakpoint in intron 6) in an orientation that cannot make "
        "PAN3::FLT3 (both ends keep their 5' parts); the forward junction may have been "
        "missed: confirm by RNA or FISH; entry criterion of sub-protocol D"
    )
    assert f.partner_genes == ("FLT3", "PAN3")
    assert f.breakpoints == ("chr13:28050000 (FLT3 intron 6)", "chr13:28150000 (PAN3)")


def test_pan3_flank_end_listed_first_with_flt3_kinase_lost_is_about_flt3(panel, rules):
    f = finding(panel, rules, ("13", 28150000, UPSTREAM), ("13", 28015000, DOWNSTREAM))
    assert call_of(f) == (Status.VUS, "kinase_domain_not_retained", None, "no", ())
    assert f.gene == "FLT3"
    assert f.classification.startswith("FLT3::PAN3 junction, FLT3 breakpoint in intron 22")


def test_lck_joined_to_two_overlapping_genes_in_its_flank_names_the_first(panel, rules):
    f = finding(panel, rules, ("1", 32214744, DOWNSTREAM), ("1", 32270000, UPSTREAM))
    assert (f.status, f.reason, f.rule_id, f.gene) == (
        Status.REVIEW,
        "reciprocal_junction",
        "B-R10",
        "LCK",
    )
    assert f.classification.startswith(
        "LCK::DCDC2B junction: LCK is the 5' partner, the reciprocal product of a "
        "DCDC2B::LCK rearrangement (breakpoint in intron 1)"
    )
    assert f.breakpoints == ("chr1:32270000 (LCK intron 1)", "chr1:32214744 (DCDC2B/TMEM234)")


# ----------------------------------------------------------------- which end a finding is about


def test_pdgfrb_reading_is_preferred_to_csf1r_when_both_doubt_equally(panel, rules):
    """An inversion keeping both 3' parts (both genes on the minus strand): both readings
    are review doubts; the listed kinase's (PDGFRB, B-L3) is the finding, CSF1R's a caveat."""
    f = finding(panel, rules, ("5", 150080500, UPSTREAM), ("5", 150128000, UPSTREAM))
    assert (f.gene, f.reason, f.rule_id) == ("PDGFRB", "orientation_cannot_make_fusion", "B-L3")
    assert f.caveats == (
        "other reading: CSF1R::PDGFRB junction (CSF1R breakpoint in intron 2) in an "
        "orientation that cannot make PDGFRB::CSF1R (both ends keep their 3' parts); the "
        "forward junction may have been missed: confirm by RNA or FISH",
    )


def test_review_kinase_is_preferred_to_a_routed_kinase_when_both_lose_the_kinase(panel, rules):
    f = finding(panel, rules, ("9", 5100000, DOWNSTREAM), ("5", 150060000, UPSTREAM))
    assert (f.gene, f.reason) == ("CSF1R", "kinase_domain_not_retained")


def test_routed_kinase_is_preferred_to_a_gene_without_rules(panel, rules):
    f = finding(panel, rules, ("9", 131130000, UPSTREAM), ("9", 5100000, DOWNSTREAM))
    assert (f.gene, f.reason) == ("JAK2", "kinase_domain_not_retained")


@pytest.mark.parametrize("crlf2_first", [True, False])
def test_crlf2_rearrangement_and_jak2_fusion_rank_alike_both_naming_c(crlf2_first, panel, rules):
    """Both readings name sub-protocol C: the finding follows the caller's first end and
    the other reading is kept as a caveat."""
    crlf2, jak2 = ("X", 1200000, DOWNSTREAM), ("9", 5080700, DOWNSTREAM)
    a, b = (crlf2, jak2) if crlf2_first else (jak2, crlf2)
    f = finding(panel, rules, a, b)
    assert f.gene == ("CRLF2" if crlf2_first else "JAK2")
    assert f.routes == ("C",)
    other = "a CRLF2 rearrangement is" if not crlf2_first else "JAK2 kinase domain retained"
    assert len(f.caveats) == 1 and other in f.caveats[0]


def test_a_reading_that_names_a_sub_protocol_is_preferred_to_one_that_names_none(panel, rules):
    """JAK2 kinase lost (no route) against a CRLF2 rearrangement (sub-protocol C)."""
    f = finding(panel, rules, ("9", 5100000, DOWNSTREAM), ("X", 1200000, DOWNSTREAM))
    assert (f.gene, f.reason, f.routes) == ("CRLF2", "other_subprotocol_rearrangement", ("C",))


# ----------------------------------------------------------------- imprecise breakpoints


@pytest.mark.parametrize(
    "end, where",
    [
        ("a", "chr12:11760000 (ETV6 intron 2)"),
        ("b", "chr9:130800000 (ABL1 intron 1 (5' of MANE exon 1))"),
    ],
)
def test_imprecise_listed_fusion_far_from_any_boundary_stays_qualifying(end, where, panel, rules):
    """Moving either end within its interval keeps the same product: a caveat, no doubt."""
    f = finding(
        panel,
        rules,
        (*ETV6_INTRON_2, UPSTREAM),
        ("9", 130800000, DOWNSTREAM),
        **{f"cipos_{end}": (-10, 10)},
    )
    assert (f.status, f.reason) == (Status.QUALIFYING, "listed_fusion")
    assert f.caveats == (f"imprecise breakpoint (CIPOS -10,10 at {where})",)


# ----------------------------------------------------------------- rules the bundled file lacks


def _nup214_reviewed(data: dict) -> None:
    """NUP214, which has no kinase-domain row, named by the kinase-fusion and intragenic
    kinase review rules."""
    review_rule(data, "B-R10")["genes"].append("NUP214")
    review_rule(data, "B-R13")["genes"].append("NUP214")


def _nup214_listed_without_exon(data: dict) -> None:
    """A listed NUP214 fusion rule naming neither the 3' partner nor the exon."""
    data["listed"].append(
        {
            "id": "B-L9",
            "name": "NUP214 fusion",
            "alteration_type": "fusion",
            "gene": "NUP214",
            "requires": {},
            "source": "registry",
        }
    )


def _etv6_listed_as_5_prime_partner(data: dict) -> None:
    data["listed"].append(
        {
            "id": "B-L9",
            "name": "ETV6::ABL1 fusion",
            "alteration_type": "fusion",
            "gene": "ETV6",
            "requires": {"three_prime_partner": "ABL1", "breakpoint_before_exon": 2},
            "source": "registry",
        }
    )


def _two_routes(data: dict) -> None:
    """JAK2 fusions and CRLF2 rearrangements named by sub-protocol D as well as C."""
    for genes, match in ((["JAK2"], "kinase_fusion"), (["CRLF2"], "rearrangement")):
        route = {"subprotocol": "D", "name": "test route", "genes": genes, "match": [match]}
        data["other_subprotocols"].append({**route, "source": "registry_d"})


def test_kinase_fusion_of_a_gene_without_known_kinase_domain_is_not_checked(panel, tmp_path):
    rules = rules_file(tmp_path, _nup214_reviewed)
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("9", 131130000, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "kinase_domain_unknown", "B-R10", "unknown", ())
    assert f.classification == (
        "ETV6::NUP214 fusion, NUP214 breakpoint in intron 4: kinase-domain exons of NUP214 "
        "unknown, retention not checked"
    )
    assert f.caveats == ()


def test_out_of_frame_fusion_of_a_kinase_without_known_domain_gets_the_verdict(panel, tmp_path):
    rules = rules_file(tmp_path, _nup214_reviewed)
    f = finding(
        panel,
        rules,
        (*ETV6_INTRON_2, UPSTREAM),
        ("9", 131130766, DOWNSTREAM),
        svtype="RNA",
        frame="out-of-frame",
    )
    assert (f.status, f.reason) == (Status.REVIEW, "kinase_domain_unknown")
    assert f.classification.endswith("retention not checked" + OUT_OF_FRAME)


def test_single_breakend_in_a_kinase_without_known_domain_is_review(panel, tmp_path):
    rules = rules_file(tmp_path, _nup214_reviewed)
    f = finding(panel, rules, ("9", 131130000, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "single_breakend", "B-R10", "unknown", ())
    assert f.classification.endswith(
        "a breakpoint in intron 4 where a NUP214 fusion would keep the kinase: possible Fusion "
        "of another ABL-class or SRC-family kinase keeping its kinase domain"
    )


def test_intragenic_event_in_a_kinase_without_known_domain_may_touch_it(panel, tmp_path):
    rules = rules_file(tmp_path, _nup214_reviewed)
    f = finding(panel, rules, ("9", 131130000, UPSTREAM), ("9", 131131000, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "intragenic_kinase_exons", "B-R13", "unknown", ())
    assert f.classification == (
        "intragenic deletion of NUP214 (chr9:131130000-131131000, exon 5): not a fusion; the "
        "kinase-domain exons of NUP214 are not known, so it may touch them: effect on the "
        "kinase unknown"
    )
    assert f.caveats == ()


def test_listed_rule_without_a_breakpoint_exon_means_before_exon_1(panel, tmp_path):
    rules = rules_file(tmp_path, _nup214_listed_without_exon)
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("9", 131126000, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "kinase_domain_unknown", "B-L9", "unknown", ())
    assert f.classification == (
        "ETV6::NUP214 fusion, NUP214 breakpoint in intron 1 (after exon 1): kinase-domain "
        "exons of NUP214 unknown, retention not checked"
    )


def test_partner_without_coding_exon_and_unknown_kinase_domain_says_unknown(panel, tmp_path):
    rules = rules_file(tmp_path, _nup214_listed_without_exon)
    f = finding(panel, rules, ("12", 11891000, UPSTREAM), ("9", 131126000, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "partner_contributes_no_exon", "B-L9", "unknown", ())


def test_a_rule_listing_a_gene_as_5_prime_partner_never_lists_it_as_3_prime(panel, tmp_path):
    rules = rules_file(tmp_path, _etv6_listed_as_5_prime_partner)
    f = finding(panel, rules, ("9", 131130000, UPSTREAM), ("12", 11700000, DOWNSTREAM))
    assert call_of(f) == (Status.VUS, "kinase_domain_unknown", None, "unknown", ())
    assert f.classification == (
        "NUP214::ETV6 fusion, ETV6 breakpoint in intron 1: kinase-domain exons of ETV6 "
        "unknown, retention not checked"
    )


def test_a_5_prime_partner_rule_is_not_asked_about_the_partner_exons(panel, tmp_path):
    rules = rules_file(tmp_path, _etv6_listed_as_5_prime_partner)
    f = finding(panel, rules, ("9", 131125580, UPSTREAM), ("12", 11700000, DOWNSTREAM))
    assert (f.status, f.reason, f.rule_id) == (Status.VUS, "kinase_domain_unknown", None)


def test_two_sub_protocols_are_both_named(panel, tmp_path):
    rules = rules_file(tmp_path, _two_routes)
    fusion = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("9", 5080700, DOWNSTREAM))
    assert fusion.routes == ("C", "D")
    assert fusion.classification.endswith("; entry criterion of sub-protocol C, D")
    crlf2 = finding(panel, rules, ("X", 1200000, DOWNSTREAM), ("12", 11760000, UPSTREAM))
    assert crlf2.routes == ("C", "D")
    assert "a CRLF2 rearrangement is an entry criterion of sub-protocol C, D, not a " in (
        crlf2.classification
    )


def _kinases_routed(data: dict) -> None:
    """ABL1, PDGFRB and NUP214 kinase fusions also named by sub-protocol C; NUP214 (no
    kinase-domain row) reviewed as a kinase fusion."""
    review_rule(data, "B-R10")["genes"].append("NUP214")
    route = {"subprotocol": "C", "name": "test route", "genes": ["ABL1", "PDGFRB", "NUP214"]}
    data["other_subprotocols"].append({**route, "match": ["kinase_fusion"], "source": "hemismart"})


@pytest.mark.parametrize(
    "partner, kinase, reason",
    [
        (ETV6_INTRON_2, ("9", 130800000), "listed_fusion"),
        (ETV6_INTRON_2, ("9", 130854063), "breakpoint_in_splice_acceptor"),
        (ETV6_INTRON_2, ("9", 130862900), "kinase_retained_breakpoint_after_listed_exon"),
        (("12", 11891000), ("9", 130800000), "partner_contributes_no_exon"),
        (ETV6_INTRON_2, ("9", 131130000), "kinase_domain_unknown"),
    ],
)
def test_every_kinase_fusion_reading_keeps_the_sub_protocols_that_name_the_gene(
    partner, kinase, reason, panel, tmp_path
):
    rules = rules_file(tmp_path, _kinases_routed)
    f = finding(panel, rules, (*partner, UPSTREAM), (*kinase, DOWNSTREAM))
    assert (f.reason, f.routes) == (reason, ("C",))
    assert all("sub-protocol" not in caveat for caveat in f.caveats)


def test_dna_breakpoint_on_an_exon_first_base_asks_for_a_splice_site_in_that_exon(panel, rules):
    f = finding(panel, rules, (*ETV6_INTRON_2, UPSTREAM), ("13", 28050222, UPSTREAM))
    assert f.classification == FLT3_FUSION.format(where="exon 6 (first base)")
    assert f.caveats == (f"DNA breakpoint inside exon 6: {SPLICE_CAVEAT}",)


@pytest.mark.parametrize(
    "pos, where, caveats",
    [
        (130862900, "exon 4", (f"DNA breakpoint inside exon 4: {SPLICE_CAVEAT}",)),
        (130854063, "intron 1", ()),
    ],
)
def test_partner_without_coding_exon_still_says_the_abl1_kinase_is_kept(
    pos, where, caveats, panel, rules
):
    """ABL1 kept from exon 4 before the first kinase codon, or from exon 2's acceptor."""
    f = finding(panel, rules, ("12", 11891000, UPSTREAM), ("9", pos, DOWNSTREAM))
    assert call_of(f) == (Status.REVIEW, "partner_contributes_no_exon", "B-L1", "yes", ())
    assert f.classification.startswith(f"ETV6::ABL1 junction, ABL1 breakpoint in {where}: ")
    assert f.caveats == caveats
