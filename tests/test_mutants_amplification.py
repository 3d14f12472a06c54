"""Copy number: tests that guard the decision code found weak by mutation testing.

mutmut left mutants of ``mapk_filter.interpret.copy_number`` alive: exon boundaries of the kinase
coverage and of an NF1 deletion, segments that split one amplicon, overlapping segments that
contradict each other, the gene a multi-gene segment is judged on, and the words a board member
reads. Each test writes a tiny CNVkit .cns or CNV VCF (coordinates from the panel's MANE exons)
and classifies it through the real reader, stating the principle it guards.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import classify_file

from mapk_filter.interpret.copy_number import LOG2_CAVEAT, _exons
from mapk_filter.models import SampleResult, Status
from mapk_filter.resources import trial_rules_path
from mapk_filter.rules import TrialRules, load_rules

DATA = Path(__file__).resolve().parent / "data"
CONTIGS = [
    ln
    for ln in (DATA / "cnv_gatk_abl1_gain.vcf").read_text().splitlines()
    if ln.startswith("##contig")
]
BROAD = "may be a whole-arm or chromosome gain rather than a focal amplification"
B_L2_NAME = "ABL1 amplification"
B_R12_NAME = "NF1 deletion (copy loss over NF1 coding exons)"


def _exon(panel, gene: str, number: int) -> tuple[int, int]:
    """(start, end) of a MANE exon on GRCh38, 1-based inclusive."""
    (span,) = [(s, e) for n, s, e in _exons(panel, gene, "GRCh38") if n == number]
    return span


def _cns(tmp_path: Path, rows: list[tuple[str, int, int, float, float | None]]) -> Path:
    """A CNVkit .cns: rows (chrom, 1-based start, end, log2, cn or None for log2 only)."""
    lines = ["chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight"]
    for chrom, start, end, log2, cn in rows:
        cn_text = "" if cn is None else f"{cn:g}"
        lines.append(f"chr{chrom}\t{start - 1}\t{end}\t-\t{log2}\t{cn_text}\t300\t40\t30")
    path = tmp_path / "segments.cns"
    path.write_text("\n".join(lines) + "\n")
    return path


def _vcf(
    tmp_path: Path,
    records: list[tuple[str, int, int, str, str, str]],
    samples: tuple[str, ...] = (),
    fmt: str = "",
    name: str = "segments.vcf",
) -> Path:
    """A CNV VCF: records (chrom, pos, end, svtype, filter, extra INFO, [sample columns])."""
    header = [
        "##fileformat=VCFv4.2",
        "##source=CNVkit",
        '##ALT=<ID=DEL,Description="Deletion">',
        '##ALT=<ID=DUP,Description="Duplication">',
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">',
        '##INFO=<ID=END,Number=1,Type=Integer,Description="End position">',
        '##INFO=<ID=CN,Number=1,Type=Float,Description="Copy number">',
        '##INFO=<ID=FOLD_CHANGE_LOG,Number=1,Type=Float,Description="Log2 fold change">',
        '##FILTER=<ID=LowQual,Description="Low quality">',
        '##FILTER=<ID=q10,Description="Quality below 10">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=CN,Number=1,Type=Float,Description="Copy number">',
        *CONTIGS,
        "\t".join(
            ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
            + (["FORMAT", *samples] if samples else [])
        ),
    ]
    lines = []
    for record in records:
        chrom, pos, end, svtype, filt, info, *columns = record
        info_text = f"SVTYPE={svtype};END={end}" + (f";{info}" if info else "")
        row = [f"chr{chrom}", str(pos), ".", "N", f"<{svtype}>", ".", filt, info_text]
        if samples:
            row += [fmt, *columns]
        lines.append("\t".join(row))
    path = tmp_path / name
    path.write_text("\n".join(header + lines) + "\n")
    return path


def _classify(path: Path, panel, rules, **kw: Any) -> SampleResult:
    result = classify_file(path, panel, rules, kind="copy_number", **kw)
    assert result.accounting.reconciles
    return result


def _rules(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> TrialRules:
    """The shipped trial rules with one edit, as a new rules version."""
    data = yaml.safe_load(trial_rules_path().read_text())
    edit(data)
    data["rules_version"] = data["changelog"][0]["version"] = "2099.01-1"
    path = tmp_path / "rules_edited.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_rules(path)


def _b_l2(data: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in data["listed"] if r["id"] == "B-L2")


def _amplification_rule(rule_id: str, gene: str, requires: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": f"{gene} amplification",
        "alteration_type": "amplification",
        "gene": gene,
        "requires": requires,
        "source": "curation",
    }


# --- ABL1 amplification (B-L2): the segment must cover every kinase-domain exon -------------


def test_a_segment_over_exactly_the_kinase_exons_qualifies(panel, rules, tmp_path):
    """Exon 4's first base to exon 9's last base is the whole kinase: B-L2, nothing more."""
    start, end = _exon(panel, "ABL1", 4)[0], _exon(panel, "ABL1", 9)[1]
    (amp,) = _classify(_cns(tmp_path, [("9", start, end, 1.585, 6)]), panel, rules).findings
    assert (amp.status, amp.reason, amp.rule_id) == (
        Status.QUALIFYING,
        "listed_amplification",
        "B-L2",
    )
    assert amp.classification == (
        f"ABL1 amplification, CN 6 (>= 4) over exons 4-9, covering the kinase-domain "
        f"exons 4-9: {B_L2_NAME}"
    )


def test_a_segment_missing_the_last_kinase_exon_is_partial(panel, rules, tmp_path):
    start, end = _exon(panel, "ABL1", 4)[0] - 100, _exon(panel, "ABL1", 8)[1] + 100
    (amp,) = _classify(_cns(tmp_path, [("9", start, end, 1.585, 6)]), panel, rules).findings
    assert (amp.status, amp.reason, amp.rule_id) == (
        Status.REVIEW,
        "partial_kinase_amplification",
        "B-L2",
    )
    assert amp.classification == (
        "ABL1 amplification, CN 6 (>= 4) over exons 4-8: covers only part of the "
        "kinase-domain exons 4-9; not the whole kinase, so not B-L2 as it stands: confirm the "
        "amplicon"
    )


def test_amplification_of_one_exon_outside_the_kinase_names_that_exon(panel, rules, tmp_path):
    start, end = _exon(panel, "ABL1", 2)
    (amp,) = _classify(_cns(tmp_path, [("9", start - 50, end + 50, 2.0, 8)]), panel, rules).findings
    assert (amp.status, amp.reason, amp.rule_id) == (
        Status.VUS,
        "amplification_outside_kinase_domain",
        None,
    )
    assert amp.classification == (
        "ABL1 amplification, CN 8 (>= 4): the segment touches ABL1 (exon 2) but not its "
        "kinase-domain exons 4-9; the kinase is not amplified, not B-L2"
    )


def _split_at(panel, tmp_path, gap: int, second_cn: float) -> tuple[Any, Any]:
    """One ABL1 amplicon cut inside exon 6: the second segment starts ``gap`` bases on."""
    cut = sum(_exon(panel, "ABL1", 6)) // 2
    first = ("9", _exon(panel, "ABL1", 1)[0] - 1000, cut, "DUP", "PASS", "CN=6")
    second = ("9", cut + gap, _exon(panel, "ABL1", 11)[1] + 1000, "DUP", "PASS", f"CN={second_cn}")
    return _vcf(tmp_path, [first, second]), cut


def test_adjacent_segments_join_over_the_exon_they_split(panel, rules, tmp_path):
    """Segments that meet base to base are one amplicon: exon 6, cut between them, is
    amplified, so together they cover the kinase; a segment at exactly CN 4 is amplified."""
    path, _ = _split_at(panel, tmp_path, gap=1, second_cn=4)
    first, second = _classify(path, panel, rules).findings
    together = " together with the adjacent amplified segment(s), covering the kinase-domain"
    assert first.status == second.status == Status.QUALIFYING
    assert first.classification == (
        f"ABL1 amplification, CN 6 (>= 4) over exons 1-5{together} exons 4-9: {B_L2_NAME}"
    )
    assert second.classification == (
        f"ABL1 amplification, CN 4 (>= 4) over exons 7-11{together} exons 4-9: {B_L2_NAME}"
    )


def test_a_one_base_gap_inside_an_exon_leaves_the_kinase_incomplete(panel, rules, tmp_path):
    path, _ = _split_at(panel, tmp_path, gap=2, second_cn=6)
    first, second = _classify(path, panel, rules).findings
    assert (first.status, first.reason) == (Status.REVIEW, "partial_kinase_amplification")
    assert (second.status, second.reason) == (Status.REVIEW, "partial_kinase_amplification")


def _broad_and_focal(panel, tmp_path) -> Path:
    """A 10 Mb segment over ABL1 exons 1-6 and a focal one over exons 7-11, both CN 6."""
    cut = _exon(panel, "ABL1", 7)[0] - 500
    broad = ("9", cut - 10_000_000 + 1, cut, 2.0, 6.0)
    focal = ("9", cut + 1, _exon(panel, "ABL1", 11)[1] + 1000, 2.0, 6.0)
    return _cns(tmp_path, [broad, focal])


def test_a_broad_segment_cannot_complete_a_focal_amplicon(panel, rules, tmp_path):
    """max_focal_length_bp 10 Mb: a segment of exactly 10 Mb is broad. It is filtered with
    the broad caveat and it does not complete the focal segment's kinase coverage."""
    broad, focal = _classify(_broad_and_focal(panel, tmp_path), panel, rules).findings
    assert (broad.status, broad.would_be, broad.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:broad_segment",
    )
    assert broad.caveats == (f"broad segment (10.0 Mb): {BROAD}",)
    assert (focal.status, focal.reason) == (Status.REVIEW, "partial_kinase_amplification")


