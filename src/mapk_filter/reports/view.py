"""What a reader sees first, computed once from a decision so every format says the same.

The one-line banner, the checklist that joins the clinical and molecular criteria, the split
of the reasons into the decisive ones and informational notes, and the display fields of a
finding (genomic description with its build, MANE transcript, exon junction, evidence).
report.json carries all of it; the HTML, the PDF and the batch overview only render it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from ..models import VAF_DIGITS

# Reasons that inform but do not decide: shown on a notes line, not in the "Why" list.
INFORMATIONAL = (
    re.compile(r"^no ex vivo dasatinib IC50 given$"),
    re.compile(r"^ex vivo dasatinib IC50 .* is not below .*$"),
)
GLYPHS = {"met": "✓", "not_met": "✗", "unknown": "?", "none": "-"}
DECISION_WORDS = {
    "candidate": "CANDIDATE",
    "review": "REVIEW",
    "not_candidate": "NOT A CANDIDATE",
    "not_assessed": "NOT ASSESSED",
}
WORDS = {"met": "met", "not_met": "not met", "unknown": "unknown", "none": "none"}
SUBPROTOCOL_DRUGS = {"C": "ruxolitinib", "D": "trametinib"}
# The doubt about a listed finding in a few words, by reason code.
DOUBTS = {
    "reciprocal_junction": "forward junction not seen: confirm by RNA or FISH",
    "orientation_cannot_make_fusion": "an orientation that cannot make it: confirm by RNA or FISH",
    "partner_upstream_of_gene": "partner joined 5' of the whole gene: confirm by RNA or FISH",
    "partner_not_a_gene": "no 5' partner gene: confirm by RNA or FISH",
    "single_breakend": "partner not resolved: confirm by RNA or FISH",
    "kinase_retained_breakpoint_after_listed_exon": "breakpoint past the listed exon",
    "breakpoint_in_splice_acceptor": "breakpoint in the splice acceptor: confirm by RNA",
    "partner_contributes_no_exon": "the 5' partner contributes no exon: confirm by RNA",
    "out_of_frame_fusion": "not in frame by the RNA caller",
    "kinase_domain_unknown": "kinase-domain exons unknown",
    "partial_kinase_amplification": "only part of the kinase amplified",
    "possible_amplification": "a log2 gain that tumour content may make an amplification",
}


def informational(reason: str) -> bool:
    return any(p.match(reason) for p in INFORMATIONAL)


def split_reasons(reasons: list[str]) -> tuple[list[str], list[str]]:
    """(decisive reasons, informational notes), each in the report's order."""
    decisive = [r for r in reasons if not informational(r)]
    return decisive, [r for r in reasons if informational(r)]


def _effective(finding: dict[str, Any]) -> str:
    if finding["status"] == "filtered" and finding.get("would_be"):
        return str(finding["would_be"])
    return str(finding["status"])


def _rule(finding: dict[str, Any]) -> str:
    return f" ({finding['rule_id']})" if finding.get("rule_id") else ""


def value_text(value: object, missing: str = "no value") -> str:
    """A clinical value as people write it: 9 not 9.0, ``missing`` when there is none."""
    if value is None:
        return missing
    return f"{value:g}" if isinstance(value, float) else str(value)


def _named(findings: list[dict[str, Any]]) -> str:
    """ "NUP214::ABL1 fusion (B-L1); KRAS p.Gly12Asp (B-R1)" """
    return "; ".join(f"{short_label(f)}{_rule(f)}" for f in findings)


def _doubtful(findings: list[dict[str, Any]], listed_ids: Collection[str]) -> list[dict[str, Any]]:
    """Findings a listed rule names, or that would qualify, but that are not clean."""
    return [
        f
        for f in findings
        if f["status"] != "qualifying"
        and (_effective(f) == "qualifying" or f.get("rule_id") in listed_ids)
    ]


def short_label(finding: dict[str, Any]) -> str:
    """A finding in a few words: "NUP214::ABL1 fusion", "KRAS p.Gly12Asp"."""
    if finding.get("label"):
        return str(finding["label"])
    return str(finding.get("classification", "")).split(":")[0]


def _headline(problem: str) -> str:
    """An input problem in a few words: its text before the first colon, without a path."""
    head = problem.split(":")[0]
    return head if len(head) <= 60 else head[:57] + "..."


def _routes(report: dict[str, Any]) -> str:
    """ "; matches sub-protocol D (trametinib)" when another sub-protocol fits."""
    routes = []
    for r in report.get("other_subprotocols", []):
        drug = SUBPROTOCOL_DRUGS.get(r["subprotocol"])
        routes.append(f"sub-protocol {r['subprotocol']}" + (f" ({drug})" if drug else ""))
    return f"; matches {', '.join(dict.fromkeys(routes))}" if routes else ""


