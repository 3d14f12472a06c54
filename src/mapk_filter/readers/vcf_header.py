"""What a VCF header tells before any record is read: caller, samples, contigs.

Also how a failure while reading records is put in words (``unreadable_as_input_error``)
and which samples are the tumour and the matched normal (``choose_samples``). The genome
build the file shows is established in readers/build.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .index import UntrustedIndex
from .integrity import unreadable_message

_META = re.compile(r"^##([A-Za-z0-9_.]+)=(.*)$")
_CONTIG = re.compile(r"^##contig=<ID=([^,>]+)(?:,.*?length=(\d+))?")
_ASSEMBLY_LINE = re.compile(r"^##(reference|assembly)=(.+)$", re.I)

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
    assembly_lines: tuple[str, ...] = ()  # every ##reference= and ##assembly= line, verbatim


@contextmanager
def unreadable_as_input_error(path: Path, progress: Callable[[], int]) -> Iterator[None]:
    """Failures while reading records become InputErrors naming the file and the record.

    htslib's (a bare Exception or OSError from cyvcf2, raised before the record is
    counted) are explained in words by integrity.unreadable_message and name the record
    after the last one read; anything else was raised while the reader handled the record
    it had just counted (a value it cannot use), and names that record.
    """
    try:
        yield
    except (InputError, UntrustedIndex):
        raise
    except Exception as exc:
        done = progress()
        if type(exc) is Exception or isinstance(exc, OSError) or done == 0:
            message = unreadable_message(path, done, exc)
            raise InputError(
                str(path), f"unreadable after record {done}: {message}", done + 1
            ) from exc
        raise InputError(str(path), value_message(exc), done) from exc


def value_message(exc: BaseException) -> str:
    """A value of a record that cannot be used, in words."""
    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start : exc.start + 1]
        return f"text that is not UTF-8 (byte {byte!r}: {exc.reason}); save the file as UTF-8"
    return f"a value cannot be read ({type(exc).__name__}: {exc})"


def sample_names(path: Path, vcf: Any) -> list[str]:
    """The sample columns of an open cyvcf2 VCF; an InputError when one is not UTF-8 text."""
    try:
        return list(vcf.samples)
    except UnicodeDecodeError as exc:
        chrom_line = next((ln for ln in vcf.raw_header.splitlines() if ln.startswith("#CHROM")), "")
        names = chrom_line.split("\t")[9:]
        bad = [n for n in names if "\ufffd" in n] or names
        raise InputError(
            str(path),
            f"sample name {bad[0]!r} in the #CHROM line is not UTF-8 text (byte "
            f"{exc.object[exc.start : exc.start + 1]!r}): save the file as UTF-8",
        ) from exc


def chrom_line_columns(samples: list[str]) -> int:
    """Columns of the #CHROM line: 8 fixed, FORMAT and one per sample when there are any."""
    return 9 + len(samples) if samples else 8


def detect_caller(header_text: str) -> str:
    for name, pattern in _CALLER_SIGNATURES:
        if pattern.search(header_text):
            return name
    return "generic"


def parse_header(header_text: str, samples: list[str]) -> HeaderFacts:
    meta: dict[str, str] = {}
    contigs: dict[str, int | None] = {}
    assembly_lines: list[str] = []
    for line in header_text.splitlines():
        contig = _CONTIG.match(line)
        if contig:
            contigs[contig.group(1)] = int(contig.group(2)) if contig.group(2) else None
            continue
        if _ASSEMBLY_LINE.match(line):
            assembly_lines.append(line.strip())
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
        assembly_lines=tuple(assembly_lines),
    )


def choose_samples(
    path: Path, facts: HeaderFacts, tumor_name: str | None, normal_name: str | None
) -> tuple[int, int | None]:
    """Index of the tumour sample and of the matched normal, if any, in the file.

    Order of precedence: the sample sheet, then ``##tumor_sample``/``##normal_sample``,
    then Strelka2's fixed TUMOR/NORMAL names, then the only sample in the file. A sheet
    name that contradicts the header's, both being samples of the file, is an error naming
    both (which one is the tumour cannot be guessed); a header name that is not a sample of
    the file (a renamed column) gives way to the sheet.
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
    for role, sheet_name, key in (
        ("tumour", tumor_name, "tumor_sample"),
        ("normal", normal_name, "normal_sample"),
    ):
        header_name = facts.meta.get(key)
        if sheet_name and header_name and header_name != sheet_name and header_name in samples:
            raise InputError(
                str(path),
                f"{role} sample conflict: the sample sheet names '{sheet_name}' but the "
                f"header's ##{key} is '{header_name}', and both are samples of the file: "
                "correct the sheet or the header",
            )
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