def test_without_a_focal_limit_any_amplified_segment_completes_the_kinase(panel, tmp_path):
    rules = _rules(tmp_path, lambda d: _b_l2(d)["requires"].pop("max_focal_length_bp"))
    broad, focal = _classify(_broad_and_focal(panel, tmp_path), panel, rules).findings
    assert (broad.status, broad.caveats) == (Status.QUALIFYING, ())
    assert (focal.status, focal.rule_id) == (Status.QUALIFYING, "B-L2")
    assert "over exons 7-11 together with the adjacent amplified segment(s)" in (
        focal.classification
    )


def test_broad_segment_caveat_states_its_length_in_megabases(panel, rules, tmp_path):
    end = panel.genes["ABL1"].spans["GRCh38"][1] + 1000
    path = _cns(tmp_path, [("9", end - 10_050_005 + 1, end, 2.0, 6.0)])
    (amp,) = _classify(path, panel, rules).findings
    assert amp.caveats == (f"broad segment (10.1 Mb): {BROAD}",)


def test_a_rule_without_kinase_coverage_qualifies_any_amplification_of_its_gene(panel, tmp_path):
    rules = _rules(tmp_path, lambda d: _b_l2(d)["requires"].pop("covers_kinase_domain"))
    start, end = _exon(panel, "ABL1", 2)
    (amp,) = _classify(_cns(tmp_path, [("9", start - 50, end + 50, 2.0, 8)]), panel, rules).findings
    assert (amp.status, amp.reason, amp.rule_id) == (
        Status.QUALIFYING,
        "listed_amplification",
        "B-L2",
    )
    assert amp.classification == f"ABL1 amplification, CN 8 (>= 4): {B_L2_NAME}"


