"""Fusion rules: one junction (DNA or RNA) -> what it means for sub-protocol B and routing.

A fusion is two different genes joined so that the 5' partner's promoter drives the 3'
kinase (SPEC section 2). The rules here, each tested on its own fixture:

* both ends in one gene is never a fusion: an intragenic event touching kinase-domain
  exons is for review (B-R13), a NF1 deletion of coding exons is B-R12, the rest a VUS;
* only the forward product (partner gene 5', kinase 3', kinase breakpoint where the rule
  says) is listed; a junction that cannot make it on its own (the reciprocal product, an
  orientation that cannot join partner::kinase, a partner that is not a gene) goes to
  review when the kinase would be kept, because the forward junction may have been missed;
* a breakend within the rules' rearrangement window 5' of a kinase or CRLF2/EPOR is that
  gene's rearrangement (the whole gene is kept), named and reviewed, never intergenic;
* RNA callers' frame verdicts are kept: an out-of-frame listed fusion is for review.

Here: the calls (Call, Judgement, judge, single_call and the calls they choose from).
Where a junction's ends lie (FusionContext, Side, locate_side, sides_of, where a 3' kinase
partner would start) is in interpret/fusion_sides.py.

Knows the panel, the rules and the genome gene table, never the patient.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..models import Status
from .fusion_sides import (
    ACCEPTOR_BP,
    FusionContext,
    Side,
    _domain_caveats,
    _partner_doubt,
    _position,
    _unattributed,
    join_type,
)

RANK = {Status.QUALIFYING: 0, Status.REVIEW: 1, Status.EXCLUSION: 2, Status.VUS: 3}
# The words of a reciprocal junction's doubt; a QC-filtered reciprocal is known by them.
RECIPROCAL_DOUBT = "not seen: confirm by RNA or FISH"
# Calls that doubt a junction rather than read it: a forward reading of the same junction
# (another gene's kinase fusion) is preferred to them.
DOUBTS = frozenset(
    {
        "reciprocal_junction",
        "orientation_cannot_make_fusion",
        "partner_not_a_gene",
        "partner_upstream_of_gene",
    }
)
OUT_OF_FRAME = frozenset({"out-of-frame", "stop-codon"})


@dataclass(frozen=True)
class Call:
    """What a junction means: status, reason code, words, rule, kinase kept, routes."""

    status: Status
    reason: str
    text: str
    rule_id: str | None = None
    kinase: str | None = None  # "yes" | "no" | "unknown"
    caveats: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Judgement:
    call: Call
    key: Side  # the end the finding is about
    kind: str  # fusion | rearrangement | intragenic_deletion | ...
    partners: tuple[str, ...]
    sides: tuple[Side, ...]  # 5' side first for a fusion


# ------------------------------------------------------------------ the calls


def _kinase_call(ctx: FusionContext, k: Side, p: Side, productive: bool, rna: bool) -> Call:
    """A junction at a gene whose 3' kinase fusion a rule lists, reviews or routes."""
    gene = k.panel_gene
    assert gene is not None
    symbol, partner = gene.symbol, p.symbol or "intergenic sequence"
    listed = ctx.rules.listed_rule("fusion", symbol)
    if listed is not None and listed.requires.get("three_prime_partner", symbol) != symbol:
        listed = None
    review = ctx.rules.review_rule("kinase_fusion", symbol)
    routes = ctx.rules.routes(symbol, "kinase_fusion")
    exon = int(listed.requires.get("breakpoint_before_exon", 1)) if listed else None
    pos = _position(ctx, k, exon, rna)
    caveats = _domain_caveats(pos.domain, pos.where if pos.state == "kept" else "", rna)
    rule_id = listed.id if listed else review.id if review else None
    status = Status.REVIEW if rule_id else Status.VUS
    routed = f"; entry criterion of sub-protocol {', '.join(routes)}" if routes else ""
    name = f"{p.symbol or 'intergenic'}::{symbol}"
    domain = pos.domain

    if pos.state == "lost":
        assert domain is not None
        return Call(
            Status.VUS,
            "kinase_domain_not_retained",
            f"{_name(k, p, productive)} junction, {symbol} breakpoint in {pos.where}: in or past "
            f"the kinase-domain exons ({domain.first_exon}-{domain.last_exon}); kinase domain "
            f"not retained, not a {symbol} kinase fusion",
            None,
            "no",
            caveats,
        )
    forward = productive and k.role == "3"
    partner_doubt = _partner_doubt(ctx, p) if forward else ""
    if forward and p.symbol and not k.upstream_of and listed is not None and partner_doubt:
        return Call(
            Status.REVIEW,
            "partner_contributes_no_exon",
            f"{name} junction, {symbol} breakpoint in {pos.where}: {partner_doubt}; not "
            f"the product {listed.id} lists as it stands: confirm by RNA",
            listed.id,
            "yes" if pos.state in ("listed", "kept", "acceptor") else "unknown",
            caveats,
            routes,
        )
    if (
        forward
        and p.symbol
        and not k.upstream_of
        and listed is not None
        and pos.state == "acceptor"
    ):
        return Call(
            Status.REVIEW,
            "breakpoint_in_splice_acceptor",
            f"{name} fusion, {symbol} breakpoint in {pos.where}, within {ACCEPTOR_BP} bp "
            f"of exon {exon}: its splice acceptor is cut, so whether exon {exon} is "
            f"spliced into the fusion transcript is uncertain; not {listed.id} as it "
            "stands: confirm by RNA",
            listed.id,
            "yes",
            caveats,
            routes,
        )
    if forward and p.symbol and not k.upstream_of:
        if listed is not None and pos.state == "listed":
            return Call(
                Status.QUALIFYING,
                "listed_fusion",
                f"{name} fusion, {symbol} breakpoint in {pos.where} "
                + ("(keeps all of " if pos.where.startswith("exon") else "(before ")
                + f"exon {exon}): kinase domain retained",
                listed.id,
                "yes",
                caveats,
                routes,
            )
        if listed is not None and pos.state == "kept":
            assert domain is not None
            lost = domain.lost_note or f"exon {exon} not retained"
            return Call(
                Status.REVIEW,
                "kinase_retained_breakpoint_after_listed_exon",
                f"{name} fusion, {symbol} breakpoint in {pos.where} (after exon {exon}, before "
                f"the kinase domain from exon {domain.first_exon}): kinase domain retained, "
                f"{lost}; not the configuration {listed.id} lists",
                listed.id,
                "yes",
                (lost, *caveats),
                routes,
            )
        if pos.state == "unknown":
            after = f" (after exon {exon})" if exon else ""
            return Call(
                status,
                "kinase_domain_unknown",
                f"{name} fusion, {symbol} breakpoint in {pos.where}{after}: kinase-domain exons "
                f"of {symbol} unknown, retention not checked{routed}",
                rule_id,
                "unknown",
                caveats,
                routes,
            )
        what = review.name if review else "not a sub-protocol B alteration"
        return Call(
            status,
            "kinase_fusion" if review else "other_subprotocol_fusion",
            f"{name} fusion with {symbol} as 3' partner, breakpoint in {pos.where}: {symbol} "
            f"kinase domain retained; {what}{routed}",
            rule_id,
            "yes",
            caveats,
            routes,
        )
    if forward and p.symbol:  # k.upstream_of: the partner joined 5' of the whole gene
        return Call(
            status,
            "partner_upstream_of_gene",
            f"possible {name} rearrangement: {p.symbol} joined at {k.breakpoint}, the whole "
            f"{symbol} gene kept; not a breakpoint inside {symbol}"
            + (f" (the configuration {listed.id} lists)" if listed else "")
            + f": confirm by RNA or FISH{routed}",
            rule_id,
            "yes",
            caveats,
            routes,
        )
    if k.role == "3" and not p.symbol:
        return Call(
            status,
            "partner_not_a_gene",
            f"{symbol} 3' part (breakpoint in {pos.where}) joined to intergenic sequence at "
            f"{p.breakpoint}: kinase domain would be retained but no 5' partner gene; "
            f"confirm by RNA or FISH{routed}",
            rule_id,
            "unknown",
            caveats,
            routes,
        )
    forward_name = f"{partner if p.symbol else 'partner'}::{symbol}"
    if productive:
        reason = "reciprocal_junction"
        text = (
            f"{_name(k, p, productive)} junction: {symbol} is the 5' partner, the reciprocal "
            f"product of a {forward_name} rearrangement (breakpoint in {pos.where}); forward "
            f"junction {forward_name} {RECIPROCAL_DOUBT}"
        )
    else:
        reason = "orientation_cannot_make_fusion"
        text = (
            f"{_name(k, p, productive)} junction ({symbol} breakpoint in {pos.where}) in an "
            f"orientation that cannot make {forward_name} (both ends keep their "
            f"{'5' if k.role == '5' else '3'}' parts); the forward junction may have been "
            "missed: confirm by RNA or FISH"
        )
    return Call(status, reason, text + routed, rule_id, "unknown", caveats, routes)


