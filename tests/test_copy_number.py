"""Copy number: ABL1 amplification (CN >= 4) qualifies; a single-copy gain does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import classify_file

from mapk_filter.context import Context
from mapk_filter.errors import InputError
from mapk_filter.interpret.copy_number import interpret_segment
from mapk_filter.models import Status
from mapk_filter.readers.copy_number import Segment, read_copy_number

DATA = Path(__file__).resolve().parent / "data"


def _classify(name, panel, rules, **kw):
    return classify_file(DATA / name, panel, rules, kind="copy_number", **kw)


@pytest.mark.parametrize("name", ["cnv_cnvkit_abl1_amp.vcf", "cnvkit_abl1_amp.cns"])
def test_abl1_amplification_qualifies_in_vcf_and_cns(name, panel, rules):
    result = _classify(name, panel, rules)
    assert result.kind == "copy_number"
    (amp,) = [f for f in result.findings if f.gene == "ABL1"]
    assert (amp.alteration_type, amp.status, amp.rule_id) == (
        "amplification",
        Status.QUALIFYING,
        "B-L2",
    )
    assert amp.copy_number == 6
    assert result.accounting.reconciles


def test_single_copy_gain_called_by_the_caller_is_not_amplification(panel, rules):
    result = _classify("cnv_gatk_abl1_gain.vcf", panel, rules)  # GATK integer CN 3
    (gain,) = [f for f in result.findings if f.gene == "ABL1"]
    assert gain.alteration_type == "gain"
    assert (gain.status, gain.reason) == (Status.VUS, "gain_below_amplification_threshold")
    assert gain.copy_number == pytest.approx(3.0, abs=0.01)
    assert result.accounting.reconciles


def test_log2_only_gain_over_the_kinase_may_be_an_amplification_at_lower_purity(panel, rules):
    """log2 0.585 is CN 3 only at 100% tumour content; at 50% it is CN 4: review, B-L2."""
    result = _classify("cnvkit_abl1_gain_log2.cns", panel, rules)
    (gain,) = [f for f in result.findings if f.gene == "ABL1"]
    assert (gain.status, gain.reason, gain.rule_id) == (
        Status.REVIEW,
        "possible_amplification",
        "B-L2",
    )
    assert "at 50% tumour content or less the same ratio means CN >= 4" in gain.classification
    assert result.accounting.reconciles


def test_log2_only_segment_says_no_purity_correction(panel, rules):
    (gain,) = _classify("cnvkit_abl1_gain_log2.cns", panel, rules).findings
    assert any("assuming 100% tumour content (no purity correction)" in c for c in gain.caveats)


def test_amplification_threshold_comes_from_the_rules_file(panel, tmp_path):
    """B-L2's CN >= 4 is eligibility: it lives in the versioned rules file (min_copy_number),
    so changing it changes rules_version and the rules checksum in the provenance."""
    import yaml

    from mapk_filter.resources import trial_rules_path
    from mapk_filter.rules import load_rules

    data = yaml.safe_load(trial_rules_path().read_text())
    amp = next(r for r in data["listed"] if r["id"] == "B-L2")
    amp["requires"]["min_copy_number"] = 3
    data["rules_version"] = data["changelog"][0]["version"] = "2099.01-1"
    path = tmp_path / "rules_cn3.yaml"
    path.write_text(yaml.safe_dump(data))
    lowered = load_rules(path)
    result = _classify("cnv_gatk_abl1_gain.vcf", panel, lowered)
    (amp_finding,) = [f for f in result.findings if f.gene == "ABL1"]
    assert (amp_finding.status, amp_finding.rule_id) == (Status.QUALIFYING, "B-L2")
    assert "rules 2099.01-1" in result.notes[-1]


def test_rules_without_an_amplification_rule_call_no_amplification(panel, tmp_path):
    """A site's rules version may drop B-L2: a CN 6 segment over ABL1 is then a gain that no
    rule lists (vus), never a crash that leaves the file unread."""
    import yaml

    from mapk_filter.resources import trial_rules_path
    from mapk_filter.rules import load_rules

    data = yaml.safe_load(trial_rules_path().read_text())
    data["listed"] = [r for r in data["listed"] if r["id"] != "B-L2"]
    data["rules_version"] = data["changelog"][0]["version"] = "2099.01-2"
    path = tmp_path / "rules_no_amplification.yaml"
    path.write_text(yaml.safe_dump(data))
    result = _classify("cnvkit_abl1_amp.cns", panel, load_rules(path))
    (abl1,) = [f for f in result.findings if f.gene == "ABL1"]
    assert (abl1.status, abl1.rule_id) == (Status.VUS, None)
    assert result.accounting.reconciles


def test_cns_accounting_counts_neutral_and_outside_segments(panel, rules):
    acc = _classify("cnvkit_abl1_amp.cns", panel, rules).accounting
    assert acc.records_read == acc.alleles == 4
    assert acc.outside_panel == 1  # the chr2 loss
    assert acc.by_status == {"benign": 2, "qualifying": 1}  # flanking chr9: copy neutral
    assert acc.reconciles


def test_broad_gain_is_not_taken_as_focal_amplification(panel, rules):
    abl1 = panel.genes["ABL1"].spans["GRCh38"]
    seg = Segment("9", abl1[0] - 20_000_000, abl1[1], 4.0, None, "INFO/CN", 1)
    finding = interpret_segment(seg, Context(panel, rules, "GRCh38"))
    assert finding is not None
    assert (finding.status, finding.would_be) == (Status.FILTERED, Status.QUALIFYING)
    assert finding.reason == "filtered:broad_segment"


def test_segment_outside_panel_is_none(panel, rules):
    seg = Segment("2", 50_000_000, 50_400_000, 8.0, None, "INFO/CN", 1)
    assert interpret_segment(seg, Context(panel, rules, "GRCh38")) is None


def test_cnv_record_without_end_is_an_input_error(tmp_path):
    text = (DATA / "cnv_gatk_abl1_gain.vcf").read_text().splitlines()
    text[-1] = text[-1].replace("\tEND=", "\tXEND=")
    bad = tmp_path / "bad.vcf"
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(InputError, match=r"bad\.vcf \(record 2\).*without END"):
        read_copy_number(bad, "GRCh38")


def test_cns_with_bad_number_names_line(tmp_path):
    bad = tmp_path / "x.cns"
    bad.write_text("chromosome\tstart\tend\tgene\tlog2\nchr9\t1\t100\t-\thigh\n")
    with pytest.raises(InputError, match="line 2"):
        read_copy_number(bad, "GRCh38")


def test_control_freec_style_vcf_with_copy_number_in_info(panel, rules, tmp_path):
    """Control-FREEC exports (e.g. via freec2vcf-style converters) carry SVTYPE=CNV and CN in
    INFO rather than FORMAT; the ABL1 span comes from the panel."""
    start, end = panel.genes["ABL1"].spans["GRCh38"]
    contigs = [
        ln
        for ln in (DATA / "cnv_gatk_abl1_gain.vcf").read_text().splitlines()
        if ln.startswith("##contig")
    ]
    path = tmp_path / "cnv_controlfreec_abl1_amp.vcf"
    path.write_text(
        "\n".join(
            [
                "##fileformat=VCFv4.2",
                "##source=Control-FREEC",
                '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
                '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant">',
                '##INFO=<ID=CN,Number=1,Type=Integer,Description="Copy number">',
                *contigs,
                "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
                f"chr9\t{start - 20000}\t.\tN\t<CNV>\t.\tPASS\tSVTYPE=CNV;END={end + 20000};CN=5",
            ]
        )
        + "\n"
    )
    result = classify_file(path, panel, rules, kind="copy_number")
    (amp,) = result.findings
    assert (amp.status, amp.rule_id, amp.copy_number) == (Status.QUALIFYING, "B-L2", 5)
    assert "INFO/CN" in amp.genomic


REARR = DATA / "rearrangements"


def _cn(name, panel, rules):
    result = classify_file(REARR / name, panel, rules, kind="copy_number")
    assert result.accounting.reconciles
    return result.findings


def test_cn8_segment_over_exon_1b_only_does_not_amplify_the_kinase(panel, rules):
    (finding,) = _cn("cnv_cnvkit_abl1_exon1b_only_cn8.vcf", panel, rules)
    assert (finding.status, finding.rule_id, finding.reason) == (
        Status.VUS,
        None,
        "amplification_outside_kinase_domain",
    )
    assert "touches ABL1 (no MANE exon) but not its kinase-domain exons 4-9" in (
        finding.classification
    )


def test_partial_kinase_amplification_is_review_naming_the_exons(panel, rules):
    (finding,) = _cn("cnv_cnvkit_abl1_partial_kinase_cn6.vcf", panel, rules)
    assert (finding.status, finding.rule_id, finding.reason) == (
        Status.REVIEW,
        "B-L2",
        "partial_kinase_amplification",
    )
    assert "over exons 1-6: covers only part of the kinase-domain exons 4-9" in (
        finding.classification
    )


def test_one_amplicon_in_two_segments_covers_the_kinase_together(panel, rules):
    first, second = _cn("cnv_cnvkit_abl1_split_amplicon.vcf", panel, rules)
    for finding in (first, second):
        assert (finding.status, finding.rule_id) == (Status.QUALIFYING, "B-L2")
        assert "together with the adjacent amplified segment(s)" in finding.classification
    assert "over exons 1-6" in first.classification
    assert "over exons 7-11" in second.classification


def test_nf1_copy_loss_is_b_review_and_names_d(panel, rules):
    (finding,) = _cn("cnvkit_nf1_deletion.cns", panel, rules)
    assert (finding.alteration_type, finding.status, finding.rule_id, finding.routes) == (
        "deletion",
        Status.REVIEW,
        "B-R12",
        ("D",),
    )
    assert "NF1 deletion, CN 1 (< 2) over MANE exons 1-58 of 58" in finding.classification
    assert finding.label == "NF1 deletion, CN 1"


def test_log2_only_nf1_loss_is_rounded_and_says_it_assumes_full_tumour_content(panel, rules):
    (loss,) = _cn("cnvkit_nf1_loss_log2.cns", panel, rules)  # log2 -0.9: CN 1.07 -> 1
    assert (loss.status, loss.rule_id) == (Status.REVIEW, "B-R12")
    assert any("assuming 100% tumour content" in c for c in loss.caveats)
    (shallow,) = _cn("cnvkit_nf1_shallow_log2.cns", panel, rules)  # log2 -0.3: CN 1.62 -> 2
    assert (shallow.status, shallow.reason) == (Status.BENIGN, "copy_neutral")


def test_a_filtered_segment_cannot_complete_the_kinase_coverage(panel, rules):
    first, second = _cn("cnv_cnvkit_abl1_split_amplicon_second_filtered.vcf", panel, rules)
    assert (first.status, first.reason) == (Status.REVIEW, "partial_kinase_amplification")
    assert (second.status, second.would_be, second.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:caller_filter",
    )


def test_each_segment_over_abl1_is_judged_on_its_own(panel, rules):
    exon1b, kinase = _cn("cnv_cnvkit_abl1_exon1b_then_kinase_segment.vcf", panel, rules)
    assert (exon1b.status, exon1b.reason) == (Status.VUS, "amplification_outside_kinase_domain")
    assert (kinase.status, kinase.rule_id) == (Status.QUALIFYING, "B-L2")


def test_a_copy_number_just_below_a_threshold_is_not_rounded_across_it(panel, rules):
    abl1 = panel.genes["ABL1"].spans["GRCh38"]
    seg = Segment("9", abl1[0] - 1000, abl1[1] + 1000, 3.99, None, "INFO/CN", 1)
    finding = interpret_segment(seg, Context(panel, rules, "GRCh38"))
    assert finding is not None
    assert "CN 3.99 (below the amplification threshold 4)" in finding.classification


def test_a_file_that_contradicts_itself_is_not_a_clean_amplification(panel, rules):
    """ABL1 at CN 8 inside a CN 2 segment of the same file, and a DEL record with CN 6."""
    abl1 = panel.genes["ABL1"].spans["GRCh38"]
    amp = Segment("9", abl1[0] - 1000, abl1[1] + 1000, 8.0, None, "INFO/CN", 2, "DUP")
    neutral = Segment("9", abl1[0] - 90_000, abl1[1] + 90_000, 2.0, None, "INFO/CN", 1, "CNV")
    finding = interpret_segment(amp, Context(panel, rules, "GRCh38"), overlapping=[neutral])
    assert finding is not None
    assert (finding.status, finding.would_be, finding.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:contradictory_segments",
    )
    deletion = Segment("9", abl1[0] - 1000, abl1[1] + 1000, 6.0, None, "INFO/CN", 1, "DEL")
    finding = interpret_segment(deletion, Context(panel, rules, "GRCh38"))
    assert finding is not None and finding.reason == "filtered:contradictory_record"
    assert "the record is typed DEL but gives CN 6" in finding.caveats