def _with_map2k1_rule(data: dict[str, Any]) -> None:
    data["listed"].append(
        _amplification_rule("B-T1", "MAP2K1", {"min_copy_number": 4, "covers_kinase_domain": True})
    )


def test_kinase_amplification_of_a_gene_without_known_kinase_exons_is_review(panel, tmp_path):
    """MAP2K1 has no kinase-domain entry: the rule cannot be checked, so a board reviews it,
    and a log2-only gain over it may be that amplification (when in doubt, it touches)."""
    rules = _rules(tmp_path, _with_map2k1_rule)
    start, end = panel.genes["MAP2K1"].spans["GRCh38"]
    (amp,) = _classify(
        _cns(tmp_path, [("15", start - 100, end + 100, 1.585, 6)]), panel, rules
    ).findings
    assert (amp.status, amp.reason, amp.rule_id) == (
        Status.REVIEW,
        "kinase_domain_unknown",
        "B-T1",
    )
    assert amp.classification == (
        "MAP2K1 amplification, CN 6 (>= 4) over exons 1-11: the kinase-domain exons of "
        "MAP2K1 are not known, so kinase amplification (B-T1) could not be checked"
    )
    (gain,) = _classify(
        _cns(tmp_path, [("15", start - 100, end + 100, 0.585, None)]), panel, rules
    ).findings
    assert (gain.status, gain.reason, gain.rule_id) == (
        Status.REVIEW,
        "possible_amplification",
        "B-T1",
    )


