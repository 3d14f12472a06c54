"""Depth, alt reads and VAF where each caller writes them (no custom INFO tags needed)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..models import SampleEvidence

_INT_MISSING = -2147483648  # htslib's bcf_int32_missing as cyvcf2 returns it
_INT_VECTOR_END = -2147483647  # bcf_int32_vector_end: padding of a shorter vector
_INT_MARKERS = frozenset({_INT_MISSING, _INT_VECTOR_END})
# htslib's float "missing" and "vector end" are NaNs with these bit patterns; a value
# written as "nan" in the file is a different (quiet) NaN, so it can be told apart.
_FLOAT_MISSING_BITS = 0x7F800001
_FLOAT_VECTOR_END_BITS = 0x7F800002


def number_or_none(value: Any) -> float | None:
    """A numeric field value, or None for htslib's missing markers and non-numbers."""
    if isinstance(value, tuple):
        value = value[0] if value else None
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or number <= _INT_MISSING else number


def _bits(value: Any) -> int | None:
    """The float32 bit pattern of a FORMAT float (None for other values)."""
    if type(value) is np.float32:  # what cyvcf2 gives for Type=Float
        return int(value.view(np.uint32))
    if isinstance(value, np.floating):
        return int(np.asarray(value, dtype=np.float32).view(np.uint32))
    return None


def _missing(value: Any) -> bool:
    """htslib's missing value ('.') or vector-end padding, for an integer or float."""
    if type(value) is int:  # an Integer field's value (see _row)
        return value in (_INT_MISSING, _INT_VECTOR_END)
    if value is None:
        return True
    if isinstance(value, str | bytes):
        return value in ("", ".", b"", b".")
    bits = _bits(value)
    if bits is not None:
        return bits in (_FLOAT_MISSING_BITS, _FLOAT_VECTOR_END_BITS)
    try:
        return int(value) in (_INT_MISSING, _INT_VECTOR_END)
    except (TypeError, ValueError, OverflowError):
        return False


def format_numbers(variant: Any, key: str, sample: int) -> list[float] | None:
    """The present numeric values of FORMAT ``key`` for one sample (htslib's missing and
    vector-end padding left out); None when absent."""
    row = _row(_fmt(variant, key), sample)
    if row is None:
        return None
    values = [n for n in (number_or_none(v) for v in row if not _missing(v)) if n is not None]
    return values or None


def format_values(variant: Any, key: str, sample: int) -> list[Any] | None:
    """The values of FORMAT ``key`` written for one sample, as cyvcf2 gives them, with
    htslib's vector-end padding left out: 'nan' and 'inf' in the file stay NaN and inf,
    a missing value ('.') is None. None when the field is absent or all missing."""
    values = _present(_row(_fmt(variant, key), sample))
    return [None if _is_missing_marker(v) else v for v in values] if values else None


def _present(row: list[Any] | None) -> list[Any] | None:
    """A FORMAT row without its vector-end padding; None when absent or all missing."""
    if row is None:
        return None
    if row and type(row[0]) is int and _INT_MARKERS.isdisjoint(row):
        return row  # an Integer row (see _row) without a missing value or padding
    while row and _missing(row[-1]) and not _is_missing_marker(row[-1]):
        row = row[:-1]
    if not row or all(_missing(v) for v in row):
        return None
    return row


def _is_missing_marker(value: Any) -> bool:
    """'.' itself (not vector-end padding)."""
    if isinstance(value, str | bytes):
        return value in ("", ".", b"", b".")
    bits = _bits(value)
    if bits is not None:
        return bits == _FLOAT_MISSING_BITS
    try:
        return int(value) == _INT_MISSING
    except (TypeError, ValueError, OverflowError):
        return False


def _fmt(variant: Any, key: str) -> np.ndarray[Any, Any] | None:
    try:
        return variant.format(key)  # type: ignore[no-any-return]
    except KeyError:
        return None


