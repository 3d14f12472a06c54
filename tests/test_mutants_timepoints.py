"""Serial samples: tests that guard the decision code mutation testing found weak.

``mapk_filter.timepoints`` orders a patient's files and keeps one finding per alteration
(the latest sighting) with what every file of its kind showed. Each test states a rule of
that history, through real files classified as the workflow classifies them (files written
to tmp_path from panel coordinates, or the fixtures in tests/data) and ``decide``:

- an alteration is one finding however the files name it (``chr12`` or ``12``, a low-support
  or a passing call, breakpoints a few bases apart); two changes of one gene are two;
- every finding of an earlier file is judged, none is lost behind another one;
- the trajectory says, per file, what it showed, with the evidence and the dates;
- a rule finding not confirmed at the latest timepoint goes to review with the words that
  say where it was last seen or why the latest timepoint did not assess it;
- files that cannot be ordered, or that are all from diagnosis, never make a candidate, and
  the problem tells the sheet's author what to write.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ELIGIBLE as PATIENT
from helpers import MUTECT2_HEADER, classify_from_sheet

from mapk_filter.decide import decide
from mapk_filter.models import Decision, Finding, SampleResult, Status
from mapk_filter.timepoints import Order, Timepoint, order_samples

DATA = Path(__file__).resolve().parent / "data"
CLEAN_SMALL = Path(__file__).resolve().parents[1] / "resources/example_batch/P16_mutect2.vcf"
ETV6_ABL1 = DATA / "sv_manta_etv6_abl1.vcf"  # B-L1, 11 + 8 reads
ETV6_ABL1_NO_SUPPORT = DATA / "rearrangements" / "sv_sites_only_etv6_abl1_no_support.vcf"
OTHER_SV = DATA / "sv_manta_pdgfrb_past_kinase.vcf"  # an SV file without ETV6::ABL1
GRCH38_LENGTHS = (("1", 248956422), ("12", 133275309))  # the chromosomes of KRAS and NRAS
HEADER = "patient_id\tsample_id\tkind\tpath\ttumor_name\ttimepoint\tcollection_date\n"
FILES_NOT_ORDERED = (
    "give every file a collection_date (YYYY-MM-DD), or none and timepoints diagnosis, "
    "refractory, relapse1, ..."
)

# (sample_id, kind, path, tumour, timepoint, collection_date)
Row = tuple[str, str, Path, str, str, str]


def run(tmp_path: Path, rows: list[Row]) -> tuple[tuple[SampleResult, ...], dict]:
    """Each row's file classified as the workflow does it, and the patient's history."""
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        HEADER + "".join("X1\t" + "\t".join(str(x) for x in row) + "\n" for row in rows)
    )
    results = [classify_from_sheet(sheet, sample_id, "X1")[0] for sample_id, *_ in rows]
    history = {r[0]: Timepoint(r[4], r[5]) for r in rows}
    return tuple(results), history


def small(sample_id: str, timepoint: str, path: Path = CLEAN_SMALL, date: str = "") -> Row:
    return (sample_id, "small_variants", path, "", timepoint, date)


def sv(sample_id: str, path: Path, timepoint: str, date: str = "") -> Row:
    return (sample_id, "structural_variants", path, "TUMOR_S", timepoint, date)


def hotspot_vcf(
    tmp_path: Path, name: str, panel, calls: list[tuple[str, str, int, int]], prefix: str = "chr"
) -> Path:
    """A Mutect2 VCF of hotspot alleles: (gene, short name, alt reads, depth) per record,
    contigs written with ``prefix`` ("chr12" or "12")."""
    lines = [
        *MUTECT2_HEADER,
        *(f"##contig=<ID={prefix}{chrom},length={length}>" for chrom, length in GRCH38_LENGTHS),
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR",
    ]
    for gene, short, alt_reads, depth in calls:
        h = next(h for h in panel.hotspots if h.gene == gene and h.short == short)
        locus = h.loci["GRCh38"]
        lines.append(
            f"{prefix}{locus.chrom}\t{locus.pos}\t.\t{locus.ref}\t{locus.alt}\t50\tPASS\t.\t"
            f"GT:AD:DP\t0/1:{depth - alt_reads},{alt_reads}:{depth}"
        )
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def copy_kind_sv_vcf(tmp_path: Path, name: str, svtype: str, start: int, end: int) -> Path:
    """A Manta VCF (the ETV6::ABL1 fixture's header) with one symbolic record on chr12."""
    header = [line for line in ETV6_ABL1.read_text().splitlines() if line.startswith("##")]
    record = (
        f"chr12\t{start}\tManta{svtype}:1:0:1:0:0:0\tN\t<{svtype}>\t.\tPASS\t"
        f"END={end};SVTYPE={svtype}\tPR:SR\t30,0:25,0\t18,12:17,10"
    )
    path = tmp_path / name
    path.write_text(
        "\n".join(
            [
                *header,
                "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL_S\tTUMOR_S",
                record,
            ]
        )
        + "\n"
    )
    return path


def of_gene(findings: tuple[Finding, ...], gene: str, hgvs_p: str = "") -> list[Finding]:
    return [f for f in findings if f.gene == gene and (not hgvs_p or f.hgvs_p == hgvs_p)]


def fusions(findings: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in findings if f.partner_genes == ("ETV6", "ABL1")]


def results(finding: Finding) -> list[tuple[str, str]]:
    return [(t["sample_id"], t["result"]) for t in finding.timepoints]


# ------------------------------------------------------- one finding per alteration


def test_two_changes_of_one_gene_are_two_alterations(panel, rules, tmp_path):
    """KRAS G12D at diagnosis and KRAS G13D at relapse: the relapse file does not show
    G12D, so G12D is a doubt for the board, and G13D stands on its own."""
    dx = hotspot_vcf(tmp_path, "dx.vcf", panel, [("KRAS", "G12D", 30, 90)])
    r1 = hotspot_vcf(tmp_path, "r1.vcf", panel, [("KRAS", "G13D", 30, 90)])
    samples, history = run(tmp_path, [small("dx", "diagnosis", dx), small("r1", "relapse1", r1)])
    result = decide(PATIENT, samples, rules, timepoints=history)
    (g12d,) = of_gene(result.findings, "KRAS", "p.Gly12Asp")
    (g13d,) = of_gene(result.findings, "KRAS", "p.Gly13Asp")
    assert (g12d.status, g12d.would_be, g12d.reason) == (
        Status.FILTERED,
        Status.REVIEW,
        "filtered:not_seen_at_latest_timepoint",
    )
    assert g12d.caveats[0] == "present at diagnosis, not detected at relapse1"
    assert results(g12d) == [("dx", "detected"), ("r1", "not detected")]
    assert (g13d.sample_id, g13d.status) == ("r1", Status.REVIEW)
    assert results(g13d) == [("dx", "not detected"), ("r1", "detected")]


def test_the_same_allele_is_one_alteration_whatever_the_contig_names(panel, rules, tmp_path):
    """One lab writes chr12, another 12: KRAS G12D in both files is one finding, seen at
    both timepoints, not a diagnosis finding 'not detected' at relapse."""
    dx = hotspot_vcf(tmp_path, "dx.vcf", panel, [("KRAS", "G12D", 30, 90)], prefix="chr")
    r1 = hotspot_vcf(tmp_path, "r1.vcf", panel, [("KRAS", "G12D", 25, 80)], prefix="")
    samples, history = run(tmp_path, [small("dx", "diagnosis", dx), small("r1", "relapse1", r1)])
    result = decide(PATIENT, samples, rules, timepoints=history)
    (g12d,) = of_gene(result.findings, "KRAS")
    assert (g12d.sample_id, g12d.status, g12d.caveats) == ("r1", Status.REVIEW, ())
    assert results(g12d) == [("dx", "detected"), ("r1", "detected")]
    assert [t["alt_reads"] for t in g12d.timepoints] == [30, 25]
    assert any(
        r.startswith("pathway finding for sponsor review: KRAS p.Gly12Asp") for r in result.reasons
    )


def test_a_low_support_call_and_a_passing_call_of_one_fusion_are_one_alteration(rules, tmp_path):
    """ETV6::ABL1 without read support at diagnosis and with 19 reads at relapse: one
    listed finding, from the relapse file, whose trajectory shows both sightings."""
    samples, history = run(
        tmp_path,
        [
            ("dx_sv", "structural_variants", ETV6_ABL1_NO_SUPPORT, "", "diagnosis", ""),
            sv("r1_sv", ETV6_ABL1, "relapse1"),
            small("r1_small", "relapse1"),
        ],
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    (fusion,) = fusions(result.findings)
    assert (fusion.sample_id, fusion.status) == ("r1_sv", Status.QUALIFYING)
    assert [(t["sample_id"], t["result"], t.get("status")) for t in fusion.timepoints] == [
        ("dx_sv", "detected", "filtered"),
        ("r1_sv", "detected", "qualifying"),
    ]
    assert result.decision == Decision.CANDIDATE


@pytest.mark.parametrize(
    "svtype, kind",
    [
        ("DEL", "deletion"),
        ("GAIN", "gain"),
        ("AMPLIFICATION", "amplification"),
        ("COPY_NEUTRAL", "copy_neutral"),
    ],
)
def test_a_copy_number_kind_of_sv_record_seen_twice_is_one_alteration(
    panel, rules, tmp_path, svtype, kind
):
    """An SV-file record over the whole of KRAS (no breakpoint in it) at both timepoints,
    its ends placed differently by each run: one alteration, seen twice."""
    start, end = panel.genes["KRAS"].spans["GRCh38"]
    dx = copy_kind_sv_vcf(tmp_path, "dx.vcf", svtype, start - 20000, end + 20000)
    r1 = copy_kind_sv_vcf(tmp_path, "r1.vcf", svtype, start - 30000, end + 10000)
    samples, history = run(
        tmp_path,
        [sv("dx_sv", dx, "diagnosis"), sv("r1_sv", r1, "relapse1"), small("s", "relapse1")],
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    (kras,) = of_gene(result.findings, "KRAS")
    assert (kras.sample_id, kras.alteration_type) == ("r1_sv", kind)
    assert results(kras) == [("dx_sv", "detected"), ("r1_sv", "detected")]


def test_every_finding_of_an_earlier_file_is_judged(panel, rules, tmp_path):
    """Diagnosis shows NRAS G12D and KRAS G12D, relapse only NRAS G12D: KRAS G12D must not
    be lost behind the NRAS finding the relapse file carries (no silent miss)."""
    dx = hotspot_vcf(
        tmp_path, "dx.vcf", panel, [("NRAS", "G12D", 30, 90), ("KRAS", "G12D", 30, 90)]
    )
    r1 = hotspot_vcf(tmp_path, "r1.vcf", panel, [("NRAS", "G12D", 30, 90)])
    samples, history = run(tmp_path, [small("dx", "diagnosis", dx), small("r1", "relapse1", r1)])
    result = decide(PATIENT, samples, rules, timepoints=history)
    (nras,) = of_gene(result.findings, "NRAS")
    assert (nras.sample_id, nras.status) == ("r1", Status.REVIEW)
    (kras,) = of_gene(result.findings, "KRAS")
    assert (kras.sample_id, kras.reason) == ("dx", "filtered:not_seen_at_latest_timepoint")
    assert kras.caveats == ("present at diagnosis, not detected at relapse1",)
    assert result.decision == Decision.REVIEW


# ------------------------------------------------------- rule findings over time


def test_a_filtered_rule_finding_not_seen_again_says_so_before_its_qc_caveat(
    panel, rules, tmp_path
):
    """KRAS G12D with too few reads at diagnosis, absent at relapse: still a doubt for the
    board, now first for not being seen at relapse, its QC caveat kept after that."""
    dx = hotspot_vcf(tmp_path, "dx.vcf", panel, [("KRAS", "G12D", 3, 12)])
    samples, history = run(tmp_path, [small("dx", "diagnosis", dx), small("r1", "relapse1")])
    assert of_gene(samples[0].findings, "KRAS")[0].status == Status.FILTERED
    result = decide(PATIENT, samples, rules, timepoints=history)
    (kras,) = of_gene(result.findings, "KRAS")
    assert (kras.status, kras.would_be, kras.reason) == (
        Status.FILTERED,
        Status.REVIEW,
        "filtered:not_seen_at_latest_timepoint",
    )
    assert kras.caveats[0] == "present at diagnosis, not detected at relapse1"
    assert len(kras.caveats) > 1 and "depth" in " ".join(kras.caveats[1:])
    assert result.decision == Decision.REVIEW


def test_the_latest_file_that_does_not_show_it_is_named(rules, tmp_path):
    """ETV6::ABL1 at diagnosis, absent at relapse 1 and at relapse 2: the doubt names
    relapse2, the latest look."""
    samples, history = run(
        tmp_path,
        [
            sv("dx_sv", ETV6_ABL1, "diagnosis"),
            sv("r1_sv", OTHER_SV, "relapse1"),
            sv("r2_sv", OTHER_SV, "relapse2"),
            small("r2_small", "relapse2"),
        ],
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    (fusion,) = fusions(result.findings)
    assert fusion.caveats[0] == "present at diagnosis, not detected at relapse2"
    assert results(fusion) == [
        ("dx_sv", "detected"),
        ("r1_sv", "not detected"),
        ("r2_sv", "not detected"),
    ]


# ------------------------------------------------------- what every file showed


def test_the_trajectory_gives_each_files_evidence_and_date(rules, tmp_path):
    samples, history = run(
        tmp_path,
        [
            sv("dx_sv", ETV6_ABL1, "diagnosis", "2023-01-05"),
            sv("r1_sv", OTHER_SV, "relapse1", "2024-06-30"),
            small("r1_small", "relapse1", date="2024-06-30"),
        ],
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    (fusion,) = fusions(result.findings)
    assert list(fusion.timepoints) == [
        {
            "sample_id": "dx_sv",
            "timepoint": "diagnosis",
            "collection_date": "2023-01-05",
            "kind": "structural_variants",
            "result": "detected",
            "status": "qualifying",
            "vaf": None,
            "alt_reads": None,
            "depth": None,
            "supporting_reads": 19,
            "copy_number": None,
        },
        {
            "sample_id": "r1_sv",
            "timepoint": "relapse1",
            "collection_date": "2024-06-30",
            "kind": "structural_variants",
            "result": "not detected",
        },
    ]
    assert fusion.caveats[0] == "present at diagnosis, not detected at relapse1"


def test_an_unreadable_latest_file_is_not_assessed_never_not_detected(rules, tmp_path):
    """The relapse SV file cannot be read: the diagnosis fusion was not looked for at
    relapse, and its trajectory says so and why."""
    samples, history = run(
        tmp_path,
        [
            sv("dx_sv", ETV6_ABL1, "diagnosis"),
            sv("r1_sv", tmp_path / "missing.vcf", "relapse1"),
            small("r1_small", "relapse1"),
        ],
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    (fusion,) = fusions(result.findings)
    assert fusion.timepoints[1] == {
        "sample_id": "r1_sv",
        "timepoint": "relapse1",
        "collection_date": None,
        "kind": "structural_variants",
        "result": "not assessed",
        "why": "the file could not be read",
    }
    assert fusion.caveats[0] == (
        "seen at diagnosis; not assessed at relapse1 (no structural-variant or RNA-fusion "
        "file read at that timepoint)"
    )


def test_without_a_history_the_patient_is_decided_on_the_screened_sample(rules, tmp_path):
    samples, _ = run(tmp_path, [sv("s_sv", ETV6_ABL1, ""), small("s_small", "")])
    result = decide(PATIENT, samples, rules)
    assert result.decision == Decision.CANDIDATE
    assert result.decision_timepoint == "the screened sample"
    (fusion,) = fusions(result.findings)
    assert [(t["timepoint"], t["collection_date"]) for t in fusion.timepoints] == [(None, None)]


def test_a_patient_without_files_has_nothing_to_order(rules):
    assert order_samples({}) == Order({})
    assert not order_samples({}).later("a", "b")
    result = decide(PATIENT, (), rules, timepoints={})
    assert result.decision == Decision.REVIEW
    assert result.decision_timepoint == ""
    assert "no variant file listed for this patient: nothing was assessed" in result.reasons


# ------------------------------------------------------- files all from diagnosis


@pytest.mark.parametrize(
    "dx_sv, dx_small",
    [
        (("diagnosis", "2024-03-01"), ("diagnosis", "2024-03-01")),  # one date: one timepoint
        (("dx", ""), ("diagnosis", "")),  # two names of one timepoint
    ],
    ids=["same-date", "dx-and-diagnosis"],
)
def test_files_all_from_diagnosis_cannot_make_a_candidate(rules, tmp_path, dx_sv, dx_small):
    samples, history = run(
        tmp_path,
        [sv("a_sv", ETV6_ABL1, *dx_sv), small("a_small", dx_small[0], date=dx_small[1])],
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    (fusion,) = fusions(result.findings)
    assert (fusion.status, fusion.would_be) == (Status.FILTERED, Status.QUALIFYING)
    assert fusion.caveats[0] == (
        f"seen at {dx_sv[0]}; no relapse or refractory sample was profiled"
    )


# ------------------------------------------------------- files that cannot be ordered


def test_dates_that_are_not_dates_are_all_named_and_send_the_patient_to_review(rules, tmp_path):
    order = order_samples(
        {
            "a": Timepoint("diagnosis", "15/06/2024"),
            "b": Timepoint("relapse1", "2024-13-01"),
            "c": Timepoint("relapse1", "2024-07-01"),
        }
    )
    assert order.problem == (
        "the patient's files cannot be ordered in time: collection_date '15/06/2024', "
        "'2024-13-01' is not a date (YYYY-MM-DD); " + FILES_NOT_ORDERED
    )
    assert order.serial  # more than one file, whatever their order
    assert not order.later("a", "c") and not order.later("c", "a")
    samples, history = run(
        tmp_path,
        [
            sv("dx_sv", ETV6_ABL1, "diagnosis", "15/06/2024"),
            sv("r1_sv", OTHER_SV, "relapse1", "2024-13-01"),
            small("r1_small", "relapse1", date="2024-07-01"),
        ],
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    assert order.problem in result.reasons


def test_dates_on_some_files_only_cannot_order_them():
    order = order_samples(
        {"a": Timepoint("diagnosis", "2023-01-01"), "b": Timepoint("relapse1", "")}
    )
    assert order.problem == (
        "the patient's files cannot be ordered in time: collection_date is given for 1 of 2 "
        "files; " + FILES_NOT_ORDERED
    )
    assert order.serial


def test_timepoints_that_cannot_be_ordered_are_each_named(rules, tmp_path):
    """An empty timepoint among named ones, and free text: the problem lists both and says
    what to write instead."""
    order = order_samples(
        {"a": Timepoint(""), "b": Timepoint("day 15"), "c": Timepoint("relapse1")}
    )
    assert order.problem == (
        "the patient's files have timepoints that cannot be ordered ('(empty)', 'day 15'): "
        "use diagnosis, refractory, relapse1, relapse2, ... or give every file a "
        "collection_date (YYYY-MM-DD)"
    )
    assert order.serial
    samples, history = run(
        tmp_path,
        [sv("a_sv", ETV6_ABL1, ""), sv("b_sv", ETV6_ABL1, "day 15"), small("c", "relapse1")],
    )
    result = decide(PATIENT, samples, rules, timepoints=history)
    assert result.decision == Decision.REVIEW
    assert order.problem in result.reasons


def test_different_free_text_timepoints_are_never_folded_into_one():
    """Timepoint names are compared without regard to case, and no further: 'Maße' and
    'Masse' are two free-text timepoints, which cannot be ordered."""
    order = order_samples({"a": Timepoint("Maße"), "b": Timepoint("Masse")})
    assert "cannot be ordered ('Masse', 'Maße')" in order.problem
    same = order_samples({"a": Timepoint("Day 15"), "b": Timepoint("day 15")})
    assert (same.problem, same.serial) == ("", False)