# --- log2-only gains: the tumour content decides -------------------------------------------


def _log2_gain_over(panel, tmp_path, rules, start: int, end: int):
    (gain,) = _classify(_cns(tmp_path, [("9", start, end, 0.585, None)]), panel, rules).findings
    return gain


def test_a_log2_gain_over_a_kinase_exon_may_be_the_listed_amplification(panel, rules, tmp_path):
    """log2 0.585 is CN 3 at 100% tumour content and CN 4 at 50%: over the first or the last
    kinase-domain exon alone it is still a possible B-L2."""
    for exon in (4, 9):
        start, end = _exon(panel, "ABL1", exon)
        gain = _log2_gain_over(panel, tmp_path, rules, start - 20, end + 20)
        assert (gain.alteration_type, gain.status, gain.reason, gain.rule_id) == (
            "gain",
            Status.REVIEW,
            "possible_amplification",
            "B-L2",
        )
        assert gain.classification == (
            "ABL1 gain, CN 3 estimated from the log2 ratio at 100% tumour content: at 50% "
            "tumour content or less the same ratio means CN >= 4, an amplification (B-L2); "
            "the tumour content decides: confirm"
        )
        assert gain.caveats == (LOG2_CAVEAT,)


def test_a_log2_gain_away_from_the_kinase_is_only_a_gain(panel, rules, tmp_path):
    start, end = _exon(panel, "ABL1", 2)
    gain = _log2_gain_over(panel, tmp_path, rules, start - 20, end + 20)
    assert (gain.alteration_type, gain.status, gain.reason, gain.rule_id) == (
        "gain",
        Status.VUS,
        "gain_below_amplification_threshold",
        None,
    )
    assert gain.classification == (
        "ABL1 copy gain, CN 3 (below the amplification threshold 4): a gain, not an amplification"
    )


def test_a_vcf_log2_ratio_without_copy_number_is_judged_as_log2(panel, rules, tmp_path):
    """A CNV VCF with only FOLD_CHANGE_LOG: the copy number is derived, so it carries the
    purity caveat and a gain over the kinase is a possible amplification."""
    start, end = panel.genes["ABL1"].spans["GRCh38"]
    path = _vcf(tmp_path, [("9", start, end, "DUP", "PASS", "FOLD_CHANGE_LOG=0.585")])
    (gain,) = _classify(path, panel, rules).findings
    assert (gain.status, gain.reason, gain.rule_id) == (
        Status.REVIEW,
        "possible_amplification",
        "B-L2",
    )
    assert gain.caveats == (LOG2_CAVEAT,)


