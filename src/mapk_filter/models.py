"""Typed records passed between stages: reader -> classify -> decide -> reports.

Each stage's output is a frozen dataclass that serialises to plain JSON with
``to_dict`` and back with ``from_dict``, so Snakemake can cache it on disk.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from functools import cache
from typing import Any

# One rounding of a VAF wherever it is written (reasons, caveats, report.html, variants.tsv).
VAF_DIGITS = 3


class Status(StrEnum):
    """What a panel record means for sub-protocol B (SPEC §6)."""

    QUALIFYING = "qualifying"  # listed by the rules for sub-protocol B
    REVIEW = "review"  # pathway alteration that needs sponsor review
    EXCLUSION = "exclusion"  # excludes from sub-protocol B (BCL2 resistance)
    VUS = "vus"  # in the panel, no rule matched
    BENIGN = "benign"  # synonymous, common polymorphism, ...
    FILTERED = "filtered"  # failed a QC filter; ``reason`` says which


# The statuses a trial rule gives (as against vus, benign, filtered).
RULE_STATUSES = frozenset({Status.QUALIFYING, Status.REVIEW, Status.EXCLUSION})


class CriterionStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class Decision(StrEnum):
    CANDIDATE = "candidate"
    REVIEW = "review"
    NOT_CANDIDATE = "not_candidate"


@dataclass(frozen=True, slots=True)
class TranscriptAnnotation:
    """One transcript consequence from VEP CSQ, bcftools BCSQ or SnpEff ANN."""

    source: str  # "CSQ" | "BCSQ" | "ANN"
    gene: str
    transcript: str
    consequences: tuple[str, ...]
    hgvs_c: str = ""
    hgvs_p: str = ""
    mane_select: bool = False
    gnomad_af: float | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TranscriptAnnotation:
        return cls(**{**d, "consequences": tuple(d["consequences"])})


@dataclass(frozen=True, slots=True)
class SampleEvidence:
    """Read support for one allele in one sample."""

    depth: int | None
    alt_reads: int | None
    vaf: float | None
    # Values in the file that cannot be evidence, in words ("DP -5; AF 1.7 (...)"): they
    # are left out of depth/alt_reads/vaf, and the finding is filtered:invalid_evidence.
    invalid: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> SampleEvidence | None:
        return None if d is None else cls(**d)


@dataclass(frozen=True, slots=True)
class SmallVariant:
    """One allele of one VCF record (multi-allelic records are split)."""

    chrom: str  # as written in the file
    pos: int  # 1-based
    ref: str
    alt: str
    filters: tuple[str, ...]  # ("PASS",) when the caller passed it
    tumor: SampleEvidence
    normal: SampleEvidence | None
    record_number: int  # 1-based index of the record in the file
    annotations: tuple[TranscriptAnnotation, ...] = ()
    variant_id: str = ""
    end: int = 0  # last reference base (INFO/END for symbolic alleles); 0 = from REF

    @property
    def last(self) -> int:
        return self.end or self.pos + len(self.ref) - 1

    @property
    def genomic(self) -> str:
        return f"{self.chrom}:{self.pos}{self.ref}>{self.alt}"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SmallVariant:
        return cls(
            **{
                **d,
                "filters": tuple(d["filters"]),
                "tumor": SampleEvidence.from_dict(d["tumor"]),
                "normal": SampleEvidence.from_dict(d["normal"]),
                "annotations": tuple(TranscriptAnnotation.from_dict(a) for a in d["annotations"]),
            }
        )


class Kind(StrEnum):
    """What a sample-sheet row's file holds (the sheet's `kind` column)."""

    SMALL_VARIANTS = "small_variants"
    STRUCTURAL_VARIANTS = "structural_variants"
    COPY_NUMBER = "copy_number"
    RNA_FUSIONS = "rna_fusions"
    COVERAGE = "coverage"


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, slots=True)
class Finding:
    """A classified panel record: what it is, which rule matched, and why."""

    sample_id: str
    source_file: str
    gene: str
    alteration_type: str  # snv | indel | mnv | fusion | amplification | drug_response
    genomic: str  # chrom:posREF>ALT, or a breakpoint description
    status: Status
    reason: str  # reason code, e.g. "hotspot", "filtered:low_depth"
    classification: str  # human-readable: "KRAS p.Gly12Asp activating hotspot"
    rule_id: str | None = None  # id in the trial rules file, when a rule matched
    would_be: Status | None = None  # status before a QC filter demoted it
    caveats: tuple[str, ...] = ()
    transcript: str = ""
    hgvs_c: str = ""
    hgvs_p: str = ""
    consequence: str = ""
    vaf: float | None = None
    depth: int | None = None
    alt_reads: int | None = None
    normal_vaf: float | None = None
    filters: tuple[str, ...] = ()
    record_number: int | None = None
    routes: tuple[str, ...] = ()  # other sub-protocols this finding is an entry criterion of
    # Structural findings (fusion, amplification); empty for small variants.
    partner_genes: tuple[str, ...] = ()  # 5' gene first, then 3' gene, for a fusion
    breakpoints: tuple[str, ...] = ()  # "chr9:130714321 (ABL1 intron 1)", one per side
    kinase_domain_retained: str | None = None  # "yes" | "no" | "unknown"
    supporting_reads: int | None = None  # split + spanning reads, as the caller gives
    split_reads: int | None = None  # when the caller keeps split and spanning apart
    spanning_reads: int | None = None
    frame: str = ""  # an RNA caller's reading-frame verdict (in-frame, out-of-frame, ...)
    copy_number: float | None = None
    other_records: tuple[int, ...] = ()  # the event's other records (BND mates), same finding
    # What every file of the same kind showed at each timepoint (decide fills it): per file
    # sample_id, timepoint, result "detected" / "not detected" / "not assessed", evidence.
    timepoints: tuple[dict[str, Any], ...] = ()

    @property
    def label(self) -> str:
        """Gene and alteration in a few words: "PAX5::JAK2 fusion", "KRAS p.Gly12Asp"."""
        kind = self.alteration_type.replace("_", " ")
        if len(self.partner_genes) == 2 and not kind.startswith("intragenic"):
            return f"{self.partner_genes[0]}::{self.partner_genes[1]} {kind}"
        if kind in ("amplification", "gain", "deletion", "copy neutral", "copy number"):
            cn = "" if self.copy_number is None else f", CN {self.copy_number:g}"
            return f"{self.gene} {kind}{cn}"
        if self.partner_genes or kind in ("breakend", "duplication", "inversion", "symbolic"):
            return f"{self.gene} {kind}"
        if kind == "drug response":
            return self.classification
        return f"{self.gene} {self.hgvs_p or self.hgvs_c or self.genomic}".strip()

    @property
    def accounting_key(self) -> str:
        """The bucket a finding is counted in: its status, or filtered:<why>."""
        return self.reason if self.status == Status.FILTERED else str(self.status)

    def to_dict(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict: asdict deep-copies every value, which made
        # serialising the thousands of panel records of a whole genome the slow part.
        d: dict[str, Any] = {}
        for name in _field_names(Finding):
            value = getattr(self, name)
            if isinstance(value, tuple):
                value = [dict(v) if isinstance(v, dict) else v for v in value]
            d[name] = value
        d["status"] = str(self.status)
        d["would_be"] = None if self.would_be is None else str(self.would_be)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        known = {f.name for f in fields(cls)}
        d = {k: v for k, v in d.items() if k in known}
        return cls(
            **{
                **d,
                "status": Status(d["status"]),
                "would_be": None if d.get("would_be") is None else Status(d["would_be"]),
                "caveats": tuple(d.get("caveats", ())),
                "filters": tuple(d.get("filters", ())),
                "routes": tuple(d.get("routes", ())),
                "partner_genes": tuple(d.get("partner_genes", ())),
                "breakpoints": tuple(d.get("breakpoints", ())),
                "other_records": tuple(d.get("other_records", ())),
                "timepoints": tuple(d.get("timepoints", ())),
            }
        )


@dataclass(frozen=True, slots=True)
class FileAccounting:
    """Per input file: where every record went. ``reconciles`` must hold."""

    sample_id: str
    path: str
    kind: str
    records_read: int = 0  # records the reader looked at (after any region query)
    alleles: int = 0  # after multi-allelic split
    outside_panel: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    region_query: bool = False  # True: only the panel regions were read (index or htslib)
    error: str | None = None  # set when the file could not be read

    @property
    def in_panel(self) -> int:
        return sum(self.by_status.values())

    @property
    def reconciles(self) -> bool:
        return self.error is not None or self.alleles == self.outside_panel + self.in_panel

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "in_panel": self.in_panel, "reconciles": self.reconciles}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FileAccounting:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(frozen=True, slots=True)
class SampleResult:
    """Everything one input file contributed: findings, accounting, notes."""

    sample_id: str
    patient_id: str
    path: str
    kind: str
    genome_build: str
    sha256: str
    findings: tuple[Finding, ...]
    accounting: FileAccounting
    notes: tuple[str, ...] = ()  # e.g. "not annotated: only known hotspots matched"
    caller: str = ""
    tumor_sample: str = ""
    normal_sample: str = ""
    # How genome_build was established, strongest first: "fasta_ref_bases" (REF bases
    # match the configured FASTA of that build), "contigs" (header contig lengths),
    # "reference_line" (##reference/##assembly names it), "sheet" (declared, nothing in
    # the file to check it against), "default" (nothing: the configured default assumed).
    # Results written before the field existed load as "default": unverified.
    build_evidence: str = "default"
    annotation_sources: tuple[str, ...] = ()  # CSQ / ANN / BCSQ found (or added by csq)
    # kind coverage: per target (BCL2 exclusion codons) label, status, min_depth, detail
    coverage: tuple[dict[str, Any], ...] = ()
    # What the file was classified with: {"filters": Filters as a dict, "reference":
    # {"fasta", "gff3"}}; recorded so that `mapk-filter verify --rerun` repeats it.
    # Results written before the field existed load as {} (the defaults).
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def build_verified(self) -> bool:
        """False only when nothing established the build: the default was assumed."""
        return self.build_evidence != "default"

    def to_dict(self) -> dict[str, Any]:
        return self._fields([f.to_dict() for f in self.findings])

    def to_json(self) -> bytes:
        """The result as indented JSON (results/samples/<id>.json), encoded by orjson: the
        findings, frozen dataclasses, are serialised natively in field order, without the
        per-finding dicts that made a whole genome's thousands of findings slow to write."""
        import orjson

        return orjson.dumps(  # the newline appended by orjson: no second copy of the text
            self._fields(self.findings), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
        )

    @classmethod
    def from_json(cls, data: bytes) -> SampleResult:
        import orjson

        return cls.from_dict(orjson.loads(data))

    def _fields(self, findings: Any) -> dict[str, Any]:
        return {
            "sample_id": self.sample_id,
            "patient_id": self.patient_id,
            "path": self.path,
            "kind": self.kind,
            "genome_build": self.genome_build,
            "build_evidence": self.build_evidence,
            "annotation_sources": list(self.annotation_sources),
            "coverage": [dict(c) for c in self.coverage],
            "settings": self.settings,
            "sha256": self.sha256,
            "caller": self.caller,
            "tumor_sample": self.tumor_sample,
            "normal_sample": self.normal_sample,
            "notes": list(self.notes),
            "findings": findings,
            "accounting": self.accounting.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SampleResult:
        return cls(
            sample_id=d["sample_id"],
            patient_id=d["patient_id"],
            path=d["path"],
            kind=d["kind"],
            genome_build=d["genome_build"],
            build_evidence=d.get("build_evidence", "default"),
            annotation_sources=tuple(d.get("annotation_sources", ())),
            coverage=tuple(d.get("coverage", ())),
            settings=dict(d.get("settings", {})),
            sha256=d["sha256"],
            caller=d.get("caller", ""),
            tumor_sample=d.get("tumor_sample", ""),
            normal_sample=d.get("normal_sample", ""),
            notes=tuple(d.get("notes", ())),
            findings=tuple(Finding.from_dict(f) for f in d["findings"]),
            accounting=FileAccounting.from_dict(d["accounting"]),
        )