def _name(a: Side, b: Side, productive: bool) -> str:
    if productive and a.role == "3":
        a, b = b, a
    return f"{a.symbol or 'intergenic'}::{b.symbol or 'intergenic'}"


def _rearrangement_call(k: Side, p: Side, productive: bool, routes: tuple[str, ...]) -> Call:
    gene = k.symbol
    return Call(
        Status.VUS,
        "other_subprotocol_rearrangement",
        f"{_name(k, p, productive)} rearrangement at {k.breakpoint}: a {gene} rearrangement is an "
        f"entry criterion of sub-protocol {', '.join(routes)}, not a sub-protocol B alteration",
        None,
        None,
        (),
        routes,
    )


def _plain_call(k: Side, p: Side, productive: bool) -> Call:
    what = "no trial rule matches" if productive else "no 5'->3' fusion of two genes"
    return Call(
        Status.VUS,
        "no_rule_matched" if productive else "not_a_productive_fusion",
        f"{_name(k, p, productive)} rearrangement at {k.breakpoint}: {what}",
    )


def _gene_call(ctx: FusionContext, k: Side, p: Side, productive: bool, rna: bool) -> Call:
    symbol = k.symbol
    kinase_rule = (
        ctx.rules.listed_rule("fusion", symbol)
        or ctx.rules.review_rule("kinase_fusion", symbol)
        or ctx.rules.routes(symbol, "kinase_fusion")
    )
    if kinase_rule:
        return _kinase_call(ctx, k, p, productive, rna)
    routes = ctx.rules.routes(symbol, "rearrangement")
    if routes:
        return _rearrangement_call(k, p, productive, routes)
    return _plain_call(k, p, productive)


