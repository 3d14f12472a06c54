"""Allele arithmetic shared by readers, annotation parsing and classification."""

from __future__ import annotations


def trim_alleles(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Drop bases shared by REF and ALT (suffix, then prefix), keeping one anchor base.

    A split multi-allelic record (REF=GA, ALT=TA) becomes the SNV it is (G>T).
    """
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt
