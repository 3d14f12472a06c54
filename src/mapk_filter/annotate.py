"""Consequence annotations: VEP CSQ, bcftools BCSQ, SnpEff ANN; bcftools csq for raw files.

Parsers turn INFO strings into ``TranscriptAnnotation`` per ALT allele. Which transcript a
decision uses is chosen by ``pick_annotation``: MANE Select first, then the panel's
transcript; consequences on other transcripts are never used for panel decisions.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote

from .alleles import trim_alleles
from .errors import InputError
from .models import TranscriptAnnotation
from .panel import AMINO_ACIDS_THREE_TO_ONE

_FORMAT_IN_DESCRIPTION = re.compile(r"Format:\s*'?([^'\">]+)")

AA3 = {one: three for three, one in AMINO_ACIDS_THREE_TO_ONE.items()}  # 'G' -> 'Gly'

_BCSQ_TERMS = {
    "missense": "missense_variant",
    "synonymous": "synonymous_variant",
    "stop_gained": "stop_gained",
    "stop_lost": "stop_lost",
    "start_lost": "start_lost",
    "frameshift": "frameshift_variant",
    "inframe_insertion": "inframe_insertion",
    "inframe_deletion": "inframe_deletion",
    "inframe_altering": "protein_altering_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_donor": "splice_donor_variant",
    "splice_region": "splice_region_variant",
    "stop_retained": "stop_retained_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "intron": "intron_variant",
    "non_coding": "non_coding_transcript_variant",
    "coding_sequence": "coding_sequence_variant",
}

# SnpEff writes some Sequence Ontology terms in more specific forms than VEP does.
_ANN_TERMS = {
    "conservative_inframe_deletion": "inframe_deletion",
    "disruptive_inframe_deletion": "inframe_deletion",
    "conservative_inframe_insertion": "inframe_insertion",
    "disruptive_inframe_insertion": "inframe_insertion",
    "exon_loss_variant": "transcript_ablation",
}

TRUNCATING = frozenset(
    {
        "stop_gained",
        "frameshift_variant",
        "splice_acceptor_variant",
        "splice_donor_variant",
        "start_lost",
        "transcript_ablation",
    }
)


def unversioned(accession: str) -> str:
    return accession.split(".", 1)[0]


def field_names(description: str) -> list[str]:
    """Field names from a CSQ/ANN/BCSQ INFO description ("... Format: A|B|C")."""
    m = _FORMAT_IN_DESCRIPTION.search(description)
    if not m:
        return []
    return [name.strip() for name in m.group(1).split("|")]


def vep_alleles(ref: str, alts: Sequence[str]) -> list[str]:
    """The allele strings VEP writes: the shared first base trimmed, '-' when empty."""
    alleles = [ref, *alts]
    multi_base = len(ref) > 1 or any(len(a) > 1 for a in alts)
    if multi_base and all(a and a[0] == ref[0] for a in alleles):
        return [a[1:] or "-" for a in alts]
    return list(alts)


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _after_colon(text: str) -> str:
    return unquote(text.split(":", 1)[1]) if ":" in text else unquote(text)


def parse_csq(
    value: str, names: list[str], ref: str, alts: Sequence[str]
) -> dict[int, list[TranscriptAnnotation]]:
    """VEP CSQ -> annotations by 1-based ALT index."""
    index = {n: i for i, n in enumerate(names)}
    trimmed = vep_alleles(ref, alts)
    out: dict[int, list[TranscriptAnnotation]] = {}

    def get(fields: list[str], *keys: str) -> str:
        for key in keys:
            i = index.get(key)
            if i is not None and i < len(fields) and fields[i]:
                return fields[i]
        return ""

    for entry in value.split(","):
        fields = entry.split("|")
        allele_num = get(fields, "ALLELE_NUM")
        if allele_num.isdigit():
            which = int(allele_num)
        else:
            allele = get(fields, "Allele")
            matches = [i + 1 for i, a in enumerate(trimmed) if a == allele]
            if not matches:
                matches = [i + 1 for i, a in enumerate(alts) if a == allele]
            if not matches:
                continue
            which = matches[0]
        gnomad = get(fields, "gnomADe_AF", "gnomAD_AF", "gnomADg_AF", "MAX_AF")
        out.setdefault(which, []).append(
            TranscriptAnnotation(
                source="CSQ",
                gene=get(fields, "SYMBOL"),
                transcript=get(fields, "Feature"),
                consequences=tuple(get(fields, "Consequence").split("&")),
                hgvs_c=_after_colon(get(fields, "HGVSc")),
                hgvs_p=_after_colon(get(fields, "HGVSp")),
                mane_select=bool(get(fields, "MANE_SELECT", "MANE")),
                gnomad_af=_float_or_none(gnomad) if gnomad else None,
            )
        )
    return out


def parse_ann(value: str, alts: Sequence[str]) -> dict[int, list[TranscriptAnnotation]]:
    """SnpEff ANN (Allele|Annotation|Impact|Gene_Name|Gene_ID|Feature_Type|Feature_ID|...)."""
    out: dict[int, list[TranscriptAnnotation]] = {}
    for entry in value.split(","):
        f = entry.split("|")
        if len(f) < 11 or f[0] not in alts:
            continue
        out.setdefault(alts.index(f[0]) + 1, []).append(
            TranscriptAnnotation(
                source="ANN",
                gene=f[3],
                transcript=f[6],
                consequences=tuple(_ANN_TERMS.get(c, c) for c in f[1].split("&")),
                hgvs_c=f[9],
                hgvs_p=f[10],
            )
        )
    return out


def _aa3(residues: str) -> str | None:
    if any(r not in AA3 for r in residues):
        return None
    return "".join(AA3[r] for r in residues)


def bcsq_protein(aa_change: str, frameshift: bool = False) -> str:
    """A BCSQ amino-acid change as HGVS p.: '12G>12D' -> 'p.Gly12Asp', '61Q' -> 'p.Gln61=',
    '11AG>11G' -> 'p.Ala11del'; '' when the form is not one of these."""
    m = re.fullmatch(r"(\d+)([A-Z*]+)(?:>(\d+)?([A-Z*]+))?", aa_change)
    if not m:
        return ""
    start, ref, _, alt = int(m.group(1)), m.group(2), m.group(3), m.group(4)
    if frameshift:  # csq spells out the whole new tail; HGVS names the first changed residue
        shared = 0
        while shared < min(len(ref), len(alt or "")) - 1 and ref[shared] == (alt or "")[shared]:
            shared += 1
        three = _aa3(ref[shared : shared + 1])
        return f"p.{three}{start + shared}fs" if three else ""
    if alt is None or alt == ref:
        three = _aa3(ref[:1])
        return f"p.{three}{start}=" if three and len(ref) == 1 else ""
    lead = 0  # drop residues shared at the start, then at the end
    while lead < min(len(ref), len(alt)) and ref[lead] == alt[lead]:
        lead += 1
    ref, alt, start = ref[lead:], alt[lead:], start + lead
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    ref3, alt3 = _aa3(ref), _aa3(alt)
    if ref3 is None or alt3 is None or not ref:
        return ""
    span = f"{AA3[ref[0]]}{start}" + (
        f"_{AA3[ref[-1]]}{start + len(ref) - 1}" if len(ref) > 1 else ""
    )
    if not alt:
        return f"p.{span}del"
    if len(ref) == len(alt) == 1:
        return f"p.{ref3}{start}{alt3}"
    return f"p.{span}delins{alt3}"


def parse_bcsq(
    value: str, pos: int, ref: str, alts: Sequence[str]
) -> dict[int, list[TranscriptAnnotation]]:
    """bcftools BCSQ; the allele is matched through its genomic dna_change field."""
    out: dict[int, list[TranscriptAnnotation]] = {}
    for entry in value.split(","):
        f = entry.split("|")
        if not f or f[0].startswith("@") or len(f) < 5:
            continue
        consequence = f[0].lstrip("*")
        aa_change = f[5] if len(f) > 5 else ""
        dna_change = f[6] if len(f) > 6 else ""
        m = re.fullmatch(r"(\d+)([ACGTN]+)>([ACGTN]+)", dna_change)
        change = trim_alleles(int(m.group(1)), m.group(2), m.group(3)) if m else None
        matches = [
            i
            for i, alt in enumerate(alts, start=1)
            if change is not None and trim_alleles(pos, ref, alt) == change
        ]
        if matches:
            which = matches[0]
        elif len(alts) == 1:
            which = 1
        else:
            continue  # cannot tell which allele it describes: better none than the wrong one
        terms = tuple(_BCSQ_TERMS.get(c, c) for c in consequence.split("&"))
        out.setdefault(which, []).append(
            TranscriptAnnotation(
                source="BCSQ",
                gene=f[1],
                transcript=f[2],
                consequences=terms,
                hgvs_c="",
                hgvs_p=bcsq_protein(aa_change, "frameshift_variant" in terms),
            )
        )
    return out


def pick_annotation(
    annotations: Iterable[TranscriptAnnotation], transcripts: Iterable[str]
) -> TranscriptAnnotation | None:
    """MANE Select first, then the panel's transcript; None when neither is annotated."""
    wanted = {unversioned(t) for t in transcripts if t}
    on_panel = [a for a in annotations if unversioned(a.transcript) in wanted or a.mane_select]
    if not on_panel:
        return None
    on_panel.sort(key=lambda a: (not a.mane_select, unversioned(a.transcript) not in wanted))
    return on_panel[0]


def annotate_with_csq(path: Path, fasta: Path, gff3: Path, workdir: Path | None = None) -> Path:
    """Run the bcftools csq bundled in pysam; returns a BCF with BCSQ in INFO.

    ``--local-csq`` judges each record on its own: somatic calls carry no phase.
    """
    import pysam.bcftools

    directory = Path(workdir or tempfile.mkdtemp(prefix="mapk_filter_csq_"))
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / (path.name.split(".")[0] + ".csq.bcf")
    try:
        pysam.bcftools.csq(
            "--local-csq",
            "--force",
            "--phase",
            "a",
            "-f",
            str(fasta),
            "-g",
            str(gff3),
            "-O",
            "b",
            "-o",
            str(out),
            str(path),
            catch_stdout=False,
        )
    except pysam.utils.SamtoolsError as exc:
        raise InputError(str(path), f"bcftools csq failed: {exc}") from exc
    return out