def test_a_caller_gain_of_exactly_2_5_is_a_gain(panel, rules, tmp_path):
    start = panel.genes["ABL1"].spans["GRCh38"][0]
    path = _vcf(tmp_path, [("9", start + 1000, start + 9000, "DUP", "PASS", "CN=2.5")])
    (gain,) = _classify(path, panel, rules).findings
    assert (gain.alteration_type, gain.status, gain.reason, gain.caveats) == (
        "gain",
        Status.VUS,
        "gain_below_amplification_threshold",
        (),
    )
    assert gain.classification == (
        "ABL1 copy gain, CN 2.5 (below the amplification threshold 4): a gain, not an amplification"
    )


# --- NF1 deletion (B-R12) and copy loss ----------------------------------------------------


def test_nf1_deletions_name_the_mane_exons_they_touch(panel, rules, tmp_path):
    """Touching an exon by one base (its last, or its first) counts; the exon range and the
    copy number (0 = both copies lost) are what the board reads."""
    e2, e3 = _exon(panel, "NF1", 2), _exon(panel, "NF1", 3)
    e4, e5 = _exon(panel, "NF1", 4), _exon(panel, "NF1", 5)
    rows = [
        ("17", e2[1], e2[1] + 100, -1.0, 1),  # the last base of exon 2
        ("17", e3[0] - 100, e3[0], -1.0, 1),  # the first base of exon 3
        ("17", e4[0] - 10, e5[1] + 10, -5.0, 0),  # exons 4-5, homozygous
    ]
    findings = _classify(_cns(tmp_path, rows), panel, rules).findings
    texts = [f.classification for f in findings]
    assert texts == [
        f"NF1 deletion, CN 1 (< 2) over MANE exon 2 of 58: {B_R12_NAME}",
        f"NF1 deletion, CN 1 (< 2) over MANE exon 3 of 58: {B_R12_NAME}",
        f"NF1 deletion, CN 0 (< 2) over MANE exons 4-5 of 58: {B_R12_NAME}",
    ]
    for finding in findings:
        assert (finding.alteration_type, finding.status, finding.rule_id, finding.routes) == (
            "deletion",
            Status.REVIEW,
            "B-R12",
            ("D",),
        )


def test_an_intronic_nf1_loss_is_a_copy_loss_no_rule_lists(panel, rules, tmp_path):
    """B-R12 needs coding exons: a loss inside intron 1 only is reported, not reviewed."""
    intron = (_exon(panel, "NF1", 1)[1] + 1000, _exon(panel, "NF1", 2)[0] - 1000)
    (loss,) = _classify(_cns(tmp_path, [("17", *intron, -1.0, 1)]), panel, rules).findings
    assert (loss.alteration_type, loss.status, loss.reason, loss.rule_id) == (
        "deletion",
        Status.VUS,
        "copy_loss",
        None,
    )
    assert loss.classification == "NF1 copy loss, CN 1: no trial rule lists it"


def test_a_caller_copy_number_is_compared_as_written_not_rounded(panel, rules, tmp_path):
    """CN 1.6 from the caller's cn column is below 2 (only a log2-derived CN is rounded)."""
    start, end = panel.genes["NF1"].spans["GRCh38"]
    (loss,) = _classify(_cns(tmp_path, [("17", start, end, -0.3, 1.6)]), panel, rules).findings
    assert (loss.status, loss.rule_id) == (Status.REVIEW, "B-R12")
    assert loss.classification == (
        f"NF1 deletion, CN 1.6 (< 2) over MANE exons 1-58 of 58: {B_R12_NAME}"
    )
    assert loss.caveats == ()


# --- what a segment is, when it is not an amplification ------------------------------------