# ------------------------------------------------------------------ intragenic events


def _exon_range(numbers: list[int]) -> str:
    if not numbers:
        return "no exon"
    if len(numbers) == 1:
        return f"exon {numbers[0]}"
    return f"exons {numbers[0]}-{numbers[-1]}"


def _intragenic(ctx: FusionContext, a: Side, b: Side) -> Judgement:
    lo, hi = sorted((a, b), key=lambda s: s.pos)
    gene = a.panel_gene or b.panel_gene
    what = join_type(lo, hi)
    symbol = a.symbol
    touched = [n for n, s, e in ctx.exons(symbol) if s <= hi.pos and e >= lo.pos] if gene else []
    span = f"chr{lo.chrom}:{lo.pos}-{hi.pos}"
    base = f"intragenic {what} of {symbol} ({span}, {_exon_range(touched)}): not a fusion"
    kinase_rule = ctx.rules.review_rule("intragenic_kinase", symbol)
    loss_rule = ctx.rules.review_rule("copy_loss", symbol)
    itd_rule = ctx.rules.review_rule("inframe_insertion_in_exons", symbol)
    itd_exons = sorted(set(touched) & itd_rule.exons) if itd_rule else []
    domain = ctx.kinase_domains.get(symbol)
    call: Call
    if itd_rule is not None and what == "duplication" and itd_exons:
        size = hi.pos - lo.pos + 1
        frame = "in frame" if size % 3 == 0 else "not a multiple of 3"
        call = Call(
            Status.REVIEW,
            "tandem_duplication_in_itd_exons",
            f"tandem duplication of {size} bp ({frame}) in {symbol} {_exon_range(itd_exons)}, "
            f"called as a structural variant: possible {itd_rule.name}",
            itd_rule.id,
            None,
            (),
            ctx.rules.routes(symbol, "inframe_insertion_in_exons"),
        )
    elif kinase_rule is not None and touched:
        kinase_exons = (
            [n for n in touched if domain.first_exon <= n <= domain.last_exon] if domain else []
        )
        if domain is None:
            call = Call(
                Status.REVIEW,
                "intragenic_kinase_exons",
                f"{base}; the kinase-domain exons of {symbol} are not known, so it may touch "
                "them: effect on the kinase unknown",
                kinase_rule.id,
                "unknown",
            )
        elif kinase_exons:
            call = Call(
                Status.REVIEW,
                "intragenic_kinase_exons",
                f"{base}; it touches kinase-domain exons {kinase_exons[0]}-{kinase_exons[-1]} "
                f"(kinase domain: exons {domain.first_exon}-{domain.last_exon}): effect on the "
                f"kinase unknown; {kinase_rule.name}",
                kinase_rule.id,
                "unknown",
                _domain_caveats(domain),
            )
        else:
            call = Call(
                Status.VUS,
                "intragenic_outside_kinase_domain",
                f"{base}; the kinase-domain exons ({domain.first_exon}-{domain.last_exon}) "
                "are not touched",
                None,
                "yes",
                _domain_caveats(domain),
            )
    elif loss_rule is not None and what == "deletion" and touched:
        routes = ctx.rules.routes(symbol, "copy_loss")
        call = Call(
            Status.REVIEW,
            "intragenic_deletion_of_exons",
            f"{base}; it deletes {_exon_range(touched)}: possible loss of function; "
            f"{loss_rule.name}",
            loss_rule.id,
            None,
            (),
            routes,
        )
    else:
        small = "intronic" if not touched else f"touching {_exon_range(touched)}"
        call = Call(
            Status.VUS,
            "intragenic_event",
            f"{base}; {small}, no trial rule matches",
        )
    key = a if a.panel_gene is not None else b
    return Judgement(call, key, f"intragenic_{what}", (symbol,), (lo, hi))


