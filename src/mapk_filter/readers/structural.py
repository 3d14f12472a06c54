"""SV VCF reading (Manta, DELLY, GRIDSS, SvABA) into caller-neutral junctions.

Every caller writes the same biology differently: BND mate pairs, symbolic DEL/DUP/INV,
DELLY's CT tag, GRIDSS single breakends. This module turns each record group into
``Junction`` objects that say, per side, whether the kept sequence lies upstream or
downstream of the breakpoint on the + strand -- all the fusion logic needs -- and keeps the
record numbers so every record is accounted for exactly once.
What one record's fields say (the caller, supporting reads, split and spanning reads,
confidence intervals, a symbolic SV's extent) is read by readers/sv_records.py.

Integrity (readers/integrity.py): a bgzip/BCF file without its BGZF end-of-file block is
truncated (an error); POS 0 is an error except on a breakend (VCF 4.3 writes a telomere
as 0). Records out of order are noticed but not an error: the whole file is read and
grouped before anything is judged, so order changes nothing here, and SV callers
(SvABA, Sniffles translocations, SURVIVOR merges) write unsorted files; the notes name
the first record out of order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..context import Context, Source
from ..errors import InputError
from ..panel import normalise_chrom
from .build import check_build
from .integrity import (
    RecordOrder,
    check_contigs,
)
from .sv_records import (
    INFO_PAIR_KEYS,
    INFO_SPLIT_KEY,
    INFO_SUPPORT_KEYS,
    _ci,
    _extent,
    detect_sv_caller,
    split_and_spanning,
    supporting_reads,
)
from .vcf import OpenedVcf, open_vcf
from .vcf_header import (
    HeaderFacts,
    choose_samples,
    unreadable_as_input_error,
)

UPSTREAM = "upstream"  # kept sequence lies at lower coordinates (left) of the breakpoint
DOWNSTREAM = "downstream"  # kept sequence lies at higher coordinates (right)

# VCF 4.3 section 5.4: the four join forms. (local kept side, partner kept side)
_BND_FORMS: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (re.compile(r"^([A-Za-z*]+)\[(.+):(\d+)\[$"), "t[p[", UPSTREAM, DOWNSTREAM),
    (re.compile(r"^([A-Za-z*]+)\](.+):(\d+)\]$"), "t]p]", UPSTREAM, UPSTREAM),
    (re.compile(r"^\](.+):(\d+)\]([A-Za-z*]+)$"), "]p]t", DOWNSTREAM, UPSTREAM),
    (re.compile(r"^\[(.+):(\d+)\[([A-Za-z*]+)$"), "[p[t", DOWNSTREAM, DOWNSTREAM),
)
_SINGLE_AFTER = re.compile(r"^([A-Za-z*]+)\.$")  # t. : kept upstream, partner unknown
_SINGLE_BEFORE = re.compile(r"^\.([A-Za-z*]+)$")  # .t : kept downstream
# DELLY CT: which end of each breakpoint is joined ("3to5": A's 3' end to B's 5' end).
_DELLY_CT = {
    "3to5": (UPSTREAM, DOWNSTREAM),
    "5to3": (DOWNSTREAM, UPSTREAM),
    "3to3": (UPSTREAM, UPSTREAM),
    "5to5": (DOWNSTREAM, DOWNSTREAM),
}


@dataclass(frozen=True)
class BndAlt:
    """A parsed breakend ALT: which side of each breakpoint is kept, and the partner."""

    form: str  # "t[p[", "t]p]", "]p]t", "[p[t", "t.", ".t"
    kept_local: str
    partner_chrom: str | None
    partner_pos: int | None
    kept_partner: str | None
    inserted: str  # bases between the two breakpoints, beyond the anchoring REF base


def parse_bnd_alt(alt: str) -> BndAlt | None:
    """Parse ALT per VCF 4.3 section 5.4; None when ALT is not breakend notation."""
    for pattern, form, kept_local, kept_partner in _BND_FORMS:
        m = pattern.match(alt)
        if m is None:
            continue
        if form.startswith("t"):
            bases, chrom, pos = m.group(1), m.group(2), int(m.group(3))
            inserted = bases[1:]
        else:
            chrom, pos, bases = m.group(1), int(m.group(2)), m.group(3)
            inserted = bases[:-1]
        chrom = chrom.strip("<>")
        return BndAlt(form, kept_local, normalise_chrom(chrom), pos, kept_partner, inserted)
    m = _SINGLE_AFTER.match(alt)
    if m is not None:
        return BndAlt("t.", UPSTREAM, None, None, None, m.group(1)[1:])
    m = _SINGLE_BEFORE.match(alt)
    if m is not None:
        return BndAlt(".t", DOWNSTREAM, None, None, None, m.group(1)[:-1])
    return None


@dataclass(frozen=True)
class Junction:
    """One novel adjacency: side A joined to side B (B absent for a single breakend)."""

    chrom_a: str  # normalised (no "chr")
    pos_a: int
    kept_a: str  # UPSTREAM or DOWNSTREAM of pos_a, + strand
    chrom_b: str | None
    pos_b: int | None
    kept_b: str | None
    svtype: str  # BND | DEL | DUP | INV | INS | ...
    record_ids: tuple[str, ...]
    record_numbers: tuple[int, ...]
    supporting_reads: int | None
    filters: tuple[str, ...]
    imprecise: bool = False
    cipos_a: tuple[int, int] = (0, 0)
    cipos_b: tuple[int, int] = (0, 0)
    inserted: str = ""
    frame: str = ""  # RNA callers' reading-frame verdict: in-frame, out-of-frame, ...
    normal_reads: int | None = None  # the matched normal's supporting reads, when given
    split_reads: int | None = None  # of supporting_reads, where the caller keeps them apart
    spanning_reads: int | None = None
    # Read from an RNA fusion caller's table (readers/rna_fusions.py), never from what a
    # file says: a VCF's SVTYPE=RNA is still a DNA breakpoint to the rules.
    rna: bool = False

    @property
    def single(self) -> bool:
        return self.chrom_b is None

    def describe(self) -> str:
        """Compact and caller-neutral, e.g. ``chr9:130714321(+up)::chr9:131150000(+down)``."""
        a = f"chr{self.chrom_a}:{self.pos_a} kept {self.kept_a}"
        if self.single:
            return f"{self.svtype} single breakend {a}, partner unresolved"
        return f"{self.svtype} chr{self.chrom_a}:{self.pos_a}::chr{self.chrom_b}:{self.pos_b} " + (
            f"(kept {self.kept_a} / {self.kept_b})"
        )


@dataclass(frozen=True)
class SvEvent:
    """The records that describe one event and its junctions (an INV has two)."""

    record_numbers: tuple[int, ...]
    junctions: tuple[Junction, ...]
    svtype: str
    chrom: str
    start: int
    end: int  # span on chrom (for DEL/DUP/INV: the affected interval)


@dataclass
class StructuralScan:
    path: Path
    facts: HeaderFacts
    caller: str
    build: str
    tumor_sample: str
    normal_sample: str
    records_read: int = 0
    events: list[SvEvent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Rec:
    number: int
    id: str
    chrom: str
    pos: int
    end: int
    alt: str
    svtype: str
    mate: str | None
    filters: tuple[str, ...]
    reads: int | None
    imprecise: bool
    cipos: tuple[int, int]
    ciend: tuple[int, int]
    ct: str | None
    normal_reads: int | None
    chr2: str | None
    pos2: int | None
    flags: frozenset[str]
    split_reads: int | None = None
    spanning_reads: int | None = None


def _read_record(
    path: Path, record: Any, number: int, caller: str, tumor: int | None, normal: int | None
) -> _Rec:
    try:
        return _parse_record(path, record, number, caller, tumor, normal)
    except (TypeError, ValueError) as exc:
        raise InputError(str(path), f"malformed SV record: {exc}", number) from exc


def _parse_record(
    path: Path, record: Any, number: int, caller: str, tumor: int | None, normal: int | None
) -> _Rec:
    if not record.ALT:
        raise InputError(str(path), "record has no ALT allele", number)
    if len(record.ALT) > 1:
        raise InputError(str(path), f"{len(record.ALT)} ALT alleles in one SV record", number)
    alt = str(record.ALT[0])
    svtype = record.INFO.get("SVTYPE")
    if svtype is None:
        if alt.startswith("<") and alt.endswith(">"):
            svtype = alt[1:-1].split(":")[0]
        elif parse_bnd_alt(alt) is not None:
            svtype = "BND"
        else:
            raise InputError(str(path), f"no SVTYPE and ALT '{alt}' is not an SV allele", number)
    ct = record.INFO.get("CT")
    if record.POS < 1 and (str(svtype).upper() != "BND" or parse_bnd_alt(alt) is None):
        raise InputError(
            str(path),
            f"POS {record.POS} at {record.CHROM}: positions are 1-based (0 is a telomere only "
            "in breakend notation)",
            number,
        )
    if str(svtype).upper() in ("BND", "TRA") and ct is None and parse_bnd_alt(alt) is None:
        raise InputError(
            str(path),
            f"breakend ALT '{alt}' is not VCF 4.3 breakend notation (t[p[, t]p], ]p]t, [p[t, "
            "t. or .t)",
            number,
        )
    mate = record.INFO.get("MATEID") or record.INFO.get("PARID")
    pos2 = record.INFO.get("POS2")
    chr2 = record.INFO.get("CHR2")
    flags = frozenset(k for k in ("INV3", "INV5", "IMPRECISE") if record.INFO.get(k) is not None)
    split_reads, spanning_reads = split_and_spanning(caller, record, tumor)
    return _Rec(
        number=number,
        id=record.ID or "",
        chrom=normalise_chrom(record.CHROM),
        pos=record.POS,
        end=_extent(path, record, number, str(svtype).upper(), alt),
        alt=alt,
        svtype=str(svtype).upper(),
        mate=str(mate) if mate else None,
        filters=tuple((record.FILTER or "PASS").split(";")),
        reads=supporting_reads(caller, record, tumor),
        normal_reads=None if normal is None else supporting_reads(caller, record, normal),
        split_reads=split_reads,
        spanning_reads=spanning_reads,
        imprecise="IMPRECISE" in flags,
        cipos=_ci(record, "CIPOS"),
        ciend=_ci(record, "CIEND"),
        ct=str(ct) if ct else None,
        chr2=normalise_chrom(str(chr2)) if chr2 else None,
        pos2=int(pos2) if pos2 is not None else None,
        flags=flags,
    )


def _junction(
    recs: list[_Rec],
    a: tuple[str, int, str, tuple[int, int]],
    b: tuple[str, int, str, tuple[int, int]] | None,
    svtype: str,
    inserted: str = "",
) -> Junction:
    reads = next((r.reads for r in recs if r.reads is not None), None)
    split = next((r for r in recs if r.split_reads is not None), None)
    normal = [r.normal_reads for r in recs if r.normal_reads is not None]
    filters = tuple(dict.fromkeys(f for r in recs for f in r.filters if f not in ("PASS", ".")))
    return Junction(
        chrom_a=a[0],
        pos_a=a[1],
        kept_a=a[2],
        chrom_b=None if b is None else b[0],
        pos_b=None if b is None else b[1],
        kept_b=None if b is None else b[2],
        svtype=svtype,
        record_ids=tuple(r.id for r in recs),
        record_numbers=tuple(r.number for r in recs),
        supporting_reads=reads,
        filters=filters or ("PASS",),
        imprecise=any(r.imprecise for r in recs),
        cipos_a=a[3],
        cipos_b=(0, 0) if b is None else b[3],
        inserted=inserted,
        normal_reads=max(normal) if normal else None,
        split_reads=None if split is None else split.split_reads,
        spanning_reads=None if split is None else split.spanning_reads,
    )


def _event(path: Path, recs: list[_Rec]) -> SvEvent:
    """Junction(s) of one record group: a BND pair, or one symbolic/DELLY record."""
    first = recs[0]
    numbers = tuple(r.number for r in recs)
    bnd = parse_bnd_alt(first.alt)
    if bnd is not None:
        side_a = (first.chrom, first.pos, bnd.kept_local, first.cipos)
        if bnd.partner_chrom is None:
            junction = _junction(recs, side_a, None, "BND", bnd.inserted)
            return SvEvent(numbers, (junction,), "BND", first.chrom, first.pos, first.pos)
        assert bnd.partner_pos is not None and bnd.kept_partner is not None
        mate_ci = recs[1].cipos if len(recs) > 1 else (0, 0)
        side_b = (bnd.partner_chrom, bnd.partner_pos, bnd.kept_partner, mate_ci)
        junction = _junction(recs, side_a, side_b, first.svtype, bnd.inserted)
        start, end = first.pos, first.pos
        if bnd.partner_chrom == first.chrom:
            start, end = min(first.pos, bnd.partner_pos), max(first.pos, bnd.partner_pos)
        return SvEvent(numbers, (junction,), first.svtype, first.chrom, start, end)
    svtype = first.svtype
    if first.ct is not None:  # DELLY: CT names the joined ends; CHR2/POS2 the partner
        if first.ct not in _DELLY_CT:
            raise InputError(str(path), f"unknown DELLY CT '{first.ct}'", first.number)
        kept_a, kept_b = _DELLY_CT[first.ct]
        chrom_b = first.chr2 or first.chrom
        translocation = svtype in ("BND", "TRA") and first.pos2 is not None
        pos_b = first.pos2 if translocation and first.pos2 is not None else first.end
        side_a = (first.chrom, first.pos, kept_a, first.cipos)
        junction = _junction(recs, side_a, (chrom_b, pos_b, kept_b, first.ciend), svtype)
        same = chrom_b == first.chrom
        return SvEvent(
            numbers, (junction,), svtype, first.chrom, first.pos, pos_b if same else first.pos
        )
    pos, end, ci_a, ci_b = first.pos, first.end, first.cipos, first.ciend
    if end < pos:
        raise InputError(str(path), f"{svtype} END {end} is before POS {pos}", first.number)
    c = first.chrom
    if svtype in ("DEL", "DEL:ME"):  # keeps ..POS and END+1..
        js = [_junction(recs, (c, pos, UPSTREAM, ci_a), (c, end + 1, DOWNSTREAM, ci_b), "DEL")]
    elif svtype in ("DUP", "DUP:TANDEM"):  # copy 1 ends at END, copy 2 starts at POS+1
        js = [_junction(recs, (c, pos + 1, DOWNSTREAM, ci_a), (c, end, UPSTREAM, ci_b), "DUP")]
    elif svtype == "INV":
        left = _junction(recs, (c, pos, UPSTREAM, ci_a), (c, end, UPSTREAM, ci_b), "INV")
        right = _junction(
            recs, (c, pos + 1, DOWNSTREAM, ci_a), (c, end + 1, DOWNSTREAM, ci_b), "INV"
        )
        if "INV3" in first.flags:  # Manta's one-sided inversion records
            js = [left]
        elif "INV5" in first.flags:
            js = [right]
        else:
            js = [left, right]
    else:  # INS, CNV, ...: no junction between two loci; kept for accounting
        js = []
    if svtype.startswith("DUP"):
        svtype = "DUP"
    return SvEvent(numbers, tuple(js), svtype, c, pos, max(end, pos))


def _group(path: Path, recs: list[_Rec]) -> list[list[_Rec]]:
    """Join BND mates (MATEID/PARID, else identical junctions) so each event counts once."""
    by_id = {r.id: r for r in recs if r.id}
    used: set[int] = set()
    groups: list[list[_Rec]] = []
    by_key: dict[tuple[Any, ...], list[_Rec]] = {}
    for rec in recs:
        if rec.number in used:
            continue
        used.add(rec.number)
        mate = by_id.get(rec.mate) if rec.mate else None
        if mate is not None and mate.number not in used:
            used.add(mate.number)
            groups.append([rec, mate])
            continue
        bnd = parse_bnd_alt(rec.alt)
        if mate is None and bnd is not None and bnd.partner_chrom is not None:
            assert bnd.partner_pos is not None
            key = tuple(
                sorted(
                    [
                        (rec.chrom, rec.pos, bnd.kept_local),
                        (bnd.partner_chrom, bnd.partner_pos, bnd.kept_partner),
                    ]
                )
            )
            if key in by_key and len(by_key[key]) == 1:
                by_key[key].append(rec)
                continue
            group = [rec]
            by_key[key] = group
            groups.append(group)
            continue
        groups.append([rec])
    return groups


def _header(
    opened: OpenedVcf, declared_build: str, tumor_name: str | None, normal_name: str | None
) -> tuple[StructuralScan, int | None, int | None]:
    """The scan (caller, build, samples, notes) from the header; tumour and normal index."""
    path, vcf, facts, notes = opened.path, opened.vcf, opened.facts, opened.notes
    caller = detect_sv_caller(vcf.raw_header)
    build_note = check_build(path, facts, declared_build)
    if build_note:
        notes.append(build_note)
    tumor: int | None = None
    normal: int | None = None
    if facts.samples or tumor_name or normal_name:
        tumor, normal = choose_samples(path, facts, tumor_name, normal_name)
    else:
        notes.append(
            "sites-only VCF (no sample columns): supporting reads read from INFO ("
            + ", ".join(INFO_SUPPORT_KEYS)
            + f", or {INFO_SPLIT_KEY} + {'/'.join(INFO_PAIR_KEYS)}); without them a finding "
            "says the file gives no supporting read count"
        )
    scan = StructuralScan(
        path=path,
        facts=facts,
        caller=caller,
        build=declared_build,
        tumor_sample="" if tumor is None else facts.samples[tumor],
        normal_sample="" if normal is None else facts.samples[normal],
        notes=notes,
    )
    return scan, tumor, normal


def read_structural_variants(
    path: Path,
    declared_build: str,
    tumor_name: str | None = None,
    normal_name: str | None = None,
) -> StructuralScan:
    """Read every record of an SV VCF into events; InputError names file and record."""
    opened = open_vcf(path)
    vcf, notes = opened.vcf, opened.notes
    try:
        scan, tumor, normal = _header(opened, declared_build, tumor_name, normal_name)
    except InputError:
        vcf.close()
        raise
    caller = scan.caller
    recs: list[_Rec] = []
    order = RecordOrder()
    unsorted: tuple[int, str] | None = None
    try:
        with unreadable_as_input_error(path, lambda: scan.records_read):
            for record in vcf:
                scan.records_read += 1
                recs.append(_read_record(path, record, scan.records_read, caller, tumor, normal))
                problem = order.problem(record.CHROM, record.POS)
                if problem and unsorted is None:
                    unsorted = (scan.records_read, problem)
    finally:
        vcf.close()
    if unsorted is not None:
        notes.append(
            f"record {unsorted[0]}: {unsorted[1]}; every record was read and grouped, so "
            "the order changes nothing here"
        )
    check_contigs(path, (r.chrom for r in recs), scan.records_read)
    groups = _group(path, recs)
    for group in groups:
        try:
            scan.events.append(_event(path, group))
        except (TypeError, ValueError) as exc:
            raise InputError(str(path), f"malformed SV record: {exc}", group[0].number) from exc
    unpaired = [g[0] for g in groups if len(g) == 1 and g[0].mate]
    if unpaired:
        notes.append(
            f"{len(unpaired)} BND record(s) name a MATEID that is not in the file "
            "(read as one-sided junctions)"
        )
    return scan


def read(source: Source, ctx: Context) -> StructuralScan:
    """The sheet row's SV VCF/BCF."""
    return read_structural_variants(source.path, ctx.build, source.tumor_name, source.normal_name)