def test_segments_without_copy_number_and_overlapping_contradictions(panel, rules, tmp_path):
    """FLT3 at CN 6 (no rule lists it) overlaps a record with no copy number: the file
    contradicts itself, and the caveat names the other record and its unknown CN."""
    start, end = panel.genes["FLT3"].spans["GRCh38"]
    nf1 = panel.genes["NF1"].spans["GRCh38"]
    records = [
        ("13", start - 100, end + 100, "DUP", "PASS", "CN=6"),
        ("13", start + 50_000, start + 60_000, "CNV", "PASS", ""),
        ("17", nf1[0] + 1000, nf1[0] + 9000, "DEL", "PASS", ""),
    ]
    amp, missing, nf1_missing = _classify(_vcf(tmp_path, records), panel, rules).findings
    assert (amp.alteration_type, amp.would_be, amp.reason) == (
        "amplification",
        Status.VUS,
        "filtered:contradictory_segments",
    )
    assert amp.classification == "FLT3 amplification, CN 6: no trial rule lists it"
    assert amp.caveats == (
        f"record 2 (chr13:{start + 50_000}-{start + 60_000}, CN ?) covers the same bases with "
        "another copy number",
    )
    assert (missing.alteration_type, missing.would_be, missing.reason) == (
        "copy_number",
        Status.VUS,
        "filtered:contradictory_segments",
    )
    assert missing.classification == "FLT3: segment without a copy number or log2 ratio"
    assert missing.caveats == (
        f"record 1 (chr13:{start - 100}-{end + 100}, CN 6) covers the same bases with another "
        "copy number",
    )
    assert (nf1_missing.status, nf1_missing.reason, nf1_missing.caveats) == (
        Status.VUS,
        "copy_number_missing",
        (),
    )
    assert nf1_missing.classification == "NF1: segment without a copy number or log2 ratio"


def test_segments_sharing_one_base_contradict_each_other(panel, rules, tmp_path):
    """ABL1 at CN 8 and a CN 3 segment over NUP214 that starts on its last base."""
    abl1 = panel.genes["ABL1"].spans["GRCh38"]
    nup214 = panel.genes["NUP214"].spans["GRCh38"]
    first = ("9", abl1[0] - 1000, abl1[1] + 1000, "DUP", "PASS", "CN=8")
    second = ("9", abl1[1] + 1000, nup214[1] + 1000, "DUP", "PASS", "CN=3")
    amp, gain = _classify(_vcf(tmp_path, [first, second]), panel, rules).findings
    assert (amp.gene, amp.status, amp.would_be, amp.reason) == (
        "ABL1",
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:contradictory_segments",
    )
    assert amp.caveats == (
        f"record 2 (chr9:{abl1[1] + 1000}-{nup214[1] + 1000}, CN 3) covers the same bases "
        "with another copy number",
    )
    assert (gain.gene, gain.would_be, gain.reason) == (
        "NUP214",
        Status.VUS,
        "filtered:contradictory_segments",
    )
    assert gain.caveats == (
        f"record 1 (chr9:{abl1[0] - 1000}-{abl1[1] + 1000}, CN 8) covers the same bases "
        "with another copy number",
    )


def test_a_record_typed_against_its_copy_number_contradicts_itself(panel, rules, tmp_path):
    """A DEL with 3 copies and a DUP with none are contradictions; a DUP of 2.5 is not."""
    start = panel.genes["ABL1"].spans["GRCh38"][0]
    records = [
        ("9", start + 1000, start + 9000, "DEL", "PASS", "CN=3"),
        ("9", start + 20_000, start + 29_000, "DUP", "PASS", "CN=0"),
        ("9", start + 40_000, start + 49_000, "DUP", "PASS", "CN=2.5"),
    ]
    deletion, duplication, gain = _classify(_vcf(tmp_path, records), panel, rules).findings
    assert (deletion.would_be, deletion.reason, deletion.caveats) == (
        Status.VUS,
        "filtered:contradictory_record",
        ("the record is typed DEL but gives CN 3",),
    )
    assert (duplication.would_be, duplication.reason, duplication.caveats) == (
        Status.VUS,
        "filtered:contradictory_record",
        ("the record is typed DUP but gives CN 0",),
    )
    assert duplication.classification == "ABL1 copy loss, CN 0: no trial rule lists it"
    assert (gain.status, gain.reason, gain.caveats) == (
        Status.VUS,
        "gain_below_amplification_threshold",
        (),
    )


