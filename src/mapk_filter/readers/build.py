"""The genome build of a variant file, from what the file shows, strongest evidence first.

The REF bases of its first records against a configured reference FASTA whose contig
lengths name a build (``fasta_ref_bases``), the header contig lengths (``contigs``), a
``##reference``/``##assembly`` line naming a build (``reference_line``); failing all of
them, the sample sheet's declaration (``sheet``) or the configured default (``default``,
the only unverified one). Evidence that contradicts other evidence or the sheet stops the
file with an error naming both (``establish_build``; ``check_build`` for readers that take
the sheet's build). Holds the bundled primary-chromosome length table of each build
(``contig_lengths``), the common names and accessions of each build, and the comparison of
REF bases with a FASTA (``compare_ref_bases``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import InputError
from ..panel import normalise_chrom
from ..resources import gene_lists_dir
from .vcf_header import HeaderFacts


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
        chrom = normalise_chrom(name)
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


# --- the genome build: what the file shows, strongest evidence first --------------------

# SampleResult.build_evidence values, strongest first; only "default" is unverified.
BUILD_EVIDENCE = ("fasta_ref_bases", "contigs", "reference_line", "sheet", "default")
REF_CHECK_RECORDS = 200  # records from the start of the file compared with the FASTA
# A/C/G/T REF bases that must match before the FASTA's build counts as the file's: a
# handful of matching bases happens by chance on the wrong build (1 in 4 per base).
MIN_REF_BASES = 20

# Common names of each build, matched as whole tokens (letters and digits) of a
# ##reference/##assembly value, so hg19 never matches inside hg190 and GCA_000001405.1
# never inside GCA_000001405.15.
_BUILD_NAMES: dict[str, tuple[str, ...]] = {
    "GRCh38": (
        "GRCh38",
        "hg38",
        "hs38",
        "hs38DH",
        "hs38d1",
        "b38",
        "GRCh38_full_analysis_set",
        "Homo_sapiens_assembly38",
        "GCA_000001405.15",
    ),
    "GRCh37": (
        "GRCh37",
        "hg19",
        "hs37",
        "hs37d5",
        "b37",
        "human_g1k_v37",
        "Homo_sapiens_assembly19",
        "GCA_000001405.1",
    ),
}
# GenBank/RefSeq accession versions of the human assembly, patches included:
# GCA_000001405.1-.14 are GRCh37 (.14 = p13), .15-.29 GRCh38 (.29 = p14);
# GCF_000001405.13-.25 are GRCh37, .26-.40 GRCh38.
_ACCESSIONS: dict[str, tuple[tuple[int, int, str], ...]] = {
    "gca": ((1, 14, "GRCh37"), (15, 29, "GRCh38")),
    "gcf": ((13, 25, "GRCh37"), (26, 40, "GRCh38")),
}
_TOKEN = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


_NAME_TOKENS = {build: [_tokens(n) for n in names] for build, names in _BUILD_NAMES.items()}


def builds_named(text: str) -> set[str]:
    """The builds whose common names appear, as whole tokens, in ``text``."""
    tokens = _tokens(text)
    found: set[str] = set()
    for build, names in _NAME_TOKENS.items():
        for name in names:
            n = len(name)
            if any(tokens[i : i + n] == name for i in range(len(tokens) - n + 1)):
                found.add(build)
    for i in range(len(tokens) - 2):
        ranges = _ACCESSIONS.get(tokens[i])
        if ranges and tokens[i + 1] == "000001405" and tokens[i + 2].isdigit():
            version = int(tokens[i + 2])
            found.update(build for low, high, build in ranges if low <= version <= high)
    return found


@dataclass(frozen=True)
class BuildSource:
    """One piece of evidence for a file's build, as a sentence fragment naming it."""

    evidence: str  # "fasta_ref_bases" | "contigs" | "reference_line"
    build: str
    what: str  # e.g. "the header contig lengths"
    claim: str  # e.g. "the header contig lengths are GRCh37"


def build_from_reference_lines(path: Path, facts: HeaderFacts) -> BuildSource | None:
    """The build the ##reference/##assembly lines name; None when none names exactly one.

    A line naming both builds (or none) tells nothing; two lines naming different builds
    contradict each other: an InputError.
    """
    named = [(line, builds_named(line.split("=", 1)[1])) for line in facts.assembly_lines]
    single = [(line, next(iter(builds))) for line, builds in named if len(builds) == 1]
    if len({build for _, build in single}) > 1:
        raise InputError(
            str(path),
            "genome build evidence disagrees: "
            + " but ".join(f"{line} names {build}" for line, build in single),
        )
    if not single:
        return None
    line, build = single[0]
    key, value = line.split("=", 1)
    what = f"the {key} line ({value})"
    return BuildSource("reference_line", build, what, f"{what} names {build}")