# ------------------------------------------------------------------ one junction


def judge(ctx: FusionContext, a: Side, b: Side, rna: bool = False, frame: str = "") -> Judgement:
    """Both ends located; at least one is in (or 5' of) a panel gene."""
    # One gene only when both ends are on one chromosome: a gene of both X and Y (PAR1,
    # e.g. CRLF2) joined across them is a rearrangement between two loci.
    same = a.chrom == b.chrom
    if a.symbol and a.symbol == b.symbol and same and a.upstream_of != b.upstream_of:
        # One end inside the gene, one in its 5' flank: the gene is cut, not kept whole.
        a, b = (_unattributed(ctx, a), b) if a.upstream_of else (a, _unattributed(ctx, b))
    if a.symbol and a.symbol == b.symbol and same:
        return _intragenic(ctx, a, b)
    productive = a.role is not None and b.role is not None and a.role != b.role
    five, three = (a, b) if not productive or a.role == "5" else (b, a)
    options: list[tuple[int, int, Call, Side]] = []
    for k, p in ((a, b), (b, a)):
        if k.panel_gene is None:
            continue
        call = _gene_call(ctx, k, p, productive, rna)
        options.append((RANK.get(call.status, 5), ctx.relevance(k.panel_gene), call, k))
    # worst status first; at equal status a reading that names a rule or another
    # sub-protocol before one that names none (else a route would sit in a caveat only),
    # a firm reading before a doubtful one, then panel relevance
    options.sort(
        key=lambda o: (
            o[0],
            not (o[2].rule_id or o[2].routes),
            o[2].reason in DOUBTS,
            o[1],
            not o[2].routes,
        )
    )
    _, _, call, key = options[0]
    for _, _, other, _ in options[1:]:
        if other.status in (Status.QUALIFYING, Status.REVIEW) or other.routes:
            call = replace(call, caveats=(*call.caveats, f"other reading: {other.text}"))
    if rna and frame:
        call = _with_frame(call, frame)
    kind = "fusion" if productive and a.symbol and b.symbol else "rearrangement"
    partners = (five.symbol or "intergenic", three.symbol or "intergenic")
    return Judgement(call, key, kind, partners, (five, three))


