"""A patient's findings + clinical sheet -> Decision with every reason (SPEC §3).

Knows findings and clinical values, never files: the sample results arrive already read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .exclusion import ExclusionAssessment, assess_exclusion
from .models import (
    RULE_STATUSES,
    CriterionStatus,
    Decision,
    Finding,
    Kind,
    SampleResult,
    Status,
)
from .rules import ClinicalCriterion, TrialRules
from .sheets import Patient
from .timepoints import Timepoint, serial_view

# How a sample-sheet row the run left out is named among the input problems (`mapk-filter
# verify --rerun` reads them back by it).
SHEET_ROW_LEFT_OUT = "sample sheet row left out"
# Reasons that say input could not be used (assessment "incomplete").
INPUT_PROBLEM_PREFIXES = (
    "exclusion (",
    "input file could not be read",
    SHEET_ROW_LEFT_OUT,
    "the patient's files",
    "no variant file listed",
    "no small-variant file was read",
    "genome build not verified",
)
STRUCTURAL = frozenset(
    {
        "fusion",
        "rearrangement",
        "amplification",
        "gain",
        "deletion",
        "breakend",
        "intragenic_deletion",
        "intragenic_duplication",
        "intragenic_inversion",
    }
)


@dataclass(frozen=True)
class CriterionResult:
    id: str
    name: str
    field: str
    status: CriterionStatus
    value: float | str | None
    expectation: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "field": self.field,
            "status": str(self.status),
            "value": self.value,
            "expected": self.expectation,
            "source": self.source,
        }


@dataclass(frozen=True)
class PatientDecision:
    patient_id: str
    decision: Decision
    reasons: tuple[str, ...]
    clinical: tuple[CriterionResult, ...]
    findings: tuple[Finding, ...]  # every finding of every file, clinical ones first
    other_subprotocols: tuple[dict[str, str], ...]
    samples: tuple[SampleResult, ...]
    exclusion: ExclusionAssessment | None = None
    decision_timepoint: str = ""  # the latest timepoint, the one decided on
    # Input that could not be used (unreadable files, rows left out, unverified build, ...):
    # a data fix for the bioinformatician, not a board question (SPEC section 3).
    input_problems: tuple[str, ...] = ()

    @property
    def assessment(self) -> str:
        return "incomplete" if self.input_problems else "complete"

    @property
    def decisive_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if _effective(f) in RULE_STATUSES)


def _effective(finding: Finding) -> Status:
    """The rule status of a finding, whether or not a QC filter demoted it."""
    return (
        finding.would_be
        if finding.status == Status.FILTERED and finding.would_be
        else finding.status
    )


def judge(criterion: ClinicalCriterion, value: float | str | None) -> CriterionStatus:
    if value is None:
        return CriterionStatus.UNKNOWN
    if criterion.one_of is not None:
        return CriterionStatus.MET if str(value) in criterion.one_of else CriterionStatus.NOT_MET
    number = float(value)
    ok = (
        (criterion.min is None or number >= criterion.min)
        and (criterion.max is None or number <= criterion.max)
        and (criterion.below is None or number < criterion.below)
    )
    return CriterionStatus.MET if ok else CriterionStatus.NOT_MET


def judge_clinical(patient: Patient, rules: TrialRules) -> tuple[CriterionResult, ...]:
    return tuple(
        CriterionResult(
            id=c.id,
            name=c.name,
            field=c.field,
            status=judge(c, patient.value(c.field)),
            value=patient.value(c.field),
            expectation=c.expectation,
            source=c.source,
        )
        for c in rules.clinical
    )


def drug_response_finding(patient: Patient, rules: TrialRules) -> tuple[Finding | None, str]:
    """The ex vivo dasatinib IC50 as a listed finding when below the rule's threshold."""
    rule = rules.listed_rule("drug_response")
    if rule is None or rule.clinical_field is None or rule.below is None:
        return None, "the rules list no drug-response criterion"
    value = patient.value(rule.clinical_field)
    if value is None:
        return None, "no ex vivo dasatinib IC50 given"
    ic50 = float(value)
    if ic50 >= rule.below:
        return None, f"ex vivo dasatinib IC50 {ic50:g} nM is not below {rule.below:g} nM"
    return (
        Finding(
            sample_id="clinical",
            source_file="patient sheet",
            gene="",
            alteration_type="drug_response",
            genomic="",
            status=Status.QUALIFYING,
            reason="ic50_below_threshold",
            classification=f"ex vivo dasatinib IC50 {ic50:g} nM < {rule.below:g} nM",
            rule_id=rule.id,
        ),
        "",
    )


