"""The quick path of AD/AF/DP evidence gives what the general path gives, or stands aside.

``readers.evidence.allele_depths`` reads the usual record (every count and fraction
present and valid) in one pass and leaves anything else to the general path, which names
what cannot be evidence. Over a grid of usual and unusual values (missing, padding,
negative, NaN, out of range, too few or too many values, fields absent), in a tumour and
a normal column and for every allele, both must give the same evidence.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from cyvcf2 import VCF

from mapk_filter.readers import evidence

HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr12,length=133275309>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\tNORMAL
"""

AD = {
    1: ["30,10", "0,0", "5,50", "30", "30,-1", ".", "30,.", "3,4,5"],
    2: ["30,10,5", "30,10", "30,10,5,1", "30,-2,5", ".", "0,0,0", "5,50,1", "30,.,4"],
}
DP = ["60", "40", "0", ".", "-3", None]  # None: no DP in FORMAT
AF = {
    1: ["0.25", "0", "1", ".", "nan", "1.5", "-0.1", "0.2,0.3", None],
    2: ["0.2,0.3", "0.2", "0.2,.", "0.2,nan", "0.2,1.5", ".", "0,1", None],
}


def _grid(path: Path) -> Path:
    lines = [HEADER]
    pos = 25245000
    for n_alts in (1, 2):
        alt = ",".join("TAG"[:n_alts])
        combos = list(itertools.product(AD[n_alts], DP, AF[n_alts]))
        for i, (ad, dp, af) in enumerate(combos):
            keys, tumour, normal = ["GT", "AD"], ["0/1", ad], ["0/0", AD[n_alts][i % 3]]
            if dp is not None:
                keys.append("DP")
                tumour.append(dp)
                normal.append(DP[(i + 1) % 5])
            if af is not None:
                keys.append("AF")
                tumour.append(af)
                normal.append(AF[n_alts][(i + 2) % 4])
            pos += 1
            lines.append(
                f"chr12\t{pos}\t.\tC\t{alt}\t50\tPASS\t.\t{':'.join(keys)}\t"
                f"{':'.join(tumour)}\t{':'.join(normal)}\n"
            )
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    vcf = VCF(str(_grid(tmp_path_factory.mktemp("grid") / "ad_af_dp_grid.vcf")))
    return list(vcf)


def test_the_quick_path_gives_the_general_paths_evidence(records):
    quick = general = 0
    for record in records:
        for sample, allele in itertools.product((0, 1), range(1, len(record.ALT) + 1)):
            expected = evidence._allele_depths(record, sample, allele)
            if evidence._plain_allele_depths(record, sample, allele) is None:
                general += 1
            else:
                quick += 1
            assert evidence.allele_depths(record, sample, allele) == expected, (
                str(record),
                sample,
                allele,
            )
    assert quick > 200 and general > 1000, (quick, general)  # both paths are exercised


def test_the_quick_path_stands_aside_whenever_the_general_path_names_a_problem(records):
    for record in records:
        for sample, allele in itertools.product((0, 1), range(1, len(record.ALT) + 1)):
            if evidence._allele_depths(record, sample, allele).invalid:
                assert evidence._plain_allele_depths(record, sample, allele) is None
