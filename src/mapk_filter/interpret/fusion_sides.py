"""Where a junction's ends lie, for the fusion rules (interpret/fusions.py).

Holds the rules' context (FusionContext: panel, genome gene table, trial rules, build), one
located end of a junction (Side: the gene the product carries there, or the gene whose 5'
flank within the rearrangement window holds it, else intergenic), how junctions and moved
breakends are located (locate_side, sides_of, shifted, _unattributed), the kind of a
one-gene event from its kept sides (join_type), and where a 3' kinase partner kept from a
breakend would start: before the listed exon, in its splice acceptor, kinase domain kept or
lost (_position), whether a 5' partner contributes a coding exon (_partner_doubt) and the
kinase-domain caveats.

Knows the panel, the rules and the genome gene table, never the patient.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from ..breakpoints import KinaseDomain, load_kinase_domains, locate, upstream_of_exon
from ..breakpoints import role as strand_role
from ..genome_genes import GenomeGenes
from ..panel import Gene, Panel
from ..readers.structural import DOWNSTREAM, UPSTREAM, Junction
from ..rules import TrialRules

# The splice acceptor: the intron's last 2 bases (AG) before an exon. A 3' partner keeps
# its breakpoint base and everything 3' of it, so a DNA breakpoint closer to the exon than
# ACCEPTOR_BP bases cuts the acceptor.
ACCEPTOR_BP = 2


@dataclass(frozen=True)
class FusionContext:
    """What the rules need besides the junction: one frozen object, built once per file."""

    panel: Panel
    genes: GenomeGenes
    rules: TrialRules
    build: str

    @cached_property
    def kinase_domains(self) -> dict[str, KinaseDomain]:
        return load_kinase_domains()

    @cached_property
    def rearrangement_genes(self) -> tuple[Gene, ...]:
        names = self.rules.rearrangement_genes()
        return tuple(g for n, g in sorted(self.panel.genes.items()) if n in names)

    def relevance(self, gene: Gene) -> int:
        """Which gene a junction is about when both ends are in panel genes."""
        symbol = gene.symbol
        if self.rules.listed_rule("fusion", symbol) is not None:
            return 0
        if self.rules.review_rule("kinase_fusion", symbol) is not None:
            return 1
        if self.rules.routes(symbol, "kinase_fusion") or self.rules.routes(symbol, "rearrangement"):
            return 2
        return 3

    def exons(self, gene: str) -> list[tuple[int, int, int]]:
        """MANE exons (number, start, end) of a panel gene on this build."""
        return sorted(
            (e.number, *e.spans[self.build])
            for e in self.panel.exons
            if e.gene == gene and self.build in e.spans
        )


@dataclass(frozen=True)
class Side:
    """One end of a junction and the gene the product carries there."""

    chrom: str
    pos: int
    kept: str  # UPSTREAM or DOWNSTREAM of pos, + strand
    cipos: tuple[int, int]
    symbol: str  # "" when intergenic
    strand: str
    panel_gene: Gene | None
    label: str
    upstream_of: bool = False  # the breakend lies 5' of panel_gene, not inside it

    @property
    def role(self) -> str | None:
        """'5': the product keeps the gene's 5' part (or its 5' flank); '3': its 3' part."""
        return strand_role(self.strand, self.kept) if self.symbol else None

    @property
    def breakpoint(self) -> str:
        return f"chr{self.chrom}:{self.pos} ({self.label})"


def locate_side(
    ctx: FusionContext, chrom: str, pos: int, kept: str, cipos: tuple[int, int] = (0, 0)
) -> Side:
    """Name the gene at a breakend: a panel gene, else a rearrangement gene whose 5' end lies
    within the window downstream of it, else any protein-coding gene, else intergenic."""
    in_panel = sorted(ctx.panel.genes_at(ctx.build, chrom, pos), key=ctx.relevance)
    if in_panel:
        g = in_panel[0]
        where = locate(ctx.panel, g, ctx.build, pos)
        return Side(chrom, pos, kept, cipos, g.symbol, g.strand, g, f"{g.symbol} {where}")
    named = ctx.genes.genes_at(ctx.build, chrom, pos)
    local = "/".join(x.symbol for x in named) if named else "intergenic"
    window = ctx.rules.rearrangement_window_bp
    for g in ctx.rearrangement_genes:
        if g.chrom != chrom or ctx.build not in g.spans:
            continue
        start, end = g.spans[ctx.build]
        distance = start - pos if g.strand == "+" else pos - end
        contains = strand_role(g.strand, kept) == "3"
        if 0 < distance <= window and (contains or not named):
            label = f"{local}, {distance / 1000:.1f} kb 5' of {g.symbol}"
            return Side(chrom, pos, kept, cipos, g.symbol, g.strand, g, label, upstream_of=True)
    if named:
        return Side(chrom, pos, kept, cipos, named[0].symbol, named[0].strand, None, local)
    return Side(chrom, pos, kept, cipos, "", "", None, "intergenic")


def _unattributed(ctx: FusionContext, side: Side) -> Side:
    """The breakend named by the gene it lies in (or intergenic), not the gene 5' of it."""
    named = ctx.genes.genes_at(ctx.build, side.chrom, side.pos)
    if named:
        symbol = "/".join(g.symbol for g in named)
        return replace(
            side,
            symbol=named[0].symbol,
            strand=named[0].strand,
            panel_gene=None,
            label=symbol,
            upstream_of=False,
        )
    return replace(
        side, symbol="", strand="", panel_gene=None, label="intergenic", upstream_of=False
    )


def sides_of(ctx: FusionContext, junction: Junction) -> tuple[Side, Side | None]:
    a = locate_side(ctx, junction.chrom_a, junction.pos_a, junction.kept_a, junction.cipos_a)
    if junction.single:
        return a, None
    assert junction.chrom_b is not None and junction.pos_b is not None
    assert junction.kept_b is not None
    b = locate_side(ctx, junction.chrom_b, junction.pos_b, junction.kept_b, junction.cipos_b)
    return a, b


def shifted(ctx: FusionContext, side: Side, offset: int) -> Side:
    """The same breakend moved by ``offset`` bases (to test an imprecise breakpoint)."""
    return locate_side(ctx, side.chrom, side.pos + offset, side.kept, side.cipos)


def join_type(lo: Side, hi: Side) -> str:
    """deletion / duplication / inversion, from which sides of the two breakends are kept."""
    if lo.kept == UPSTREAM and hi.kept == DOWNSTREAM:
        return "deletion"
    if lo.kept == DOWNSTREAM and hi.kept == UPSTREAM:
        return "duplication"
    return "inversion"


# ------------------------------------------------------------------ kinase position


@dataclass(frozen=True)
class _Position:
    """Where a 3' kinase partner kept from this breakend would start."""

    state: str  # listed (before the listed exon) | kept | lost | unknown
    where: str
    domain: KinaseDomain | None


def _position(ctx: FusionContext, side: Side, listed_exon: int | None, rna: bool) -> _Position:
    gene = side.panel_gene
    assert gene is not None
    domain = ctx.kinase_domains.get(gene.symbol)
    if side.upstream_of:
        return _Position("listed" if listed_exon else "kept", side.label, domain)
    where = locate(ctx.panel, gene, ctx.build, side.pos)
    if listed_exon is not None and upstream_of_exon(
        ctx.panel, gene, ctx.build, side.pos, listed_exon, rna
    ):
        if not rna and _in_acceptor(ctx, gene, side.pos, listed_exon):
            return _Position("acceptor", where, domain)
        return _Position("listed", where, domain)
    if domain is None:
        return _Position("unknown", where, None)
    coordinates = domain.on(ctx.build)
    if coordinates is not None:  # codon-exact: the first base of the first kinase residue
        kinase_start = coordinates[2]
        kept = side.pos <= kinase_start if gene.strand == "+" else side.pos >= kinase_start
    else:
        kept = bool(upstream_of_exon(ctx.panel, gene, ctx.build, side.pos, domain.first_exon, rna))
    return _Position("kept" if kept else "lost", where, domain)


def _in_acceptor(ctx: FusionContext, gene: Gene, pos: int, exon: int) -> bool:
    """The kept part starts inside the acceptor: it loses the acceptor's first base(s)."""
    for number, start, end in ctx.exons(gene.symbol):
        if number == exon:
            if gene.strand == "+":
                return start - ACCEPTOR_BP < pos < start
            return end < pos < end + ACCEPTOR_BP
    return False


def _partner_doubt(ctx: FusionContext, p: Side) -> str:
    """Words when the 5' partner's breakpoint leaves it no coding part to contribute: before
    its first exon, or in or after its last exon (MANE exons of panel partner genes)."""
    if p.upstream_of:
        # the breakend lies 5' of the gene and the 5' side kept is further upstream: no part
        # of the gene is joined, whatever the window names it after
        return (
            f"the breakpoint lies {p.label.split(', ', 1)[-1]} and the side joined is the "
            f"sequence further 5': {p.symbol} contributes no exon, so no {p.symbol} fusion "
            "protein can be made from this junction as called"
        )
    if p.panel_gene is None:
        return ""
    exons = ctx.exons(p.symbol)
    if not exons:
        return ""
    where = locate(ctx.panel, p.panel_gene, ctx.build, p.pos)
    last = max(n for n, _, _ in exons)
    if where.startswith(("intron 1 (5' of", "3' of exon", f"exon {last}")):
        return (
            f"the {p.symbol} breakpoint lies in {where}: the 5' partner contributes no "
            f"coding exon before it, so no {p.symbol} fusion protein can be made from this "
            "junction as called"
        )
    return ""


def _domain_caveats(
    domain: KinaseDomain | None, where: str = "", rna: bool = True
) -> tuple[str, ...]:
    found = []
    if domain is not None and not domain.verified:
        found.append(f"kinase-domain exons of {domain.gene}: {domain.source}")
    if not rna and where.startswith("exon "):
        found.append(
            f"DNA breakpoint inside {where.split(' (')[0]}: the fusion transcript needs a "
            "splice site there (confirm by RNA)"
        )
    return tuple(found)