def test_a_segment_filtered_by_the_caller_names_every_filter(panel, rules, tmp_path):
    start, end = panel.genes["ABL1"].spans["GRCh38"]
    path = _vcf(tmp_path, [("9", start - 100, end + 100, "DUP", "LowQual;q10", "CN=6")])
    (amp,) = _classify(path, panel, rules).findings
    assert (amp.status, amp.would_be, amp.reason) == (
        Status.FILTERED,
        Status.QUALIFYING,
        "filtered:caller_filter",
    )
    assert amp.caveats == ("filtered by the caller (LowQual;q10)",)
    assert amp.filters == ("LowQual", "q10")
    (accepted,) = _classify(
        path, panel, rules, pass_filters=frozenset({"PASS", ".", "LowQual", "q10"})
    ).findings
    assert (accepted.status, accepted.rule_id, accepted.caveats) == (
        Status.QUALIFYING,
        "B-L2",
        (),
    )


def test_a_neutral_segment_over_several_genes_names_them_all(panel, rules, tmp_path):
    start = panel.genes["CSF1R"].spans["GRCh38"][0] - 1000
    end = panel.genes["EBF1"].spans["GRCh38"][1] + 1000
    (neutral,) = _classify(_cns(tmp_path, [("5", start, end, 0.0, 2)]), panel, rules).findings
    assert (neutral.gene, neutral.alteration_type, neutral.status, neutral.reason) == (
        "CSF1R",
        "copy_neutral",
        Status.BENIGN,
        "copy_neutral",
    )
    assert neutral.classification == ("CSF1R copy neutral, CN 2 (segment also covers EBF1, PDGFRB)")


def _with_pdgfrb_rule(data: dict[str, Any]) -> None:
    data["listed"].append(
        _amplification_rule("B-T2", "PDGFRB", {"min_copy_number": 6, "covers_kinase_domain": True})
    )


def test_a_segment_over_several_genes_is_judged_on_the_gene_a_rule_names(panel, tmp_path):
    """CSF1R sorts first, but PDGFRB at its own threshold (CN 6) is the listed amplification."""
    rules = _rules(tmp_path, _with_pdgfrb_rule)
    start = panel.genes["CSF1R"].spans["GRCh38"][0] - 1000
    end = panel.genes["PDGFRB"].spans["GRCh38"][1] + 1000
    (amp,) = _classify(_cns(tmp_path, [("5", start, end, 1.585, 6)]), panel, rules).findings
    assert (amp.gene, amp.status, amp.rule_id) == ("PDGFRB", Status.QUALIFYING, "B-T2")
    assert amp.classification == (
        "PDGFRB amplification, CN 6 (>= 6) over exons 1-23, covering the kinase-domain "
        "exons 12-21: PDGFRB amplification (segment also covers CSF1R)"
    )


def test_each_gene_is_held_to_its_own_rule_threshold(panel, tmp_path):
    """PDGFRB's rule asks CN >= 6: CN 4.5 is a gain for it, though ABL1's threshold is 4."""
    rules = _rules(tmp_path, _with_pdgfrb_rule)
    start, end = panel.genes["PDGFRB"].spans["GRCh38"]
    (gain,) = _classify(_cns(tmp_path, [("5", start, end, 1.17, 4.5)]), panel, rules).findings
    assert (gain.gene, gain.status, gain.reason) == (
        "PDGFRB",
        Status.VUS,
        "gain_below_amplification_threshold",
    )
    assert gain.classification == (
        "PDGFRB copy gain, CN 4.5 (below the amplification threshold 6): a gain, not an "
        "amplification"
    )


# --- the file: tumour column, accounting, provenance ---------------------------------------


def test_the_tumour_column_named_by_the_sheet_is_read(panel, rules, tmp_path):
    start, end = panel.genes["ABL1"].spans["GRCh38"]
    path = _vcf(
        tmp_path,
        [("9", start - 100, end + 100, "DUP", "PASS", "", "0/1:2", "0/1:6")],
        samples=("P7_germline", "P7_relapse"),
        fmt="GT:CN",
    )
    result = _classify(path, panel, rules, tumor_name="P7_relapse")
    assert result.tumor_sample == "P7_relapse"
    (amp,) = result.findings
    assert (amp.status, amp.rule_id, amp.copy_number) == (Status.QUALIFYING, "B-L2", 6)