def _label(f: Finding) -> str:
    what = f.classification
    where = f" [{f.sample_id}]" if f.sample_id != "clinical" else ""
    rule = f" (rule {f.rule_id})" if f.rule_id else ""
    return f"{what}{rule}{where}"


def _routing(findings: tuple[Finding, ...]) -> tuple[dict[str, str], ...]:
    """Per other sub-protocol, the findings that name it: gene and alteration, each."""
    routes: dict[str, list[str]] = {}
    for f in findings:
        if f.status == Status.BENIGN:
            continue
        for sub in f.routes:
            text = f.label
            if f.status == Status.FILTERED:
                text += f" (with caveat: {'; '.join(f.caveats)})"
            if text not in routes.setdefault(sub, []):
                routes[sub].append(text)
    return tuple(
        {"subprotocol": sub, "reason": "; ".join(texts)} for sub, texts in sorted(routes.items())
    )


def _assumed_build(sample: SampleResult) -> str:
    """What was assumed for an unverified build, from the reader's note when it left one."""
    prefix = f"genome build {sample.genome_build} assumed"
    note = next((n for n in sample.notes if n.startswith(prefix)), None)
    if note is None:
        return f"{sample.genome_build} assumed; nothing recorded verifies it"
    return note.removeprefix("genome build ")