def _row(array: np.ndarray[Any, Any] | None, sample: int) -> list[Any] | None:
    if array is None:
        return None
    row = array[sample]
    if isinstance(row, np.ndarray) and row.dtype.kind == "i":
        values: list[int] = row.tolist()  # Python ints: htslib's markers are the same numbers
        return values
    return list(row) if hasattr(row, "__len__") and not isinstance(row, str | bytes) else [row]


def _text(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"'{value}'"
    return f"{number:g}" if math.isfinite(number) else str(number)


class _Checked:
    """Counts and fractions of one sample, with every value that is not valid named."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def _number(self, key: str, value: Any) -> float | None:
        """The value as a number; None when missing or not a number (then named)."""
        if _missing(value):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            self.problems.append(f"{key} '{value}' is not a number")
            return None

    def count(self, key: str, value: Any) -> int | None:
        """A read count: None when missing; a negative or non-finite one is named."""
        number = self._number(key, value)
        if number is None:
            return None
        if not math.isfinite(number) or number < 0:
            self.problems.append(f"{key} {_text(number)}")
            return None
        return int(number)

    def fraction(self, key: str, value: Any) -> float | None:
        """An allele fraction in [0, 1]: None when missing; anything else is named."""
        number = self._number(key, value)
        if number is None:
            return None
        if not math.isfinite(number) or number < 0 or number > 1:
            self.problems.append(f"{key} {_text(number)} (an allele fraction is 0 to 1)")
            return None
        return number

    def alleles(self, key: str, row: list[Any] | None, expected: int, what: str) -> bool:
        """Does a per-allele field have one value per allele? Names it when not."""
        if row is None or len(row) == expected:
            return True
        shown = ",".join("." if _missing(v) else _text(v) for v in row)
        values = "value" if len(row) == 1 else "values"
        self.problems.append(f"{key} {shown} has {len(row)} {values} for {expected} {what}")
        return False

    def evidence(
        self, depth: int | None, alt_reads: int | None, vaf: float | None
    ) -> SampleEvidence:
        if depth is not None and alt_reads is not None and alt_reads > depth:
            self.problems.append(f"alt reads {alt_reads} > depth {depth}")
        return SampleEvidence(
            depth=depth, alt_reads=alt_reads, vaf=vaf, invalid="; ".join(self.problems)
        )


def _vaf(alt: int | None, total: int | None) -> float | None:
    if alt is None or not total:
        return None
    return alt / total


def _first(check: _Checked, variant: Any, key: str, sample: int) -> int | None:
    row = _present(_row(_fmt(variant, key), sample))
    return check.count(key, row[0]) if row else None


def strelka2_snv(variant: Any, sample: int, allele: int) -> SampleEvidence:
    """Strelka2 SNVs: tier-1 counts in AU/CU/GU/TU; VAF = alt / (ref + alt)."""
    check = _Checked()
    ref_reads = _first(check, variant, f"{variant.REF[0]}U", sample)
    alt_reads = _first(check, variant, f"{variant.ALT[allele - 1][0]}U", sample)
    depth = _first(check, variant, "DP", sample)
    total = (ref_reads or 0) + (alt_reads or 0) if alt_reads is not None else None
    return check.evidence(depth, alt_reads, _vaf(alt_reads, total))


def strelka2_indel(variant: Any, sample: int, allele: int) -> SampleEvidence:
    """Strelka2 indels: tier-1 TIR (alt) and TAR (ref)."""
    check = _Checked()
    alt_reads = _first(check, variant, "TIR", sample)
    ref_reads = _first(check, variant, "TAR", sample)
    depth = _first(check, variant, "DP", sample)
    total = (ref_reads or 0) + (alt_reads or 0) if alt_reads is not None else None
    return check.evidence(depth, alt_reads, _vaf(alt_reads, total))


def allele_depths(variant: Any, sample: int, allele: int) -> SampleEvidence:
    """AD/AF/DP (Mutect2, VarDict, DRAGEN, HaplotypeCaller) or RO/AO (FreeBayes).

    AF is taken as written when present (Mutect2 models it); otherwise AD-derived. A
    value that cannot be evidence (a negative count, an AF outside 0-1 or not finite, an
    AD without one value per allele, more alt reads than depth) is left out and named in
    ``SampleEvidence.invalid``; a missing value ('.') stays missing.
    """
    return _plain_allele_depths(variant, sample, allele) or _allele_depths(variant, sample, allele)


def _plain_allele_depths(variant: Any, sample: int, allele: int) -> SampleEvidence | None:
    """The usual record in one pass, or None for the general path (``_allele_depths``).

    Usual: Integer AD with one count per allele, none missing or negative; Integer DP
    written and not negative, or absent; Float AF with one value per ALT, each in 0-1, or
    absent; alt reads not above depth. For such values the general path finds
    nothing to name and gives the same evidence, which tests/test_evidence_paths.py
    checks over a grid of usual and unusual values.
    """
    ad = _fmt(variant, "AD")
    if ad is None or ad.dtype.kind != "i":
        return None
    counts: list[int] = ad[sample].tolist()
    if len(counts) != len(variant.ALT) + 1 or min(counts) < 0:  # markers are negative
        return None
    alt_reads, summed = counts[allele], sum(counts)
    dp = _fmt(variant, "DP")
    if dp is None:
        depth = summed
    else:
        if dp.dtype.kind != "i":
            return None
        depth = dp[sample].tolist()[0]
        if depth < 0:  # a marker or a negative count: named by the general path
            return None
    if alt_reads > depth:
        return None
    af = _fmt(variant, "AF")
    if af is None:
        vaf = _vaf(alt_reads, summed)
    else:
        if af.dtype != np.float32:
            return None
        fractions: list[float] = af[sample].tolist()
        if len(fractions) != len(variant.ALT) or not all(0 <= f <= 1 for f in fractions):
            return None  # NaN fails too: missing, padding or written "nan"
        vaf = fractions[allele - 1]
    return SampleEvidence(depth=depth, alt_reads=alt_reads, vaf=vaf)


def _allele_depths(variant: Any, sample: int, allele: int) -> SampleEvidence:
    """Every value checked and any that cannot be evidence named (see allele_depths)."""
    check = _Checked()
    n_alts = len(variant.ALT)
    alt_reads: int | None = None
    ref_and_alts: list[int | None] | None = None
    ad = _present(_row(_fmt(variant, "AD"), sample))
    if ad is not None:
        if check.alleles("AD", ad, n_alts + 1, f"alleles (REF + {n_alts} ALT)"):
            ref_and_alts = [check.count("AD", x) for x in ad]
            alt_reads = ref_and_alts[allele]
    else:
        ao = _present(_row(_fmt(variant, "AO"), sample))
        ro = _present(_row(_fmt(variant, "RO"), sample))
        if ao is not None and check.alleles("AO", ao, n_alts, "ALT alleles"):
            alt_counts = [check.count("AO", x) for x in ao]
            alt_reads = alt_counts[allele - 1]
            ref_and_alts = [check.count("RO", ro[0]) if ro else None, *alt_counts]
    depth = _first(check, variant, "DP", sample)
    summed = (
        sum(x for x in ref_and_alts if x is not None)
        if ref_and_alts and any(x is not None for x in ref_and_alts)
        else None
    )
    if depth is None:
        depth = summed
    af = _present(_row(_fmt(variant, "AF"), sample))
    vaf = None
    if af is not None and len(af) == n_alts:  # else (AF Number=1 on a multi-allelic
        vaf = check.fraction("AF", af[allele - 1])  # record): derived from the counts
    if vaf is None:
        vaf = _vaf(alt_reads, summed)
    return check.evidence(depth, alt_reads, vaf)


Extractor = Callable[[Any, int, int], SampleEvidence]


def extractor_for(caller: str, variant: Any) -> Extractor:
    """Pick the convention by caller, falling back on the FORMAT fields present."""
    formats = set(variant.FORMAT or ())
    if caller == "strelka2" or {"TIR", "TAR"} <= formats or {"AU", "TU"} <= formats:
        if {"TIR", "TAR"} <= formats:
            return strelka2_indel
        if {"AU", "CU", "GU", "TU"} <= formats:
            return strelka2_snv
    return allele_depths