def test_a_cns_file_is_accounted_and_its_findings_name_file_and_record(panel, rules, tmp_path):
    start, end = panel.genes["ABL1"].spans["GRCh38"]
    rows = [
        ("2", 50_000_000, 50_400_000, -1.0, 1),
        ("3", 60_000_000, 60_300_000, -1.0, 1),
        ("9", start - 100, end + 100, 1.585, 6),
    ]
    path = _cns(tmp_path, rows)
    result = _classify(path, panel, rules)
    assert (result.path, result.caller, result.kind) == (str(path), "cns", "copy_number")
    acc = result.accounting
    assert (acc.path, acc.kind, acc.records_read, acc.outside_panel, acc.by_status) == (
        str(path),
        "copy_number",
        3,
        2,
        {"qualifying": 1},
    )
    assert result.notes[-1] == (
        f"copy number (cns): 3 segment(s); amplification means CN >= 4 over every "
        f"kinase-domain exon (rules {rules.version}); a single-copy gain is reported as a gain"
    )
    (amp,) = result.findings
    assert (amp.source_file, amp.record_number, amp.filters) == (str(path), 3, ("PASS",))
    assert amp.breakpoints == (f"chr9:{start - 100}", f"chr9:{end + 100}")


def test_a_vcf_is_recorded_as_a_cnv_vcf(panel, rules, tmp_path):
    start, end = panel.genes["ABL1"].spans["GRCh38"]
    path = _vcf(tmp_path, [("9", start - 100, end + 100, "DUP", "PASS", "CN=6")])
    result = _classify(path, panel, rules)
    assert result.caller == "cnv_vcf"
    assert result.notes[-1].startswith("copy number (vcf): 1 segment(s);")


@pytest.mark.parametrize("cn", [4.0, 6.0])
def test_amplification_head_states_the_copy_number_and_threshold(cn, panel, rules, tmp_path):
    start, end = panel.genes["ABL1"].spans["GRCh38"]
    (amp,) = _classify(
        _cns(tmp_path, [("9", start - 100, end + 100, 1.0, cn)]), panel, rules
    ).findings
    assert amp.classification.startswith(f"ABL1 amplification, CN {cn:g} (>= 4) over exons 1-11")


def test_a_copy_loss_rule_without_a_threshold_is_not_claimed_by_copy_number(panel, tmp_path):
    """Thresholds come only from the rules file: a copy_loss rule without below_copy_number
    (SV deletions only) leaves an NF1 segment at CN 1 a copy loss no rule lists."""

    def drop_threshold(data: dict[str, Any]) -> None:
        next(r for r in data["review"] if r["id"] == "B-R12").pop("below_copy_number")

    rules = _rules(tmp_path, drop_threshold)
    start, end = panel.genes["NF1"].spans["GRCh38"]
    (loss,) = _classify(_cns(tmp_path, [("17", start, end, -1.0, 1)]), panel, rules).findings
    assert (loss.status, loss.reason, loss.rule_id) == (Status.VUS, "copy_loss", None)
    assert loss.classification == "NF1 copy loss, CN 1: no trial rule lists it"


def test_an_amplification_no_rule_lists_is_reported_as_such(panel, rules, tmp_path):
    start, end = panel.genes["FLT3"].spans["GRCh38"]
    (amp,) = _classify(_cns(tmp_path, [("13", start, end, 1.585, 6)]), panel, rules).findings
    assert (amp.alteration_type, amp.status, amp.reason, amp.rule_id) == (
        "amplification",
        Status.VUS,
        "no_rule_matched",
        None,
    )
    assert amp.classification == "FLT3 amplification, CN 6: no trial rule lists it"
