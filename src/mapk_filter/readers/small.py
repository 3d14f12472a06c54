"""Small-variant VCF/VCF.gz/BCF reading with cyvcf2, restricted to panel regions.

With a tabix/CSI index the panel regions are queried directly, so cost does not grow with
genome size; without one, the file is streamed once. Every allele read is counted as
outside the panel or returned, so the caller can account for all of them.
"""

from __future__ import annotations

import tempfile
import warnings
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

from cyvcf2 import VCF

from ..annotate import annotate_with_csq, field_names, parse_ann, parse_bcsq, parse_csq
from ..errors import InputError
from ..models import SampleEvidence, SmallVariant, TranscriptAnnotation
from ..normalise import left_align
from ..panel import Panel, normalise_chrom
from ..settings import Reference
from .evidence import extractor_for
from .vcf_header import (
    CALLERS,
    REF_CHECK_RECORDS,
    HeaderFacts,
    RefBaseCheck,
    choose_samples,
    compare_ref_bases,
    establish_build,
    parse_header,
    unreadable_as_input_error,
)

ANNOTATION_TAGS = ("CSQ", "ANN", "BCSQ")


@dataclass
class SmallVariantScan:
    """A file's panel alleles plus the counts that account for everything else."""

    path: Path
    facts: HeaderFacts
    build: str
    tumor_sample: str
    normal_sample: str
    annotation_sources: tuple[str, ...]
    region_query: bool
    # How ``build`` was established: fasta_ref_bases | contigs | reference_line | sheet |
    # default (vcf_header.BUILD_EVIDENCE); only "default" is unverified.
    build_evidence: str = "default"
    records_read: int = 0
    alleles: int = 0
    outside_panel: int = 0
    variants: list[tuple[SmallVariant, tuple[str, ...]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def find_index(path: Path) -> Path | None:
    for suffix in (".tbi", ".csi"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            return candidate
    return None


def _open(path: Path) -> Any:
    if not path.exists():
        raise InputError(str(path), "file not found")
    try:
        return VCF(str(path))  # lazy=True crashes on FORMAT access (cyvcf2 0.35)
    except (OSError, ValueError, Exception) as exc:  # cyvcf2 raises bare Exception too
        raise InputError(str(path), f"not a readable VCF/BCF: {exc}") from exc


def _ref_check(path: Path, fasta: Path) -> RefBaseCheck:
    """The REF bases of the file's first records compared with the reference FASTA."""
    vcf = _open(path)
    rows: list[tuple[int, str, int, str]] = []
    try:
        with unreadable_as_input_error(path, lambda: len(rows)):
            for number, record in enumerate(islice(vcf, REF_CHECK_RECORDS), start=1):
                rows.append((number, record.CHROM, record.POS, record.REF))
    finally:
        vcf.close()
    return compare_ref_bases(path, rows, fasta)


def _with_fasta_contigs(path: Path, fasta: Path, workdir: Path | None) -> Path:
    """A copy of a file without ##contig lines, given the FASTA's (bcftools reheader).

    bcftools norm writes BCF, which cannot hold a record whose contig the header lacks.
    """
    import pysam.bcftools
    import pysam.utils

    directory = Path(workdir or tempfile.mkdtemp(prefix="mapk_filter_contigs_"))
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"contigs.{path.name}"
    fai = Path(f"{fasta}.fai")
    try:
        pysam.bcftools.reheader("--fai", str(fai), "-o", str(out), str(path), catch_stdout=False)
    except pysam.utils.SamtoolsError as exc:
        message = " ".join(str(exc).split())
        raise InputError(
            str(path), f"bcftools reheader with the contigs of {fai.name} failed: {message}"
        ) from exc
    return out


def _merged(panel: Panel, build: str) -> list[tuple[str, int, int]]:
    merged: list[list[Any]] = []
    for chrom, start, end, _ in panel.regions(build):
        if merged and merged[-1][0] == chrom and start <= merged[-1][2] + 1:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([chrom, start, end])
    return [(c, s, e) for c, s, e in merged]


def _merged_regions(panel: Panel, build: str, uses_chr: bool) -> list[str]:
    prefix = "chr" if uses_chr else ""
    return [f"{prefix}{c}:{s}-{e}" for c, s, e in _merged(panel, build)]


class PanelRegions:
    """Fast "could this record touch the panel?" for streaming: bisect on merged regions.

    Contig names are normalised once per name, not once per record; only records that
    may overlap go on to the exact per-gene lookup.
    """

    def __init__(self, panel: Panel, build: str) -> None:
        self._by_chrom: dict[str, tuple[list[int], list[int]]] = {}
        for chrom, start, end in _merged(panel, build):
            starts, ends = self._by_chrom.setdefault(chrom, ([], []))
            starts.append(start)
            ends.append(end)
        self._names: dict[str, str] = {}

    def normalised(self, raw: str) -> str:
        name = self._names.get(raw)
        if name is None:
            name = self._names[raw] = normalise_chrom(raw)
        return name

    def may_overlap(self, raw_chrom: str, start: int, end: int) -> bool:
        intervals = self._by_chrom.get(self.normalised(raw_chrom))
        if intervals is None:
            return False
        starts, ends = intervals
        i = bisect_right(starts, end) - 1
        return i >= 0 and ends[i] >= start


def _records(vcf: Any, regions: list[str] | None, path: Path) -> Iterator[Any]:
    """Records in file order (streaming) or region by region (indexed), without repeats."""
    if regions is None:
        yield from vcf
        return
    seen_at_boundary: set[tuple[str, int, str, str]] = set()
    for region in regions:
        try:
            with warnings.catch_warnings():  # "no intervals found": no record there
                warnings.simplefilter("ignore")
                query = list(vcf(region))
        except Exception as exc:  # htslib: contig missing from the index is not an error
            if "no intervals" in str(exc).lower() or "not found" in str(exc).lower():
                continue
            raise InputError(str(path), f"region query {region} failed: {exc}") from exc
        first, last = (int(x) for x in region.rsplit(":", 1)[1].split("-"))
        for record in query:
            # A record reaching past a region can be returned again by the next query.
            if first > record.POS or record.end > last:
                key = (record.CHROM, record.POS, record.REF, ",".join(record.ALT))
                if key in seen_at_boundary:
                    continue
                seen_at_boundary.add(key)
            yield record


def _annotation_parsers(vcf: Any) -> dict[str, list[str]]:
    present: dict[str, list[str]] = {}
    for tag in ANNOTATION_TAGS:
        try:
            info = vcf.get_header_type(tag)
        except KeyError:
            continue
        present[tag] = field_names(info.get("Description", ""))
    return present


def _annotations(
    record: Any, parsers: dict[str, list[str]]
) -> dict[int, list[TranscriptAnnotation]]:
    by_allele: dict[int, list[TranscriptAnnotation]] = {}
    for tag, names in parsers.items():
        value = record.INFO.get(tag)
        if not value:
            continue
        alts = list(record.ALT)
        if tag == "CSQ":
            parsed = parse_csq(value, names, record.REF, alts)
        elif tag == "ANN":
            parsed = parse_ann(value, alts)
        else:
            parsed = parse_bcsq(value, record.POS, record.REF, alts)
        for allele, found in parsed.items():
            by_allele.setdefault(allele, []).extend(found)
    return by_allele


def read_small_variants(
    path: Path,
    panel: Panel,
    declared_build: str,
    tumor_name: str | None = None,
    normal_name: str | None = None,
    reference: Reference | None = None,
    workdir: Path | None = None,
    caller: str | None = None,
    build_from_header: bool = False,
) -> SmallVariantScan:
    """Read one small-variant file; raise InputError (naming file and record) on bad input.

    ``caller`` overrides the caller detected from the header (sample sheet column). The
    build is established by ``vcf_header.establish_build`` from what the file shows (REF
    bases against ``reference.fasta``, header contig lengths, ##reference line), which
    must agree with ``declared_build``; with ``build_from_header`` (the sheet names no
    build) ``declared_build`` is only the configured default, assumed (unverified, see
    ``SmallVariantScan.build_evidence``) when the file cannot tell.
    """
    vcf = _open(path)
    facts = parse_header(vcf.raw_header, list(vcf.samples))
    if caller:
        if caller not in CALLERS:
            raise InputError(str(path), f"unknown caller '{caller}'; one of {', '.join(CALLERS)}")
        facts = replace(facts, caller=caller)
    fasta = reference.fasta if reference is not None else None
    call = establish_build(
        path,
        facts,
        None if build_from_header else declared_build,
        declared_build,
        _ref_check(path, fasta) if fasta is not None else None,
    )
    declared_build = call.build
    notes: list[str] = [call.note]
    tumor, normal = choose_samples(path, facts, tumor_name, normal_name)
    index = find_index(path) if path.suffix in (".gz", ".bcf") else None
    regions = _merged_regions(panel, declared_build, facts.uses_chr) if index else None
    parsers = _annotation_parsers(vcf)
    current = path
    if reference is not None and reference.fasta is not None:
        vcf.close()
        if not facts.contigs:  # records on contigs the header lacks cannot be written as BCF
            current = _with_fasta_contigs(path, reference.fasta, workdir)
            regions, index = None, None  # the copy has no index: stream it
        try:
            current = left_align(current, reference.fasta, regions, workdir)
        except InputError as exc:  # name the user's file, not the reheadered copy
            if current == path:
                raise
            what = str(exc).removeprefix(f"{exc.path}: ")
            raise InputError(str(path), f"with the FASTA's contig lines added: {what}") from exc
        notes.append(f"indels left-aligned with bcftools norm against {reference.fasta.name}")
        vcf = _open(current)
        regions = None  # the normalised file holds only what the index query returned
    if not parsers and reference is not None and reference.can_annotate:
        assert reference.fasta is not None and reference.gff3 is not None
        vcf.close()
        annotated = annotate_with_csq(current, reference.fasta, reference.gff3, workdir)
        notes.append("annotated with bcftools csq (pysam) against the configured FASTA and GFF3")
        vcf = _open(annotated)
        parsers = _annotation_parsers(vcf)
    scan = SmallVariantScan(
        path=path,
        facts=facts,
        build=declared_build,
        tumor_sample=facts.samples[tumor],
        normal_sample="" if normal is None else facts.samples[normal],
        annotation_sources=tuple(parsers),
        region_query=index is not None,
        build_evidence=call.evidence,
        notes=notes,
    )
    try:
        with unreadable_as_input_error(path, lambda: scan.records_read):
            _scan_records(vcf, regions, scan, panel, tumor, normal, parsers)
    finally:
        vcf.close()
    return scan


def _scan_records(
    vcf: Any,
    regions: list[str] | None,
    scan: SmallVariantScan,
    panel: Panel,
    tumor: int,
    normal: int | None,
    parsers: dict[str, list[str]],
) -> None:
    fast = PanelRegions(panel, scan.build)
    for record in _records(vcf, regions, scan.path):
        scan.records_read += 1
        record_alts = record.ALT
        if not record_alts:
            raise InputError(str(scan.path), "record has no ALT allele", scan.records_read)
        n_alleles = len(record_alts)
        scan.alleles += n_alleles
        raw_chrom, pos, end = record.CHROM, record.POS, record.end
        if not fast.may_overlap(raw_chrom, pos, end):
            scan.outside_panel += n_alleles
            continue
        genes = tuple(
            g.symbol for g in panel.genes_at(scan.build, fast.normalised(raw_chrom), pos, end)
        )
        if not genes:
            scan.outside_panel += n_alleles
            continue
        alts = [a for a in record_alts if a not in ("*", "<NON_REF>")]
        extractor = extractor_for(scan.facts.caller, record)
        annotations = _annotations(record, parsers) if parsers else {}
        filters = tuple((record.FILTER or "PASS").split(";"))
        for allele, alt in enumerate(record.ALT, start=1):
            if alt not in alts:
                scan.variants.append((_placeholder(record, alt, filters, scan.records_read), genes))
                continue
            scan.variants.append(
                (
                    SmallVariant(
                        chrom=record.CHROM,
                        pos=record.POS,
                        ref=record.REF,
                        alt=alt,
                        filters=filters,
                        tumor=extractor(record, tumor, allele),
                        normal=None if normal is None else extractor(record, normal, allele),
                        record_number=scan.records_read,
                        annotations=tuple(annotations.get(allele, ())),
                        variant_id=record.ID or "",
                        end=end,
                    ),
                    genes,
                )
            )


def _placeholder(record: Any, alt: str, filters: tuple[str, ...], number: int) -> SmallVariant:
    """A symbolic/spanning allele ('*', '<NON_REF>'): kept for accounting, no evidence."""
    empty = SampleEvidence(depth=None, alt_reads=None, vaf=None)
    return SmallVariant(
        chrom=record.CHROM,
        pos=record.POS,
        ref=record.REF,
        alt=alt,
        filters=filters,
        tumor=empty,
        normal=None,
        record_number=number,
    )
