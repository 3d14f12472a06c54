"""Serial samples: order a patient's timepoints and follow each finding across them.

SPEC section 3: a patient with serial samples is decided on the latest relapse/refractory
timepoint; a finding seen only at an earlier timepoint, while a later file of the same kind
does not show it (or no file of its kind was read at the latest timepoint), is not a clean
finding but a doubt for the board, and every finding carries what each timepoint showed.

Accepted ``timepoint`` values (case-insensitive), in order: ``diagnosis`` (also ``dx``,
``initial_diagnosis``), ``refractory``, ``relapse1`` < ``relapse2`` < ... (``relapse`` is
``relapse1``; ``relapse_2``, ``relapse-2`` and ``rel2`` are read as ``relapse2``). When
every file of a patient has a ``collection_date`` (YYYY-MM-DD), the dates order them
instead. An empty timepoint is "the sample screened"; free text that none of these rules
order cannot be placed, and a patient whose files cannot be ordered is reviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .models import RULE_STATUSES, Finding, Kind, SampleResult, Status

_NAME = re.compile(
    r"^(?:(diagnosis|dx|initial[_ -]?diagnosis)|(refractory)|(?:relapse|rel)[ _-]?(\d*))$"
)
# Which files can show the same finding: a fusion in DNA at diagnosis and in RNA at relapse.
KIND_GROUPS: dict[str, str] = {
    Kind.SMALL_VARIANTS: "small_variants",
    Kind.STRUCTURAL_VARIANTS: "junctions",
    Kind.RNA_FUSIONS: "junctions",
    Kind.COPY_NUMBER: "copy_number",
}
KIND_WORDS = {
    "small_variants": "small-variant",
    "junctions": "structural-variant or RNA-fusion",
    "copy_number": "copy-number",
}


@dataclass(frozen=True)
class Timepoint:
    """A sample's place in a patient's history."""

    label: str  # as written in the sheet ("" when empty)
    collection_date: str = ""

    @property
    def stage(self) -> tuple[int, int] | None:
        """(0, 0) diagnosis, (1, 0) refractory, (2, n) relapse n; None when not ordered."""
        m = _NAME.match(self.label.strip().lower())
        if m is None:
            return None
        if m.group(1):
            return (0, 0)
        if m.group(2):
            return (1, 0)
        return (2, int(m.group(3) or 1))

    @property
    def relapse_or_refractory(self) -> bool:
        stage = self.stage
        return stage is not None and stage[0] > 0

    @property
    def words(self) -> str:
        return self.label or "the screened sample"


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Order:
    """A patient's samples in time order, or why they cannot be ordered."""

    rank: dict[str, int]  # sample_id -> position (higher = later); samples tied share one
    problem: str = ""
    serial: bool = False  # more than one timepoint

    def later(self, a: str, b: str) -> bool:
        return self.rank.get(a, 0) > self.rank.get(b, 0)


def order_samples(timepoints: dict[str, Timepoint]) -> Order:
    """Order by collection date when every sample has one, else by timepoint name."""
    if not timepoints:
        return Order({})
    labels = {t.label.strip().lower() for t in timepoints.values()}
    dates = {s: _date(t.collection_date) for s, t in timepoints.items()}
    given = {s: t.collection_date for s, t in timepoints.items() if t.collection_date}
    bad = sorted(f"'{text}'" for s, text in given.items() if dates[s] is None)
    if bad or (given and len(given) < len(timepoints) and len(timepoints) > 1):
        why = (
            f"collection_date {', '.join(bad)} is not a date (YYYY-MM-DD)"
            if bad
            else f"collection_date is given for {len(given)} of {len(timepoints)} files"
        )
        return Order(
            dict.fromkeys(timepoints, 0),
            f"the patient's files cannot be ordered in time: {why}; give every file a "
            "collection_date (YYYY-MM-DD), or none and timepoints diagnosis, refractory, "
            "relapse1, ...",
            serial=True,
        )
    if all(d is not None for d in dates.values()):
        ordered = sorted({d for d in dates.values() if d is not None})
        rank = {s: ordered.index(d) for s, d in dates.items() if d is not None}
        return Order(rank, serial=len(ordered) > 1)
    if len(labels) <= 1:
        return Order(dict.fromkeys(timepoints, 0))
    unplaced = sorted({t.label or "(empty)" for t in timepoints.values() if t.stage is None})
    if unplaced:
        return Order(
            dict.fromkeys(timepoints, 0),
            "the patient's files have timepoints that cannot be ordered ("
            + ", ".join(f"'{u}'" for u in unplaced)
            + "): use diagnosis, refractory, relapse1, relapse2, ... or give every file a "
            "collection_date (YYYY-MM-DD)",
            serial=True,
        )
    stages = sorted({t.stage for t in timepoints.values() if t.stage is not None})
    rank = {s: stages.index(t.stage) for s, t in timepoints.items() if t.stage is not None}
    return Order(rank, serial=len(stages) > 1)


def identity(finding: Finding) -> tuple[Any, ...]:
    """What makes two files' findings the same alteration (breakpoints may differ by bases):
    the gene, the 5'::3' partners or copy-number kind or allele, and what the rules made of
    it. Two different junctions of one gene pair (a reciprocal and its forward product, a
    listed and a kinase-lost junction) are never the same alteration."""
    what = (_effective(finding), finding.rule_id)
    if finding.partner_genes:
        return ("junction", finding.gene, tuple(finding.partner_genes), *what)
    if finding.copy_number is not None or finding.alteration_type in (
        "amplification",
        "gain",
        "deletion",
        "copy_neutral",
    ):
        return ("copy_number", finding.gene, finding.alteration_type, *what)
    return ("small", finding.gene, finding.genomic.removeprefix("chr").upper())