def _with_frame(call: Call, frame: str) -> Call:
    """The RNA caller's reading-frame verdict: a kinase fusion the caller does not call
    in frame (out of frame, a stop codon, another predicted effect) is not a clean listed
    fusion; an undetermined frame is said, the call kept (a DNA junction has none either)."""
    forward = call.reason in (
        "listed_fusion",
        "kinase_fusion",
        "kinase_retained_breakpoint_after_listed_exon",
        "kinase_domain_unknown",
        "other_subprotocol_fusion",
    )
    if not forward or frame == "in-frame":
        return replace(call, text=f"{call.text}; reading frame {frame}") if forward else call
    if frame == "not determined":
        return replace(call, text=f"{call.text}; reading frame not determined by the caller")
    words = frame.removeprefix("other: ")
    verdict = (
        f"predicted effect {words}" if frame.startswith("other: ") else f"reading frame {frame}"
    )
    return replace(
        call,
        status=Status.REVIEW if call.status == Status.QUALIFYING else call.status,
        reason="out_of_frame_fusion" if call.status == Status.QUALIFYING else call.reason,
        text=f"{call.text}; {verdict} (the RNA caller's verdict): the kinase may not be "
        "translated, not the listed product as called",
        caveats=(verdict, *call.caveats),
    )


def single_call(ctx: FusionContext, side: Side, rna: bool = False) -> Call:
    """A single breakend (partner unresolved): at a kinase gene where the kinase could be
    kept, a possible fusion for review; elsewhere not interpretable."""
    text = (
        f"single breakend in {side.label} (kept {side.kept}); partner not resolved "
        "(unmapped or repetitive sequence): not interpretable as a fusion, confirm by RNA "
        "or FISH"
    )
    gene = side.panel_gene
    symbol = gene.symbol if gene else ""
    listed = ctx.rules.listed_rule("fusion", symbol) if gene else None
    review = ctx.rules.review_rule("kinase_fusion", symbol) if gene else None
    rule = listed or review
    if gene is None or rule is None:
        return Call(Status.VUS, "single_breakend", text, None, "unknown")
    exon = int(listed.requires.get("breakpoint_before_exon", 1)) if listed else None
    pos = _position(ctx, side, exon, rna)
    if pos.state == "lost":
        return Call(
            Status.VUS,
            "single_breakend",
            f"{text}; {symbol} kinase domain not retained from here",
            None,
            "no",
        )
    return Call(
        Status.REVIEW,
        "single_breakend",
        f"{text}; a breakpoint in {pos.where} where a {symbol} fusion would keep the kinase: "
        f"possible {rule.name}",
        rule.id,
        "unknown",
        _domain_caveats(pos.domain),
        ctx.rules.routes(symbol, "kinase_fusion"),
    )
