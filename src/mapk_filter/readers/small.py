"""Small-variant VCF/VCF.gz/BCF reading with cyvcf2, restricted to panel regions.

With a tabix/CSI index the panel regions are queried directly, so cost does not grow with
genome size; without one, the file is streamed once (a large one by htslib, keeping the
panel regions' records: readers/panel_regions.py). Every allele read is counted as
outside the panel or returned, so the caller can account for all of them.

Before a record is trusted (readers/integrity.py, readers/index.py): a bgzip/BCF file must
end with its BGZF end-of-file block (else it is truncated: an error), and an index must
describe this file
(age, the offsets of its first and last record, a query for the first record); while
querying, each region's records must lie in the region and come back sorted. An index
that fails any of this is not used: the file is read by one streaming pass instead, and
the notes say why. When streaming, records must be sorted (POS not decreasing within a
contig, a contig never reappearing after another): a record out of order is noticed and
named in the notes (a sorted file is what callers write, and only a sorted file can be
indexed), but every record is still read and counted, so the order changes no finding and
no decision. POS 0 is an error. Values that cannot be evidence (negative
counts, AF outside 0-1, AD without one value per allele, more alt reads than depth, no
FORMAT column in a file with samples) are carried as ``SampleEvidence.invalid`` and the
finding is filtered:invalid_evidence. Annotation values that are malformed (a CSQ entry
whose field count differs from the header's Format, a population frequency that is not
0-1, text that is not UTF-8) are errors naming the record.
"""

from __future__ import annotations

import math
import tempfile
from contextlib import closing
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