def banner(report: dict[str, Any], listed_ids: set[str]) -> str:
    """The decision in one line, with what it rests on."""
    decision = report["decision"]
    head = f"{DECISION_WORDS[decision]} — "
    findings = report["findings"]
    listed = [f for f in findings if f["status"] == "qualifying"]
    excluded = [f for f in findings if f["status"] == "exclusion"]
    not_met = [c for c in report["clinical"] if c["status"] == "not_met"]
    unknown = [c for c in report["clinical"] if c["status"] == "unknown"]
    if decision == "candidate":
        return head + _named(listed)
    if decision == "not_candidate":
        if excluded:
            tail = "; would otherwise qualify" if listed else ""
            return head + _named(excluded) + tail
        if not_met:
            return head + "; ".join(f"{c['name']} not met ({c['value']})" for c in not_met)
        return head + f"no qualifying or reviewable finding{_routes(report)}"
    if report.get("assessment") == "incomplete":
        problems = report.get("input_problems") or []
        what = f" ({_headline(problems[0])})" if problems else ""
        return head + f"input incomplete{what}: fix and re-run"
    doubts = _doubtful(findings, listed_ids)
    if listed and unknown:
        return head + f"{_named(listed)}; {', '.join(c['name'] for c in unknown)}: unknown"
    if doubts:
        f = doubts[0]
        why = DOUBTS.get(f["reason"]) or (f["caveats"][0] if f.get("caveats") else "to confirm")
        return head + f"possible {_named([f])}: {why}"
    review = [f for f in findings if _effective(f) == "review"]
    if review:
        return head + f"{_named(review[:1])} for sponsor review{_routes(report)}"
    if listed:
        return head + f"{_named(listed[:1])}: see the reasons"
    first = split_reasons(report["reasons"])[0]
    return head + (first[0] if first else "see the reasons")