def header_build_sources(path: Path, facts: HeaderFacts) -> list[BuildSource]:
    """What the header says about the build, strongest first; InputError if it disagrees."""
    sources: list[BuildSource] = []
    found = build_from_contigs(facts.contigs)
    if found is not None:
        what = "the header contig lengths"
        sources.append(BuildSource("contigs", found, what, f"{what} are {found}"))
    line = build_from_reference_lines(path, facts)
    if line is not None:
        sources.append(line)
    _agree(path, sources)
    return sources


def _agree(path: Path, sources: list[BuildSource]) -> None:
    for other in sources[1:]:
        if other.build != sources[0].build:
            raise InputError(
                str(path),
                f"genome build evidence disagrees: {sources[0].claim} but {other.claim}",
            )


def check_build(path: Path, facts: HeaderFacts, declared: str) -> str | None:
    """Raise when the header (contig lengths, ##reference line) contradicts the declared
    build or itself; a note when nothing in the header could check it."""
    sources = header_build_sources(path, facts)
    if not sources:
        return (
            "header contig lengths (and ##reference line) do not identify a build; "
            f"{declared} (declared) was not checked against the file"
        )
    _check_declared(path, sources, declared)
    return None


def _check_declared(path: Path, sources: list[BuildSource], declared: str) -> None:
    for source in sources:
        if source.build != declared:
            raise InputError(
                str(path),
                f"genome build mismatch: the sample sheet declares {declared} but {source.claim}",
            )


def fasta_contigs(fasta: Path) -> dict[str, int]:
    """Contig name -> length of a faidx-indexed FASTA (from its .fai)."""
    import pysam

    try:
        with pysam.FastaFile(str(fasta)) as handle:
            return dict(zip(handle.references, handle.lengths, strict=True))
    except (OSError, ValueError) as exc:
        raise InputError(str(fasta), f"reference FASTA cannot be opened: {exc}") from exc


def fasta_build(fasta: Path) -> str | None:
    """The build a reference FASTA's contig lengths identify; None if they do not."""
    lengths: dict[str, int | None] = dict(fasta_contigs(fasta))
    return build_from_contigs(lengths)


def _fasta_name(chrom: str, names: set[str]) -> str | None:
    """The FASTA's name for a VCF contig, with or without ``chr`` (and MT/chrM)."""
    bare = normalise_chrom(chrom)
    candidates = [chrom, bare, f"chr{bare}"]
    if bare == "MT":
        candidates += ["chrM", "M", "chrMT"]
    return next((c for c in candidates if c in names), None)


@dataclass(frozen=True)
class RefBaseCheck:
    """The REF bases of a file's first records, compared with a reference FASTA: all matched."""

    fasta: Path
    fasta_build: str | None  # the build the FASTA's contig lengths identify
    records: int = 0  # records whose REF was compared
    bases: int = 0  # A/C/G/T REF bases compared with A/C/G/T reference bases
    not_in_fasta: int = 0  # records on contigs the FASTA does not have

    @property
    def source(self) -> BuildSource | None:
        """Evidence for the FASTA's build, when it names one and enough bases matched."""
        if self.fasta_build is None or self.bases < MIN_REF_BASES:
            return None
        what = (
            f"the REF bases of {self.records} record(s) ({self.bases} bases), which match "
            f"the reference FASTA {self.fasta.name}"
        )
        return BuildSource(
            "fasta_ref_bases",
            self.fasta_build,
            what,
            f"{what}, whose contig lengths are {self.fasta_build}",
        )

    @property
    def shortfall(self) -> str:
        """Why the comparison verified no build (empty when it did)."""
        if self.fasta_build is None:
            return f"the contig lengths of the reference FASTA {self.fasta.name} identify no build"
        if self.bases < MIN_REF_BASES:
            return (
                f"only {self.bases} REF base(s) could be compared with the reference FASTA "
                f"{self.fasta.name} (at least {MIN_REF_BASES} needed)"
            )
        return ""