from ..annotate import annotate_with_csq, field_names, parse_ann, parse_bcsq, parse_csq
from ..context import Context, Source
from ..errors import InputError
from ..models import SampleEvidence, SmallVariant, TranscriptAnnotation
from ..normalise import left_align
from ..panel import Panel
from ..progress import EVERY, Meter
from ..settings import Reference
from .build import (
    REF_CHECK_RECORDS,
    BuildCall,
    RefBaseCheck,
    compare_ref_bases,
    establish_build,
)
from .evidence import extractor_for
from .index import UntrustedIndex, index_distrust
from .integrity import (
    Compression,
    RecordOrder,
    check_contigs,
)
from .panel_regions import (
    PanelRegions,
    merged_regions,
    panel_records,
    prefiltered,
    worth_prefiltering,
)
from .vcf import open_records, open_vcf
from .vcf_header import (
    CALLERS,
    HeaderFacts,
    choose_samples,
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
    # default (build.BUILD_EVIDENCE); only "default" is unverified.
    build_evidence: str = "default"
    records_read: int = 0
    alleles: int = 0
    outside_panel: int = 0
    variants: list[tuple[SmallVariant, tuple[str, ...]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def find_index(path: Path) -> Path | None:
    found = find_indexes(path)
    return found[0] if found else None


def find_indexes(path: Path) -> list[Path]:
    """The .tbi and .csi beside the file (htslib may use either, so both are checked)."""
    return [
        candidate
        for candidate in (path.with_name(path.name + suffix) for suffix in (".tbi", ".csi"))
        if candidate.exists()
    ]


def _ref_check(path: Path, fasta: Path) -> RefBaseCheck:
    """The REF bases of the file's first records compared with the reference FASTA."""
    vcf = open_records(path)
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


def _annotation_parsers(path: Path, vcf: Any) -> dict[str, list[str]]:
    present: dict[str, list[str]] = {}
    for tag in ANNOTATION_TAGS:
        try:
            info = vcf.get_header_type(tag)
        except KeyError:
            continue
        present[tag] = field_names(info.get("Description", ""))
        if tag == "CSQ" and not present[tag]:
            raise InputError(
                str(path),
                "the ##INFO=<ID=CSQ> header line gives no 'Format: ...' list of field names, "
                "so the VEP annotations cannot be read",
            )
    return present


def _annotations(
    path: Path, record: Any, parsers: dict[str, list[str]], number: int
) -> dict[int, list[TranscriptAnnotation]]:
    by_allele: dict[int, list[TranscriptAnnotation]] = {}
    for tag, names in parsers.items():
        value = record.INFO.get(tag)
        if not value:
            continue
        if not isinstance(value, str):
            raise InputError(
                str(path),
                f"INFO/{tag} is {value!r}, not annotation text (its header line declares "
                "another type)",
                number,
            )
        if "\ufffd" in value:
            raise InputError(
                str(path),
                f"INFO/{tag} holds bytes that are not UTF-8 text, so the annotation cannot "
                "be read reliably (save the file as UTF-8)",
                number,
            )
        alts = list(record.ALT)
        if tag == "CSQ":
            for entry_number, entry in enumerate(value.split(","), start=1):
                fields = entry.count("|") + 1
                if fields != len(names):
                    raise InputError(
                        str(path),
                        f"INFO/CSQ entry {entry_number} has {fields} '|'-separated fields, the "
                        f"CSQ header's Format names {len(names)}: malformed VEP annotation",
                        number,
                    )
            parsed = parse_csq(value, names, record.REF, alts)
        elif tag == "ANN":
            parsed = parse_ann(value, alts)
        else:
            parsed = parse_bcsq(value, record.POS, record.REF, alts)
        for allele, found in parsed.items():
            for annotation in found:
                af = annotation.gnomad_af
                if af is not None and not (math.isfinite(af) and 0 <= af <= 1):
                    raise InputError(
                        str(path),
                        f"INFO/{tag}: population allele frequency {af} is not a frequency (0 to 1)",
                        number,
                    )
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
    build is established by ``build.establish_build`` from what the file shows (REF
    bases against ``reference.fasta``, header contig lengths, ##reference line), which
    must agree with ``declared_build``; with ``build_from_header`` (the sheet names no
    build) ``declared_build`` is only the configured default, assumed (unverified, see
    ``SmallVariantScan.build_evidence``) when the file cannot tell.
    """
    with closing(open_vcf(path)) as opened:  # one reader: header, index check, queries
        parsers = _annotation_parsers(path, opened.vcf)
        kind, container_notes, facts = opened.container, opened.notes, opened.facts
        if caller:
            if caller not in CALLERS:
                raise InputError(
                    str(path), f"unknown caller '{caller}'; one of {', '.join(CALLERS)}"
                )
            facts = replace(facts, caller=caller)
        fasta = reference.fasta if reference is not None else None
        call = establish_build(
            path,
            facts,
            None if build_from_header else declared_build,
            declared_build,
            _ref_check(path, fasta) if fasta is not None else None,
        )
        notes: list[str] = [call.note, *container_notes]
        tumor, normal = choose_samples(path, facts, tumor_name, normal_name)
        index = _trusted_index(path, facts, kind, notes, opened.vcf)
        job = _Job(path, panel, facts, call, tumor, normal, parsers, reference, workdir, opened.vcf)
        try:
            return job.scan(index, list(notes))
        except UntrustedIndex as exc:
            assert index is not None
            notes.append(f"index {index.name} not trusted ({exc}): read by streaming")
            return job.scan(None, notes)


def _trusted_index(
    path: Path, facts: HeaderFacts, kind: Compression, notes: list[str], fresh: Any
) -> Path | None:
    """The index to query, when every index beside the file describes it (else a note).
    ``fresh``: the open reader of ``path`` no record has been read from; the first check
    reads from it (the index htslib loads for its query then serves the scan's queries),
    any other opens its own."""
    if path.suffix not in (".gz", ".bcf"):
        return None
    found = find_indexes(path)
    for number, index in enumerate(found):
        reader = fresh if number == 0 else None
        why = index_distrust(path, index, list(facts.contigs), kind, reader)
        if why:
            notes.append(f"index {index.name} not trusted ({why}): read by streaming")
            return None
    return found[0] if found else None


@dataclass
class _Job:
    """Everything one read of a file needs; ``scan`` runs once, or twice when the index
    turns out not to describe the file (then by streaming)."""

    path: Path
    panel: Panel
    facts: HeaderFacts
    call: BuildCall
    tumor: int
    normal: int | None
    parsers: dict[str, list[str]]
    reference: Reference | None
    workdir: Path | None
    reader: Any  # the open cyvcf2 reader of ``path``, reused for its region queries

    def scan(self, index: Path | None, notes: list[str]) -> SmallVariantScan:
        path, facts, reference = self.path, self.facts, self.reference
        regions = merged_regions(self.panel, self.call.build, facts.uses_chr) if index else None
        parsers = self.parsers
        current = path
        queried: list[str] | None = None  # regions a normalised copy was restricted to
        limited = index is not None  # only the panel regions are read and counted
        if (
            index is None
            and (reference is None or reference.fasta is None)
            and worth_prefiltering(path)
        ):
            current = prefiltered(path, self.panel, self.call.build, facts, self.workdir)
            limited = True
            notes.append(
                "no index: streamed once by htslib (bcftools view -T) keeping the records in "
                "the panel regions, which alone were read and counted; index the file "
                "(tabix -p vcf) to read them by region queries instead"
            )
        if reference is not None and reference.fasta is not None:
            if not facts.contigs:  # records on contigs the header lacks cannot be BCF
                current = _with_fasta_contigs(path, reference.fasta, self.workdir)
                regions, index = None, None  # the copy has no index: stream it
            try:
                current = left_align(current, reference.fasta, regions, self.workdir)
            except InputError as exc:  # name the user's file, not the reheadered copy
                if current == path:
                    raise
                what = str(exc).removeprefix(f"{exc.path}: ")
                raise InputError(str(path), f"with the FASTA's contig lines added: {what}") from exc
            notes.append(f"indels left-aligned with bcftools norm against {reference.fasta.name}")
            queried, regions = regions, None  # the normalised file holds the queried records
        reused = current == path and index is not None
        vcf = self.reader if reused else open_records(current)
        if not parsers and reference is not None and reference.can_annotate:
            assert reference.fasta is not None and reference.gff3 is not None
            if not reused:
                vcf.close()
            reused = False
            annotated = annotate_with_csq(current, reference.fasta, reference.gff3, self.workdir)
            notes.append(
                "annotated with bcftools csq (pysam) against the configured FASTA and GFF3"
            )
            vcf = open_records(annotated)
            parsers = _annotation_parsers(path, vcf)
        scan = SmallVariantScan(
            path=path,
            facts=facts,
            build=self.call.build,
            tumor_sample=facts.samples[self.tumor],
            normal_sample="" if self.normal is None else facts.samples[self.normal],
            annotation_sources=tuple(parsers),
            region_query=limited,
            build_evidence=self.call.evidence,
            notes=notes,
        )
        try:
            with unreadable_as_input_error(path, lambda: scan.records_read):
                _scan_records(
                    vcf,
                    regions,
                    scan,
                    self.panel,
                    self.tumor,
                    self.normal,
                    parsers,
                    queried,
                    normalised=current != path,
                )
        finally:
            if not reused:  # the shared reader is closed by read_small_variants
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
    queried: list[str] | None = None,
    normalised: bool = False,
) -> None:
    """Count and keep every allele. Streaming (``regions`` None), records must be sorted;
    ``queried``: the regions a bcftools norm copy was restricted to by the index, each of
    its records must touch one (else the index did not describe the file). ``normalised``:
    the records are bcftools norm's copy, which re-sorts what it can, so a record out of
    order is named by position (its number in the copy may not be its number in the file).
    """
    fast = PanelRegions(panel, scan.build)
    path = str(scan.path)
    order = RecordOrder() if regions is None else None
    unsorted: str | None = None
    contigs: set[str] = set()
    declared = set(scan.facts.contigs)
    undeclared: dict[str, int] = {}
    has_samples = bool(scan.facts.samples)
    meter = Meter(scan.path.name)
    for record in panel_records(vcf, regions, scan.path):
        scan.records_read += 1
        number = scan.records_read
        if not number % EVERY:
            meter.update(number)
        record_alts = record.ALT
        if not record_alts:
            raise InputError(path, "record has no ALT allele", number)
        raw_chrom, pos, end = record.CHROM, record.POS, record.end
        contigs.add(raw_chrom)
        if pos < 1:
            raise InputError(path, f"POS {pos} at {raw_chrom}: positions are 1-based", number)
        if order is not None:
            problem = order.problem(raw_chrom, pos)
            if problem:
                if queried is not None:
                    raise UntrustedIndex(f"its region queries returned {problem}")
                if unsorted is None:
                    where = "after left-alignment" if normalised else f"record {number}"
                    unsorted = f"{where}: {problem}"
        if declared and raw_chrom not in declared and raw_chrom not in undeclared:
            undeclared[raw_chrom] = number
        n_alleles = len(record_alts)
        scan.alleles += n_alleles
        may_overlap = fast.may_overlap(raw_chrom, pos, end)
        if queried is not None and not may_overlap:
            raise UntrustedIndex(
                f"a region query returned {raw_chrom}:{pos}, outside the panel regions asked for"
            )
        if not may_overlap:
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
        annotations = _annotations(scan.path, record, parsers, number) if parsers else {}
        filters = tuple((record.FILTER or "PASS").split(";"))
        no_format = has_samples and not record.FORMAT
        for allele, alt in enumerate(record.ALT, start=1):
            if alt not in alts:
                scan.variants.append((_placeholder(record, alt, filters, number), genes))
                continue
            tumor_evidence = extractor(record, tumor, allele)
            normal_evidence = None if normal is None else extractor(record, normal, allele)
            if no_format:
                missing = "no FORMAT column: the record gives no sample values"
                tumor_evidence = replace(tumor_evidence, invalid=missing)
            scan.variants.append(
                (
                    SmallVariant(
                        chrom=record.CHROM,
                        pos=pos,
                        ref=record.REF,
                        alt=alt,
                        filters=filters,
                        tumor=tumor_evidence,
                        normal=normal_evidence,
                        record_number=number,
                        annotations=tuple(annotations.get(allele, ())),
                        variant_id=record.ID or "",
                        end=end,
                    ),
                    genes,
                )
            )
    meter.done(scan.records_read)
    for chrom, number in undeclared.items():
        scan.notes.append(
            f"contig {chrom} (first at record {number}) is not declared in the header's "
            "##contig lines: its records were read, but the header cannot vouch for the "
            "build of that contig"
        )
    check_contigs(scan.path, contigs, scan.records_read)
    if unsorted is not None:
        scan.notes.append(
            f"{unsorted}; every record was read and counted, so the order changes nothing "
            "here, but the file cannot be indexed as it is (bcftools sort)"
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


def read(source: Source, ctx: Context) -> SmallVariantScan:
    """The sheet row's small-variant file, read in a work directory of its own."""
    with tempfile.TemporaryDirectory(prefix="mapk_filter_") as workdir:
        return read_small_variants(
            source.path,
            ctx.panel,
            ctx.build,
            tumor_name=source.tumor_name,
            normal_name=source.normal_name,
            reference=ctx.reference,
            workdir=Path(workdir),
            caller=source.caller,
            build_from_header=source.build_from_header,
        )
