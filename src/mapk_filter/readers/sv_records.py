"""What one SV record's fields say, caller by caller (for readers/structural.py).

Which caller wrote the file (``detect_sv_caller``, from its header), the alt-supporting
reads in the tumour or the normal (``supporting_reads``: Manta PR + SR, DELLY DV + RV,
GRIDSS VF/BVF, SvABA AD or SR + DR; without a sample column or those FORMAT fields, the
INFO keys ``INFO_SUPPORT_KEYS``, or ``INFO_SPLIT_KEY`` plus one of ``INFO_PAIR_KEYS``),
split reads and spanning pairs where the caller keeps them apart
(``split_and_spanning``), a confidence interval (``_ci``) and the extent of a symbolic
SV (``_extent``: INFO END, else POS + |SVLEN|, else an error). A read count that is
negative or not finite is a ValueError, which the reader turns into an error naming the
record.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from .evidence import format_numbers

_SV_CALLERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("manta", re.compile(r"^##source=GenerateSVCandidates", re.M)),
    ("delly", re.compile(r"^##(source=DELLY|INFO=<ID=CT,)|SVMETHOD=EMBL\.DELLY", re.M | re.I)),
    ("gridss", re.compile(r"^##(source=GRIDSS|gridss|INFO=<ID=BVF,|FORMAT=<ID=VF,)", re.M | re.I)),
    ("svaba", re.compile(r"^##(source=svaba|INFO=<ID=SCTG,|INFO=<ID=EVDNC,)", re.M | re.I)),
)


def detect_sv_caller(header_text: str) -> str:
    for name, pattern in _SV_CALLERS:
        if pattern.search(header_text):
            return name
    return "generic"


def _info_num(record: Any, key: str) -> float | None:
    value = record.INFO.get(key)
    if value is None or isinstance(value, str | bool):
        return None
    if isinstance(value, tuple):
        value = value[0]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"INFO/{key} is {value}, not a read count")
    return number


# Where callers put read support in INFO (sites-only files, or no FORMAT support field):
# one number (GRIDSS VF/BVF, LUMPY SU, Sniffles SUPPORT/RE), or split reads plus pairs
# (SR with FusionCatcher-style SP, DELLY-style PE, or DR).
INFO_SUPPORT_KEYS = ("VF", "BVF", "SU", "SUPPORT", "RE")
INFO_SPLIT_KEY, INFO_PAIR_KEYS = "SR", ("SP", "PE", "DR")


def supporting_reads(caller: str, record: Any, tumor: int | None) -> int | None:
    """Alt-supporting reads in the tumour, where each caller writes them.

    Manta: PR + SR alt counts; DELLY: DV + RV; GRIDSS: VF (BVF for single breakends);
    SvABA: AD (else SR + DR). Without a tumour column (a sites-only file) or without those
    FORMAT fields: the INFO keys above.
    """
    formats = set(record.FORMAT or ()) if tumor is not None else set()
    if tumor is not None and caller != "svaba" and {"PR", "SR"} & formats:  # Manta pairs
        pairs = [format_numbers(record, key, tumor) for key in ("PR", "SR")]
        alts = [v[1] for v in pairs if v is not None and len(v) >= 2]
        if alts:
            return int(sum(alts))
    if tumor is not None and {"DV", "RV"} & formats:
        counts = [format_numbers(record, key, tumor) for key in ("DV", "RV")]
        return int(sum(v[0] for v in counts if v))
    if tumor is not None and ("VF" in formats or "BVF" in formats):
        for key in ("VF", "BVF"):
            fragments = format_numbers(record, key, tumor)
            if fragments:
                return int(fragments[0])
    if tumor is not None and (caller == "svaba" or "AD" in formats):
        depth = format_numbers(record, "AD", tumor)
        if depth:
            return int(depth[-1])
        split, discordant = format_numbers(record, "SR", tumor), format_numbers(record, "DR", tumor)
        if split or discordant:
            return int((split or [0])[0] + (discordant or [0])[0])
    for key in INFO_SUPPORT_KEYS:
        number = _info_num(record, key)
        if number is not None:
            return int(number)
    split_reads = _info_num(record, INFO_SPLIT_KEY)
    pair_counts = [n for n in (_info_num(record, k) for k in INFO_PAIR_KEYS) if n is not None]
    if split_reads is not None or pair_counts:
        return int((split_reads or 0) + (pair_counts[0] if pair_counts else 0))
    return None


def split_and_spanning(
    caller: str, record: Any, tumor: int | None
) -> tuple[int | None, int | None]:
    """(split reads, spanning pairs) in the tumour where the caller keeps them apart:
    Manta SR / PR, DELLY RV / DV, SvABA SR / DR, INFO SR / SP (or PE, DR). None when the
    caller gives one number only (GRIDSS VF) or nothing."""
    formats = set(record.FORMAT or ()) if tumor is not None else set()
    keys: tuple[str, str, int] | None = None  # split key, spanning key, index of the alt count
    if caller != "svaba" and {"PR", "SR"} <= formats:
        keys = ("SR", "PR", 1)
    elif {"DV", "RV"} <= formats:
        keys = ("RV", "DV", 0)
    elif caller == "svaba" and {"SR", "DR"} <= formats:
        keys = ("SR", "DR", 0)
    if keys is not None and tumor is not None:
        split_key, span_key, index = keys
        split = format_numbers(record, split_key, tumor)
        span = format_numbers(record, span_key, tumor)
        if split is not None and span is not None and len(split) > index and len(span) > index:
            return int(split[index]), int(span[index])
    split_info = _info_num(record, INFO_SPLIT_KEY)
    span_info = next(
        (n for n in (_info_num(record, k) for k in INFO_PAIR_KEYS) if n is not None), None
    )
    if split_info is not None and span_info is not None and not formats & {"PR", "DV", "VF"}:
        return int(split_info), int(span_info)
    return None, None


def _ci(record: Any, key: str) -> tuple[int, int]:
    value = record.INFO.get(key)
    if isinstance(value, tuple) and len(value) >= 2:
        return int(value[0]), int(value[1])
    return (0, 0)


def _extent(path: Path, record: Any, number: int, svtype: str, alt: str) -> int:
    """The last base of a symbolic SV: INFO END, else POS + |SVLEN|. A symbolic deletion,
    duplication or inversion with neither has no known extent: an error, never a 1-bp event."""
    end = record.INFO.get("END")
    if end is not None:
        return int(end)
    symbolic = alt.startswith("<") and svtype in ("DEL", "DUP", "INV", "CNV", "DUP:TANDEM")
    if not symbolic:
        return int(record.end)
    svlen = record.INFO.get("SVLEN")
    if isinstance(svlen, tuple):
        svlen = svlen[0] if svlen else None
    if svlen is not None and int(svlen) != 0:
        return int(record.POS) + abs(int(svlen))
    raise InputError(
        str(path),
        f"symbolic {alt} without END or SVLEN (or with one htslib could not read): its extent "
        "is unknown",
        number,
    )