def compare_ref_bases(
    path: Path, records: Iterable[tuple[int, str, int, str]], fasta: Path
) -> RefBaseCheck:
    """Compare each record's REF (number, chrom, pos, REF) with ``fasta``.

    Every compared A/C/G/T base must match; N and other IUPAC codes on either side are not
    compared; records on contigs the FASTA lacks are counted, not compared. The first
    mismatch is an InputError naming the file, the record, both bases and the build.
    """
    import pysam

    contigs = fasta_contigs(fasta)
    lengths: dict[str, int | None] = dict(contigs)
    build = build_from_contigs(lengths)
    names = set(contigs)
    checked = bases = missing = 0
    with pysam.FastaFile(str(fasta)) as handle:
        for number, chrom, pos, ref in records:
            name = _fasta_name(chrom, names)
            if name is None:
                missing += 1
                continue
            want = ref.upper()
            got = (
                handle.fetch(name, pos - 1, pos - 1 + len(want)).upper()
                if pos <= contigs[name]
                else ""
            )
            compared = 0
            for i, base in enumerate(want):
                if base not in "ACGT":
                    continue
                have = got[i] if i < len(got) else ""
                if have and have not in "ACGT":
                    continue
                if have != base:
                    seen = got or f"nothing (past the end of {name}, length {contigs[name]})"
                    raise InputError(
                        str(path),
                        f"REF {ref} at {chrom}:{pos}, but the reference FASTA {fasta.name} "
                        f"has {seen} there: the file is not on the reference's build ("
                        + (
                            f"{build} by its contig lengths"
                            if build
                            else "not identified by its contig lengths"
                        )
                        + ")",
                        number,
                    )
                compared += 1
            checked += 1
            bases += compared
    return RefBaseCheck(fasta, build, checked, bases, missing)


@dataclass(frozen=True)
class BuildCall:
    """The build a file is read on and how that was established (``BUILD_EVIDENCE``)."""

    build: str
    evidence: str
    note: str  # in words, for the sample result's notes

    @property
    def verified(self) -> bool:
        return self.evidence != "default"


def establish_build(
    path: Path,
    facts: HeaderFacts,
    declared: str | None,
    default: str,
    ref_check: RefBaseCheck | None = None,
) -> BuildCall:
    """The build of a file from what it shows (see the module docstring).

    ``declared`` is the sample sheet's build (None: the sheet names none, ``default`` is
    assumed when the file cannot tell). ``ref_check``: the REF bases compared with the
    configured reference FASTA, if one is configured. Raises InputError when pieces of
    evidence (or the sheet, or the configured FASTA's build) contradict each other.
    """
    sources = header_build_sources(path, facts)
    fasta = ref_check.source if ref_check is not None else None
    if fasta is not None:
        sources.insert(0, fasta)
        _agree(path, sources)
    if declared is not None:
        _check_declared(path, sources, declared)
    if ref_check is not None and ref_check.fasta_build is not None:
        claims = [s.claim for s in sources] + (
            [] if declared is None else [f"the sample sheet declares {declared}"]
        )
        builds = [s.build for s in sources] + ([] if declared is None else [declared])
        for claim, build in zip(claims, builds, strict=True):
            if build != ref_check.fasta_build:
                raise InputError(
                    str(path),
                    f"genome build mismatch: {claim} but the configured reference FASTA "
                    f"{ref_check.fasta.name} is {ref_check.fasta_build} (by its contig lengths)",
                )
    unchecked = _unverified_because(facts, ref_check)
    if sources:
        best = sources[0]
        origin = "taken from" if declared is None else "(sample sheet) confirmed by"
        note = f"genome build {best.build} {origin} {best.what}"
        if best.evidence == "fasta_ref_bases":
            note += f" ({best.build} by its contig lengths)"
        if len(sources) > 1:
            note += "; also " + " and ".join(s.claim for s in sources[1:])
        if ref_check is not None and fasta is None:
            note += f"; REF bases not used: {ref_check.shortfall}"
        return BuildCall(best.build, best.evidence, note)
    if declared is not None:
        return BuildCall(
            declared,
            "sheet",
            f"genome build {declared} declared in the sample sheet, not checked against the "
            f"file: {unchecked}",
        )
    return BuildCall(
        default,
        "default",
        f"genome build {default} assumed, the configured default; {unchecked}",
    )


def _unverified_because(facts: HeaderFacts, ref_check: RefBaseCheck | None) -> str:
    """Why nothing in the file verifies a build, in words."""
    has_lengths = any(length is not None for length in facts.contigs.values())
    contigs = (
        "its contig lengths match no build" if has_lengths else "the file has no contig lengths"
    )
    if ref_check is None:
        fasta = "no reference FASTA was configured"
    else:
        fasta = ref_check.shortfall or "the REF bases verified no build"
    return f"{contigs}, no recognised ##reference, and {fasta}"
