"""`kg suppliers`, `kg customers`, `kg centrality`, `kg whatif` and `kg gaps`: the supply network."""

from __future__ import annotations

import click

from kg.cli.main import (
    Context,
    as_of_option,
    echo_notes,
    emit,
    output_option,
    output_width,
    pass_context,
    say,
)
from kg.render.card import whatif_text
from kg.render.rows import (
    GAPS_COLUMNS,
    GAPS_DETAIL,
    TIER_COLUMNS,
    WHATIF_COLUMNS,
    centrality_columns,
    centrality_rows,
    gaps_rows,
    tier_rows,
    whatif_rows,
)
from kg.services.gaps import gaps as coverage
from kg.services.supply import centrality as rank
from kg.services.supply import tiers
from kg.services.supply import whatif as cascade


@click.command()
@click.argument("firm")
@click.option("--depth", type=click.IntRange(min=1), help="Stop after this many tiers (default: all).")
@as_of_option
@output_option
@pass_context
def suppliers(obj: Context, firm, depth, as_of, fmt):
    """A firm's suppliers, tier by tier (tier 1 = direct), with the evidence of each link.

    Each supplier appears once, at its nearest tier, with the path of supply to the firm;
    shares and volumes no source states are shown as unknown.

    Example: kg suppliers "Innovation Metal" --depth 2
    """
    _tiers(obj, firm, "upstream", depth, as_of, fmt)


@click.command()
@click.argument("firm")
@click.option("--depth", type=click.IntRange(min=1), help="Stop after this many tiers (default: all).")
@as_of_option
@output_option
@pass_context
def customers(obj: Context, firm, depth, as_of, fmt):
    """A firm's customers, tier by tier (tier 1 = direct), with the evidence of each link.

    Example: kg customers "Weiqiao Venture Group" --depth 1
    """
    _tiers(obj, firm, "downstream", depth, as_of, fmt)


def _tiers(obj: Context, firm: str, direction: str, depth: int | None, as_of: int | None, fmt: str) -> None:
    """`kg suppliers` and `kg customers`: the tiers of a firm, one row per supply relation."""
    result = tiers(obj.graph(), firm, direction=direction, depth=depth, as_of=as_of)
    side = "suppliers" if direction == "upstream" else "customers"
    emit(tier_rows(result), fmt, TIER_COLUMNS, notes=result.remarks,
         empty=result.note or f"The sources name no {side} of {result.label}; that does not mean it has none.")


@click.command()
@click.option(
    "--measure",
    type=click.Choice(["degree", "pagerank", "betweenness"]),
    default="pagerank",
    show_default=True,
    help="degree: suppliers + customers; pagerank: supplier view; betweenness: on supply paths.",
)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="How many firms to list.")
@click.option("--cluster", help="Only this cluster's network (a cluster, region or park: name or IRI).")
@as_of_option
@output_option
@pass_context
def centrality(obj: Context, measure, top, cluster, as_of, fmt):
    """The most central firms of the supply network, or of one cluster's network.

    Betweenness is exact up to 2,000 firms, and above that whenever exact
    betweenness takes at most 250 million search steps (a supply network usually
    does: each firm reaches only the firms downstream of it); otherwise it is
    sampled (256 sources, seed 42). The method column says which.

    Example: kg centrality --measure betweenness --top 10 --cluster Binzhou
    """
    result = rank(obj.graph(), measure=measure, top=top, cluster=cluster, as_of=as_of)
    notes = list(getattr(result, "notes", ()))
    values = {round(r.value, 12) for r in result.rows}
    if len(result.rows) > 1 and len(values) == 1 and result.note is None:
        notes.append(f"All {len(result.rows)} listed firms have the same {measure} ({result.rows[0].value:.6g}): "
                     "the stated links do not rank them, and the order is by name.")
    emit(centrality_rows(result), fmt, centrality_columns(measure), notes=notes,
         empty="No firm of this network has a stated supply link: there is nothing to rank.")


@click.command()
@click.argument("firms", nargs=-1, required=True)
@click.option("--with-subsidiaries", is_flag=True,
              help="A group fails together with its stated subsidiaries (and theirs).")
@as_of_option
@output_option
@pass_context
def whatif(obj: Context, firms, with_subsidiaries, as_of, fmt):
    """What happens if firms fail: who loses all supply, round by round, and who loses part.

    Round 0 are the firms removed; round N the firms whose last supplier failed in
    round N-1; "loop" the firms that only a cycle cut off from outside supply still
    fed. Part losses are measured by stated shares where every lost supplier has
    one, else by the number of suppliers. A cohort counts its members ("firms");
    each firm counts once (not again inside a failed cohort it is stated to be part
    of; overlapping cohorts once, as the largest). Capacities (t/yr) no source
    states are "not stated". --with-subsidiaries fails a group's stated
    subsidiaries with it.

    Example: kg whatif "Weiqiao Venture Group"
    """
    network, result = cascade(obj.graph(), firms, with_subsidiaries=with_subsidiaries, as_of=as_of)
    rows = whatif_rows(network, result)
    notes = list(dict.fromkeys([*getattr(result, "notes", ()), *getattr(result, "assumptions", ())]))
    if fmt != "table":
        emit(rows, fmt, WHATIF_COLUMNS, notes=notes)
        return
    width = output_width()  # a card: one section per round, then the total and the assumptions
    say(whatif_text(rows, width), nl=False)
    echo_notes(notes, fmt, width)


@click.command()
@click.argument("cluster")
@as_of_option
@output_option
@pass_context
def gaps(obj: Context, cluster, as_of, fmt):
    """Value-chain stages of a cluster or place: what the sources state there, how much, from
    which quote, and who elsewhere makes the stages they are silent on.

    CLUSTER is a cluster, region or park (name or IRI). Verdicts: covered (firms, or projects
    in operation, producing there: where a firm is located, never its headquarters), stated
    (only a statement about the whole cluster), coming (only projects not yet operating, with
    their year), not stated (the sources name nothing there; candidates are firms and projects
    elsewhere that make it). csv, tsv and json add the firms, projects, statements and quotes.

    Example: kg gaps Zouping
    """
    result = coverage(obj.graph(), cluster, as_of=as_of)
    emit(gaps_rows(result), fmt, GAPS_COLUMNS if fmt == "table" else GAPS_COLUMNS + GAPS_DETAIL,
         notes=result.notes)