def decide(
    patient: Patient,
    samples: tuple[SampleResult, ...],
    rules: TrialRules,
    sheet_errors: tuple[str, ...] = (),
    timepoints: dict[str, Timepoint] | None = None,
) -> PatientDecision:
    """``sheet_errors``: this patient's sample-sheet rows the run had to leave out; like an
    unreadable file, they block a candidate decision. ``timepoints``: each sample's place in
    the patient's history; a patient is decided on the latest timepoint (timepoints.py)."""
    clinical = judge_clinical(patient, rules)
    ic50_finding, ic50_note = drug_response_finding(patient, rules)
    view = serial_view(samples, timepoints or {})
    findings = ((ic50_finding,) if ic50_finding else ()) + view.findings

    def having(effective: Status, clean: bool) -> list[Finding]:
        return [
            f for f in findings if _effective(f) == effective and (f.status == effective) == clean
        ]

    listed, listed_qc = having(Status.QUALIFYING, True), having(Status.QUALIFYING, False)
    review, review_qc = having(Status.REVIEW, True), having(Status.REVIEW, False)
    # Review findings about a listed rule (a reciprocal junction alone, a breakpoint past
    # the listed exon, ...) are doubts about a listed finding, not pathway findings.
    doubt = [f for f in review if rules.is_listed(f.rule_id)]
    doubt_qc = [f for f in review_qc if rules.is_listed(f.rule_id)]
    review = [f for f in review if f not in doubt]
    review_qc = [f for f in review_qc if f not in doubt_qc]
    excluded, excluded_qc = having(Status.EXCLUSION, True), having(Status.EXCLUSION, False)
    not_met = [c for c in clinical if c.status == CriterionStatus.NOT_MET]
    unknown = [c for c in clinical if c.status == CriterionStatus.UNKNOWN]
    errors = [s.accounting.error for s in samples if s.accounting.error]
    errors += [f"{SHEET_ROW_LEFT_OUT}: {e}" for e in sheet_errors]
    errors += list(view.problems)
    if not samples and not sheet_errors:
        errors.append("no variant file listed for this patient: nothing was assessed")
    tps = timepoints or {}
    exclusion = assess_exclusion(
        samples,
        rules,
        bool(excluded),
        bool(excluded_qc),
        view.rank,
        {s.sample_id: tps[s.sample_id].words for s in samples if s.sample_id in tps},
    )
    builds = {s.sample_id: s.genome_build for s in samples if not s.accounting.error}
    if len(set(builds.values())) > 1:
        listing = ", ".join(f"{k}: {v}" for k, v in sorted(builds.items()))
        errors.append(
            f"the patient's files were read on different genome builds ({listing}); "
            "coordinates cannot all be right: set genome_build in the sample sheet"
        )

    reasons: list[str] = []
    reasons += [f"exclusion: {_label(f)}" for f in excluded]
    reasons += [f"clinical criterion not met: {c.name} (value: {c.value})" for c in not_met]
    reasons += [
        e
        if e.startswith(("sample sheet", "the patient's files", "no variant file"))
        else f"input file could not be read: {e}"
        for e in errors
    ]
    if exclusion.blocking:
        reasons.append(exclusion.blocking)
    reasons += [f"listed finding: {_label(f)}" for f in listed]
    reasons += [
        f"listed finding with QC caveat ({'; '.join(f.caveats)}): {_label(f)}" for f in listed_qc
    ]
    reasons += [
        f"exclusion finding with QC caveat ({'; '.join(f.caveats)}): {_label(f)}"
        for f in excluded_qc
    ]
    reasons += [f"possible listed finding, to confirm: {_label(f)}" for f in doubt]
    reasons += [
        f"possible listed finding, to confirm, with QC caveat ({'; '.join(f.caveats)}): {_label(f)}"
        for f in doubt_qc
    ]
    reasons += [f"pathway finding for sponsor review: {_label(f)}" for f in review]
    reasons += [
        f"pathway finding for sponsor review, with QC caveat ({'; '.join(f.caveats)}): {_label(f)}"
        for f in review_qc
    ]
    reasons += [f"clinical criterion unknown: {c.name} (no value)" for c in unknown]
    reasons += [
        f"not a listed finding: {_label(f)}"
        for f in findings
        if f.status == Status.VUS and f.alteration_type in STRUCTURAL
    ]
    if ic50_note:
        reasons.append(ic50_note)

    if excluded or not_met:
        decision = Decision.NOT_CANDIDATE
    elif listed and not (unknown or errors or excluded_qc or exclusion.blocking):
        decision = Decision.CANDIDATE
    elif (
        listed
        or listed_qc
        or review
        or review_qc
        or doubt
        or doubt_qc
        or excluded_qc
        or errors
        or exclusion.blocking
    ):
        decision = Decision.REVIEW
    else:
        decision = Decision.NOT_CANDIDATE
        reasons.insert(0, "no qualifying or reviewable finding")
    if not samples:  # SPEC section 4: nothing assessed is never not_candidate
        decision = Decision.REVIEW
    small_read = any(s.kind == Kind.SMALL_VARIANTS and not s.accounting.error for s in samples)
    if decision == Decision.CANDIDATE and not small_read:
        decision = Decision.REVIEW
        excluded_by = ", ".join(r.id for r in rules.exclusions)
        reasons.insert(
            0,
            "no small-variant file was read, so the exclusion "
            f"({excluded_by}: BCL2 venetoclax-resistance mutations) could not be assessed",
        )
    # A small-variant file read on an assumed build may have had BCL2 (and every hotspot)
    # looked up at the wrong coordinates: no candidate, and no "nothing found" either.
    unverified = [
        s
        for s in samples
        if s.kind == Kind.SMALL_VARIANTS and not s.accounting.error and not s.build_verified
    ]
    if unverified and not (excluded or not_met):
        decision = Decision.REVIEW
        reasons.insert(
            0,
            "genome build not verified: the BCL2 exclusion could not be checked reliably ("
            + "; ".join(f"{s.sample_id}: {_assumed_build(s)}" for s in unverified)
            + ")",
        )
    problems = [r for r in reasons if r.startswith(INPUT_PROBLEM_PREFIXES)]
    if exclusion.blocking:
        problems.append(exclusion.blocking)
    return PatientDecision(
        input_problems=tuple(dict.fromkeys(problems)),
        patient_id=patient.patient_id,
        decision=decision,
        reasons=tuple(reasons),
        clinical=clinical,
        findings=findings,
        other_subprotocols=_routing(findings),
        samples=samples,
        exclusion=exclusion,
        decision_timepoint=view.decision_timepoint,
    )
