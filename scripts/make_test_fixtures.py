#!/usr/bin/env python3
"""Write the small named test fixtures in tests/data/ (see tests/data/README.md).

Coordinates come from the curated panel (hotspots.tsv, panel_genes.tsv) through the same
helpers as the example batch, so no coordinate is typed by hand.

    python scripts/make_test_fixtures.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pysam
import pysam.bcftools

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_example_batch import (
    Record,
    VcfSpec,
    hotspot,
    hotspot_record,
    intronic,
    mutect,
    strelka,
    write_vcf,
)

OUT = Path(__file__).resolve().parents[1] / "tests" / "data"

STRELKA_INDEL_FORMAT = [
    "##content=strelka somatic indel calls",
    '##FORMAT=<ID=TAR,Number=2,Type=Integer,Description="Reads strongly supporting alternate allele for tiers 1,2">',
    '##FORMAT=<ID=TIR,Number=2,Type=Integer,Description="Reads strongly supporting indel allele for tiers 1,2">',
    '##FORMAT=<ID=TOR,Number=2,Type=Integer,Description="Other reads (weak support or insufficient indel breakpoint overlap) for tiers 1,2">',
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    g12d, g12v = hotspot("KRAS", "G12D"), hotspot("KRAS", "G12V")

    # Strelka2 SNV, tumour-normal: tier-1 counts in AU/CU/GU/TU.
    spec = VcfSpec("strelka2_snv_tumor_normal", "strelka2", ["NORMAL", "TUMOR"])
    spec.records.append(
        hotspot_record(
            g12d, strelka(g12d["grch38_ref"], g12d["grch38_alt"], 70, 30), info="SOMATIC;QSS=90"
        )
    )
    write_vcf(spec, OUT)

    # Strelka2 indel: tier-1 TIR (alt) / TAR (ref). A 1-base deletion inside NF1's span.
    spec = VcfSpec(
        "strelka2_indel_tumor_normal", "strelka2", ["NORMAL", "TUMOR"], meta=STRELKA_INDEL_FORMAT
    )
    fmt = {
        "DP": ["35", "60"],
        "TAR": ["35,36", "42,44"],
        "TIR": ["0,0", "18,19"],
        "TOR": ["0,0", "1,1"],
    }
    spec.records.append(Record("17", intronic("NF1", 3000), "CA", "C", fmt, "SOMATIC"))
    write_vcf(spec, OUT)

    # Mutect2 multi-allelic record: G12D and G12V at one site, AD/AF per allele.
    spec = VcfSpec("mutect2_multiallelic", "mutect2", ["TUMOR_1"])
    multi = mutect(50, 20)
    multi.update(AD=["50,20,10"], AF=["0.250,0.125"], DP=["80"], GT=["0/1/2"])
    spec.records.append(
        Record(
            g12d["grch38_chrom"],
            int(g12d["grch38_pos"]),
            g12d["grch38_ref"],
            f"{g12d['grch38_alt']},{g12v['grch38_alt']}",
            multi,
        )
    )
    write_vcf(spec, OUT)

    # FreeBayes-style RO/AO counts (no AD).
    spec = VcfSpec("freebayes_ro_ao", "mutect2", ["tumour"])
    spec.records.append(
        hotspot_record(g12d, {"GT": ["0/1"], "DP": ["64"], "RO": ["40"], "AO": ["24"]})
    )
    write_vcf(spec, OUT)
    text = (OUT / "freebayes_ro_ao.vcf").read_text()
    text = text.replace("##source=Mutect2", "##source=freeBayes v1.3.6").replace(
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
        '##FORMAT=<ID=RO,Number=1,Type=Integer,Description="Reference allele observation count">\n'
        '##FORMAT=<ID=AO,Number=A,Type=Integer,Description="Alternate allele observation counts">',
    )
    text = "\n".join(ln for ln in text.splitlines() if "GATKCommandLine" not in ln) + "\n"
    (OUT / "freebayes_ro_ao.vcf").write_text(text)

    # Two samples, no ##tumor_sample: the tumour cannot be chosen without the sheet.
    spec = VcfSpec("two_samples_no_tumor_name", "mutect2", ["S1", "S2"])
    spec.records.append(hotspot_record(g12d, mutect(60, 25, normal=(40, 0))))
    write_vcf(spec, OUT)

    # GRCh37 without chr prefixes: same KRAS allele on its GRCh37 coordinate.
    spec = VcfSpec("mutect2_grch37_nochr", "mutect2", ["TUMOR_1"], build="GRCh37", chr_prefix=False)
    spec.records.append(hotspot_record(g12d, mutect(60, 25), build="GRCh37"))
    write_vcf(spec, OUT)

    # Indexed vcf.gz: the panel is read by region queries; outside records are skipped.
    spec = VcfSpec("mutect2_indexed", "mutect2", ["TUMOR_1"], output="vcf.gz")
    spec.records.append(hotspot_record(g12d, mutect(60, 25)))
    spec.records.append(Record("12", 6_534_600, "C", "T", mutect(60, 15)))
    spec.records.append(Record("17", 7_676_000, "C", "T", mutect(50, 20)))
    write_vcf(spec, OUT)

    # Truncated bgzip: the first 60% of a valid file.
    spec = VcfSpec("truncated_source", "mutect2", ["TUMOR_1"])
    for i in range(400):
        spec.records.append(Record("12", 25_000_000 + 50 * i, "C", "T", mutect(60, 15)))
    write_vcf(spec, OUT)
    source = OUT / "truncated_source.vcf"
    data = gzip.compress(source.read_bytes(), mtime=0)
    (OUT / "truncated.vcf.gz").write_bytes(data[: int(len(data) * 0.6)])
    source.unlink()

    # A record whose POS is not a number.
    spec = VcfSpec("malformed_record", "mutect2", ["TUMOR_1"])
    spec.records.append(hotspot_record(g12d, mutect(60, 25)))
    write_vcf(spec, OUT)
    lines = (OUT / "malformed_record.vcf").read_text().splitlines()
    body = [i for i, ln in enumerate(lines) if not ln.startswith("#")]
    fields = lines[body[-1]].split("\t")
    fields[1] = "12x45"
    lines.append("\t".join(fields))
    (OUT / "malformed_record.vcf").write_text("\n".join(lines) + "\n")

    # BCF copy of the Strelka2 SNV file: the same records through the binary path.
    pysam.bcftools.view(
        "--no-version",
        "-O",
        "b",
        "-o",
        str(OUT / "strelka2_snv_tumor_normal.bcf"),
        str(OUT / "strelka2_snv_tumor_normal.vcf"),
        catch_stdout=False,
    )


if __name__ == "__main__":
    main()
