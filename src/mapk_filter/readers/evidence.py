"""Depth, alt reads and VAF where each caller writes them (no custom INFO tags needed)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..models import SampleEvidence

_INT_MISSING = -2147483648  # htslib's bcf_int32_missing as cyvcf2 returns it


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


def format_numbers(variant: Any, key: str, sample: int) -> list[float] | None:
    """The present numeric values of FORMAT ``key`` for one sample; None when absent."""
    row = _row(_fmt(variant, key), sample)
    if row is None:
        return None
    values = [n for n in (number_or_none(v) for v in row) if n is not None]
    return values or None


def _fmt(variant: Any, key: str) -> np.ndarray[Any, Any] | None:
    try:
        return variant.format(key)  # type: ignore[no-any-return]
    except KeyError:
        return None


def _int(value: Any) -> int | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or number <= _INT_MISSING or number < 0:
        return None
    return int(number)


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or number < 0 else number


def _row(array: np.ndarray[Any, Any] | None, sample: int) -> list[Any] | None:
    if array is None:
        return None
    row = array[sample]
    return list(row) if hasattr(row, "__len__") and not isinstance(row, str | bytes) else [row]


def _vaf(alt: int | None, total: int | None) -> float | None:
    if alt is None or not total:
        return None
    return alt / total


def strelka2_snv(variant: Any, sample: int, allele: int) -> SampleEvidence:
    """Strelka2 SNVs: tier-1 counts in AU/CU/GU/TU; VAF = alt / (ref + alt)."""
    ref_counts = _row(_fmt(variant, f"{variant.REF[0]}U"), sample)
    alt_counts = _row(_fmt(variant, f"{variant.ALT[allele - 1][0]}U"), sample)
    ref_reads = _int(ref_counts[0]) if ref_counts else None
    alt_reads = _int(alt_counts[0]) if alt_counts else None
    depth_row = _row(_fmt(variant, "DP"), sample)
    depth = _int(depth_row[0]) if depth_row else None
    total = (ref_reads or 0) + (alt_reads or 0) if alt_reads is not None else None
    return SampleEvidence(depth=depth, alt_reads=alt_reads, vaf=_vaf(alt_reads, total))


def strelka2_indel(variant: Any, sample: int, allele: int) -> SampleEvidence:
    """Strelka2 indels: tier-1 TIR (alt) and TAR (ref)."""
    tir = _row(_fmt(variant, "TIR"), sample)
    tar = _row(_fmt(variant, "TAR"), sample)
    alt_reads = _int(tir[0]) if tir else None
    ref_reads = _int(tar[0]) if tar else None
    depth_row = _row(_fmt(variant, "DP"), sample)
    depth = _int(depth_row[0]) if depth_row else None
    total = (ref_reads or 0) + (alt_reads or 0) if alt_reads is not None else None
    return SampleEvidence(depth=depth, alt_reads=alt_reads, vaf=_vaf(alt_reads, total))


def allele_depths(variant: Any, sample: int, allele: int) -> SampleEvidence:
    """AD/AF/DP (Mutect2, VarDict, DRAGEN, HaplotypeCaller) or RO/AO (FreeBayes).

    AF is taken as written when present (Mutect2 models it); otherwise AD-derived.
    """
    alt_reads: int | None = None
    ref_and_alts: list[int | None] | None = None
    ad = _row(_fmt(variant, "AD"), sample)
    if ad is not None and len(ad) > allele:
        ref_and_alts = [_int(x) for x in ad]
        alt_reads = ref_and_alts[allele]
    else:
        ao = _row(_fmt(variant, "AO"), sample)
        ro = _row(_fmt(variant, "RO"), sample)
        if ao is not None and len(ao) >= allele:
            alt_reads = _int(ao[allele - 1])
            ref_and_alts = [_int(ro[0]) if ro else None, *(_int(x) for x in ao)]
    depth_row = _row(_fmt(variant, "DP"), sample)
    depth = _int(depth_row[0]) if depth_row else None
    summed = (
        sum(x for x in ref_and_alts if x is not None)
        if ref_and_alts and any(x is not None for x in ref_and_alts)
        else None
    )
    if depth is None:
        depth = summed
    af_row = _row(_fmt(variant, "AF"), sample)
    vaf = _float(af_row[allele - 1]) if af_row and len(af_row) >= allele else None
    if vaf is None:
        vaf = _vaf(alt_reads, summed)
    return SampleEvidence(depth=depth, alt_reads=alt_reads, vaf=vaf)


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