def checklist(report: dict[str, Any], rules: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """One row per criterion the decision rests on: clinical criteria, the listed
    alterations, the exclusion, sponsor-review findings, readable inputs."""
    rows: list[dict[str, Any]] = []

    def row(item: str, rule: str, required: str, actual: str, status: str, source: str) -> None:
        rows.append(
            {
                "item": item,
                "rule": rule,
                "required": required,
                "actual": actual,
                "status": status,
                "glyph": GLYPHS[status],
                "word": WORDS[status],
                "source": source,
            }
        )

    for c in report["clinical"]:
        row(
            c["name"],
            c["id"],
            c["expected"],
            value_text(c["value"]),
            c["status"],
            _source(rules, c["id"], c),
        )
    findings = report["findings"]
    listed_ids = [rid for rid, r in rules.items() if r.get("kind") == "listed"]
    clean = [f for f in findings if f["status"] == "qualifying"]
    doubtful = _doubtful(findings, listed_ids)
    actual = _named(clean)
    if doubtful:
        actual += ("; " if actual else "") + "to confirm: " + _named(doubtful)
    row(
        "Listed alteration",
        " ".join(listed_ids) if listed_ids else "B-L",
        "at least one listed alteration",
        actual or "none found",
        "met" if clean else "unknown" if doubtful else "not_met",
        _source(rules, listed_ids[0] if listed_ids else "", None),
    )
    exclusion = report.get("exclusion") or {}
    ex_ids = exclusion.get("rules", [])
    ex_status = exclusion.get("status", "not_assessable")
    ex_words = {
        "detected": "detected",
        "possibly_detected": "possibly detected",
        "not_detected": "not detected",
        "not_assessable": "not assessable",
    }[ex_status]
    proven = " (absence shown by coverage)" if exclusion.get("absence_proven") else ""
    row(
        "BCL2 venetoclax-resistance exclusion",
        " ".join(ex_ids),
        "not detected",
        f"{ex_words}{proven}; looked for by {exclusion.get('how', 'nothing')}",
        {"detected": "not_met", "not_detected": "met"}.get(ex_status, "unknown"),
        _source(rules, ex_ids[0] if ex_ids else "", None),
    )
    review = [
        f for f in findings if _effective(f) == "review" and f.get("rule_id") not in listed_ids
    ]
    row(
        "Sponsor-review findings",
        "B-R",
        "none, or sponsor review",
        _named(review) or "none",
        "unknown" if review else "none",
        "NCT05751044 inclusion 6 (including but not limited to)",
    )
    problems = report.get("input_problems", [])
    row(
        "All inputs readable",
        "",
        "every file read, build verified",
        "; ".join(problems) if problems else "yes",
        "not_met" if problems else "met",
        "SPEC section 6",
    )
    return rows


def _source(
    rules: dict[str, dict[str, str]], rule_id: str, criterion: dict[str, Any] | None
) -> str:
    entry = rules.get(rule_id, {})
    return entry.get("criterion") or entry.get("citation") or (criterion or {}).get("source", "")


# ---------------------------------------------------------------- findings, as displayed

# Genes of the RASopathies and related cancer-predisposition syndromes in the panel: a
# finding with normal-sample evidence there may be constitutional (Noonan syndrome, NF1,
# CBL syndrome): the report shows it apart and suggests a germline test.
PREDISPOSITION = frozenset(
    {"PTPN11", "NF1", "CBL", "KRAS", "NRAS", "HRAS", "BRAF", "RAF1", "SOS1", "RIT1", "MAP2K1"}
)
_BREAKPOINT = re.compile(r"\((\S+) (intron|exon) (\d+)")


def vaf_text(vaf: float | None) -> str:
    return "" if vaf is None else f"{vaf:.{VAF_DIGITS}f}"


def genomic_text(finding: dict[str, Any], build: str) -> str:
    """ "GRCh38 chr12:g.25245350C>T" for an SNV; the caller-neutral event otherwise."""
    genomic = str(finding.get("genomic", ""))
    m = re.fullmatch(r"(chr)?([^:]+):(\d+)([ACGTN]+)>([ACGTN]+)", genomic)
    if m and len(m.group(4)) == len(m.group(5)) == 1:
        return f"{build} chr{m.group(2)}:g.{m.group(3)}{m.group(4)}>{m.group(5)}"
    if m:
        return f"{build} chr{m.group(2)}:{m.group(3)} {m.group(4)}>{m.group(5)} (VCF)"
    return f"{build} {genomic}" if genomic else ""


def exon_junction(finding: dict[str, Any]) -> str:
    """ "NUP214 ex32::ABL1 ex2": the 5' partner's last exon kept, the 3' partner's first."""
    partners = finding.get("partner_genes") or []
    if len(partners) != 2 or finding.get("alteration_type") != "fusion":
        return ""
    sides = []
    for index, text in enumerate(finding.get("breakpoints") or []):
        m = _BREAKPOINT.search(text)
        if m is None or m.group(1) != partners[index]:
            sides.append(partners[index])
            continue
        number = int(m.group(3))
        if m.group(2) == "intron" and index == 1:
            number += 1  # the 3' partner starts at the exon after the intron
        sides.append(f"{partners[index]} ex{number}")
    return "::".join(sides)


def reads_text(finding: dict[str, Any]) -> str:
    if finding.get("supporting_reads") is None:
        return ""
    total = f"{finding['supporting_reads']}"
    if finding.get("split_reads") is not None and finding.get("spanning_reads") is not None:
        return f"{total} ({finding['split_reads']} split, {finding['spanning_reads']} spanning)"
    return total


def trajectory_text(finding: dict[str, Any]) -> str:
    """What every file of the finding's kind showed, in time order."""
    steps = []
    for t in finding.get("timepoints") or []:
        where = t.get("timepoint") or t["sample_id"]
        if t["result"] != "detected":
            steps.append(f"{where}: {t['result']}")
            continue
        if t.get("vaf") is not None:
            what = f"VAF {vaf_text(t['vaf'])}"
        elif t.get("supporting_reads") is not None:
            what = f"{t['supporting_reads']} reads"
        elif t.get("copy_number") is not None:
            what = f"CN {t['copy_number']:g}"
        else:
            what = "detected"
        steps.append(f"{where}: {what}")
    return " → ".join(steps) if len(steps) > 1 else ""


def display(
    finding: dict[str, Any],
    sample: dict[str, Any] | None,
    mane: dict[str, str],
    kinase: dict[str, str],
) -> dict[str, str]:
    """The display fields of one finding (report.json ``display``); ``mane``: gene ->
    "MANE Select NM_... / ENST...", ``kinase``: gene -> its kinase-domain range and source."""
    build = (sample or {}).get("genome_build", "")
    normal = (sample or {}).get("normal_sample") or ""
    if finding.get("normal_vaf") is not None:
        evidence = f"normal {normal}: VAF {vaf_text(finding['normal_vaf'])}"
    elif normal:
        evidence = f"matched normal {normal}"
    elif finding.get("sample_id") == "clinical":
        evidence = "patient sheet (ex vivo drug screen)"
    else:
        evidence = "tumour-only"
    gene = str(finding.get("gene") or "")
    partners = finding.get("partner_genes") or []
    kinase_gene = partners[-1] if len(partners) == 2 else gene
    show_kinase = bool(finding.get("kinase_domain_retained")) or (
        finding.get("alteration_type") == "amplification"
    )
    return {
        "genomic": genomic_text(finding, build) if finding.get("genomic") else "",
        "transcript": mane.get(gene) or str(finding.get("transcript") or ""),
        "filters": ";".join(finding.get("filters") or []) or "",
        "normal": evidence,
        "vaf": vaf_text(finding.get("vaf")),
        "junction": exon_junction(finding),
        "reads": reads_text(finding),
        "frame": str(finding.get("frame") or "")
        or ("not reported by the RNA caller" if _from_rna(finding) else ""),
        "kinase_domain": kinase.get(kinase_gene, "") if show_kinase else "",
        "trajectory": trajectory_text(finding),
    }


def _from_rna(finding: dict[str, Any]) -> bool:
    return str(finding.get("genomic", "")).startswith("RNA ")


def germline(findings: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Findings with normal-sample evidence in predisposition genes, shown apart."""
    return [
        {
            "gene": str(f["gene"]),
            "finding": short_label(f),
            "evidence": next(c for c in f["caveats"] if c.startswith("possibly germline")),
            "advice": "possible constitutional variant: confirm in a germline sample; "
            "consider a genetics referral",
        }
        for f in findings
        if f.get("gene") in PREDISPOSITION
        and any(c.startswith("possibly germline") for c in f.get("caveats", []))
    ]
