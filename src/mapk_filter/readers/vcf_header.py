"""What a VCF header tells before any record is read: caller, samples, build, contigs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import InputError
from ..resources import gene_lists_dir

_META = re.compile(r"^##([A-Za-z0-9_.]+)=(.*)$")
_CONTIG = re.compile(r"^##contig=<ID=([^,>]+)(?:,.*?length=(\d+))?")

# Header signatures of the callers whose FORMAT conventions we read, most specific first.
_CALLER_SIGNATURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mutect2", re.compile(r"^##(GATKCommandLine=<ID=Mutect2|source=Mutect2)", re.M)),
    ("strelka2", re.compile(r"^##source=strelka", re.M | re.I)),
    ("dragen", re.compile(r"^##(DRAGENCommandLine|source=DRAGEN)", re.M)),
    ("vardict", re.compile(r"^##source=VarDict", re.M | re.I)),
    ("freebayes", re.compile(r"^##source=freeBayes", re.M | re.I)),
    ("haplotypecaller", re.compile(r"^##(GATKCommandLine=<ID=HaplotypeCaller|source=Haplo)", re.M)),
)

CALLERS = ("generic", *(name for name, _ in _CALLER_SIGNATURES))


@dataclass(frozen=True)
class HeaderFacts:
    caller: str
    samples: tuple[str, ...]
    meta: dict[str, str]  # first value of each simple ##key=value line
    contigs: dict[str, int | None]  # contig id -> length (None when not given)
    uses_chr: bool


@contextmanager
def unreadable_as_input_error(path: Path, progress: Callable[[], int]) -> Iterator[None]:
    """htslib parse failures surface as plain exceptions: name the file and the record."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        done = progress()
        raise InputError(str(path), f"unreadable after record {done}: {exc}", done + 1) from exc


def detect_caller(header_text: str) -> str:
    for name, pattern in _CALLER_SIGNATURES:
        if pattern.search(header_text):
            return name
    return "generic"


def parse_header(header_text: str, samples: list[str]) -> HeaderFacts:
    meta: dict[str, str] = {}
    contigs: dict[str, int | None] = {}
    for line in header_text.splitlines():
        contig = _CONTIG.match(line)
        if contig:
            contigs[contig.group(1)] = int(contig.group(2)) if contig.group(2) else None
            continue
        m = _META.match(line)
        if m and not m.group(2).startswith("<"):
            meta.setdefault(m.group(1), m.group(2))
    uses_chr = any(c.startswith("chr") for c in contigs)
    return HeaderFacts(
        caller=detect_caller(header_text),
        samples=tuple(samples),
        meta=meta,
        contigs=contigs,
        uses_chr=uses_chr,
    )


@cache
def contig_lengths() -> dict[str, dict[str, int]]:
    """Primary chromosome lengths per build, from the bundled derived table."""
    table: dict[str, dict[str, int]] = {"GRCh38": {}, "GRCh37": {}}
    path = gene_lists_dir() / "contig_lengths.tsv"
    rows = [ln for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]
    for line in rows[1:]:
        chrom, g38, g37 = line.split("\t")
        table["GRCh38"][chrom] = int(g38)
        table["GRCh37"][chrom] = int(g37)
    return table


def build_from_contigs(contigs: dict[str, int | None]) -> str | None:
    """The build whose primary-chromosome lengths the header matches; None if it says none."""
    lengths = contig_lengths()
    votes = {build: 0 for build in lengths}
    for name, length in contigs.items():
        chrom = name.removeprefix("chr")
        if length is None:
            continue
        for build, table in lengths.items():
            if table.get(chrom) == length:
                votes[build] += 1
    best = max(votes, key=lambda b: votes[b])
    if votes[best] == 0:
        return None
    if all(v == votes[best] for v in votes.values()):
        return None
    return best


def check_build(path: Path, facts: HeaderFacts, declared: str) -> str | None:
    """Raise when the header contigs contradict the declared build; a note when unchecked."""
    found = build_from_contigs(facts.contigs)
    if found is None:
        return (
            f"header contig lengths do not identify a build; {declared} "
            "(declared) was not checked against the file"
        )
    if found != declared:
        raise InputError(
            str(path),
            f"genome build mismatch: the sample sheet declares {declared} but the header "
            f"contig lengths are {found}",
        )
    return None


def choose_samples(
    path: Path, facts: HeaderFacts, tumor_name: str | None, normal_name: str | None
) -> tuple[int, int | None]:
    """Index of the tumour sample and of the matched normal, if any, in the file.

    Order of precedence: the sample sheet, then ``##tumor_sample``/``##normal_sample``,
    then Strelka2's fixed TUMOR/NORMAL names, then the only sample in the file.
    """
    samples = list(facts.samples)

    def index_of(name: str, role: str, origin: str) -> int:
        if name not in samples:
            raise InputError(
                str(path),
                f"{role} sample '{name}' ({origin}) is not in the file; samples: "
                + (", ".join(samples) or "none"),
            )
        return samples.index(name)

    if not samples:
        raise InputError(str(path), "the file has no sample columns; cannot read tumour evidence")
    if tumor_name:
        tumor = index_of(tumor_name, "tumour", "sample sheet")
    elif "tumor_sample" in facts.meta:
        tumor = index_of(facts.meta["tumor_sample"], "tumour", "##tumor_sample")
    elif "TUMOR" in samples:
        tumor = samples.index("TUMOR")
    elif len(samples) == 1:
        tumor = 0
    else:
        raise InputError(
            str(path),
            f"{len(samples)} samples ({', '.join(samples)}) and no tumour named: set "
            "tumor_name in the sample sheet",
        )
    normal: int | None = None
    if normal_name:
        normal = index_of(normal_name, "normal", "sample sheet")
    elif "normal_sample" in facts.meta:
        normal = index_of(facts.meta["normal_sample"], "normal", "##normal_sample")
    elif "NORMAL" in samples and samples.index("NORMAL") != tumor:
        normal = samples.index("NORMAL")
    if normal == tumor:
        raise InputError(str(path), f"tumour and normal are the same sample '{samples[tumor]}'")
    return tumor, normal