def _evidence(
    sample: SampleResult, timepoint: Timepoint, finding: Finding | None
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sample_id": sample.sample_id,
        "timepoint": timepoint.label or None,
        "collection_date": timepoint.collection_date or None,
        "kind": sample.kind,
    }
    if sample.accounting.error:
        return {**base, "result": "not assessed", "why": "the file could not be read"}
    if finding is None:
        return {**base, "result": "not detected"}
    return {
        **base,
        "result": "detected",
        "status": str(finding.status),
        "vaf": finding.vaf,
        "alt_reads": finding.alt_reads,
        "depth": finding.depth,
        "supporting_reads": finding.supporting_reads,
        "copy_number": finding.copy_number,
    }


@dataclass(frozen=True)
class SerialView:
    """The findings the decision uses, each with its trajectory, and notes on the order."""

    findings: tuple[Finding, ...]  # each with ``timepoints``: what every file showed
    rank: dict[str, int]  # sample_id -> time order (higher = later)
    problems: tuple[str, ...] = ()
    decision_timepoint: str = ""


def serial_view(samples: tuple[SampleResult, ...], timepoints: dict[str, Timepoint]) -> SerialView:
    """Every finding of every file, except one that a later file of its kind shows again
    (the later sighting stands for it), each with what every file of its kind showed.

    Nothing is merged within a timepoint. A rule finding not seen at the latest readable
    file of its kind, or whose kind was not read at the patient's latest timepoint, is
    demoted to ``filtered`` with the words that say so; its ``would_be`` keeps the rule
    status, so the decision names it for review.
    """
    tps = {s.sample_id: timepoints.get(s.sample_id, Timepoint("")) for s in samples}
    order = order_samples(tps)
    rank = {s.sample_id: order.rank.get(s.sample_id, 0) for s in samples}
    shown: dict[str, dict[tuple[Any, ...], Finding]] = {
        s.sample_id: {identity(f): f for f in s.findings} for s in samples
    }
    latest_rank = max(rank.values(), default=0)
    latest = [s for s in samples if rank[s.sample_id] == latest_rank]
    decision_words = tps[latest[0].sample_id].words if latest else ""
    group_of = {s.sample_id: KIND_GROUPS.get(s.kind, s.kind) for s in samples}
    only_diagnosis = bool(tps) and all(t.stage == (0, 0) for t in tps.values())
    kept: list[Finding] = []
    for sample in samples:
        group = group_of[sample.sample_id]
        peers = sorted(
            (s for s in samples if group_of[s.sample_id] == group),
            key=lambda s: (rank[s.sample_id], s.sample_id),
        )
        for finding in sample.findings:
            key = identity(finding)
            if any(
                rank[p.sample_id] > rank[sample.sample_id] and key in shown[p.sample_id]
                for p in peers
            ):
                continue  # a later file shows it: that sighting carries the trajectory
            trajectory = [
                _evidence(p, tps[p.sample_id], shown[p.sample_id].get(key)) for p in peers
            ]
            if order.serial and not order.problem:
                finding = _judged_over_time(
                    finding, sample, peers, order, tps, latest_rank, decision_words, group
                )
            elif only_diagnosis:
                finding = _demoted(
                    finding,
                    f"seen at {tps[sample.sample_id].words}; no relapse or refractory "
                    "sample was profiled",
                )
            kept.append(replace(finding, timepoints=tuple(trajectory)))
    problems = (order.problem,) if order.problem else ()
    return SerialView(tuple(kept), rank, problems, decision_words)


def _effective(finding: Finding) -> Status:
    if finding.status == Status.FILTERED and finding.would_be is not None:
        return finding.would_be
    return finding.status


def _judged_over_time(
    finding: Finding,
    sample: SampleResult,
    peers: list[SampleResult],
    order: Order,
    tps: dict[str, Timepoint],
    latest_rank: int,
    decision_words: str,
    group: str,
) -> Finding:
    if _effective(finding) not in RULE_STATUSES:
        return finding
    readable = [p for p in peers if not p.accounting.error]
    later = [p for p in readable if order.later(p.sample_id, sample.sample_id)]
    here = tps[sample.sample_id].words
    if later:
        last = max(later, key=lambda p: order.rank.get(p.sample_id, 0))
        words = f"present at {here}, not detected at {tps[last.sample_id].words}"
    elif order.rank.get(sample.sample_id, 0) < latest_rank:
        words = (
            f"seen at {here}; not assessed at {decision_words} (no {KIND_WORDS[group]} file "
            "read at that timepoint)"
        )
    else:
        return finding
    return _demoted(finding, words)


def _demoted(finding: Finding, words: str) -> Finding:
    """A rule finding the latest timepoint does not confirm: for review, with the words."""
    if _effective(finding) not in RULE_STATUSES:
        return finding
    return replace(
        finding,
        status=Status.FILTERED,
        would_be=_effective(finding),
        reason="filtered:not_seen_at_latest_timepoint",
        caveats=(words, *finding.caveats),
    )
