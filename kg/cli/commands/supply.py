"""`kg suppliers`, `kg customers`, `kg centrality`, `kg whatif` and `kg gaps`: the supply network."""

from __future__ import annotations

import click

from kg.cli.main import Context, emit, output_option, pass_context
from kg.render.rows import (
    GAPS_COLUMNS,
    TIER_COLUMNS,
    WHATIF_COLUMNS,
    centrality_columns,
    centrality_rows,
    gaps_rows,
    tier_rows,
    whatif_rows,
)
from kg.services.supply import centrality as rank
from kg.services.supply import gaps as coverage
from kg.services.supply import tiers
from kg.services.supply import whatif as cascade


@click.command()
@click.argument("firm")
@click.option("--depth", type=click.IntRange(min=1), help="Stop after this many tiers (default: all).")
@output_option
@pass_context
def suppliers(obj: Context, firm, depth, fmt):
    """A firm's suppliers, tier by tier (tier 1 = direct), with the evidence of each link.

    Each supplier appears once, at its nearest tier, with the path of supply to the firm;
    shares and volumes no source states are shown as unknown.

    Example: kg suppliers "Innovation Metal" --depth 2
    """
    _tiers(obj, firm, "upstream", depth, fmt)


@click.command()
@click.argument("firm")
@click.option("--depth", type=click.IntRange(min=1), help="Stop after this many tiers (default: all).")
@output_option
@pass_context
def customers(obj: Context, firm, depth, fmt):
    """A firm's customers, tier by tier (tier 1 = direct), with the evidence of each link.

    Example: kg customers "Weiqiao Venture Group" --depth 1
    """
    _tiers(obj, firm, "downstream", depth, fmt)


def _tiers(obj: Context, firm: str, direction: str, depth: int | None, fmt: str) -> None:
    """`kg suppliers` and `kg customers`: the tiers of a firm, one row per supply relation."""
    emit(tier_rows(tiers(obj.graph(), firm, direction=direction, depth=depth)), fmt, TIER_COLUMNS)


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
@output_option
@pass_context
def centrality(obj: Context, measure, top, cluster, fmt):
    """The most central firms of the supply network, or of one cluster's network.

    Betweenness is exact up to 2,000 firms, and above that whenever exact
    betweenness takes at most 250 million search steps (a supply network usually
    does: each firm reaches only the firms downstream of it); otherwise it is
    sampled (256 sources, seed 42). The method column says which.

    Example: kg centrality --measure betweenness --top 10 --cluster Binzhou
    """
    result = rank(obj.graph(), measure=measure, top=top, cluster=cluster)
    emit(centrality_rows(result), fmt, centrality_columns(measure))


@click.command()
@click.argument("firms", nargs=-1, required=True)
@output_option
@pass_context
def whatif(obj: Context, firms, fmt):
    """What happens if firms fail: who loses all supply, round by round, and who loses part.

    Round 0 are the firms removed; round N the firms whose last supplier failed in
    round N-1; "loop" the firms that only a cycle cut off from outside supply still
    fed. Part losses are measured by stated shares where every lost supplier has
    one, else by the number of suppliers. A cohort counts its members ("firms");
    capacities (t/yr) no source states are unknown.

    Example: kg whatif "Weiqiao Venture Group"
    """
    network, result = cascade(obj.graph(), firms)
    emit(whatif_rows(network, result), fmt, WHATIF_COLUMNS)


@click.command()
@click.argument("cluster")
@output_option
@pass_context
def gaps(obj: Context, cluster, fmt):
    """Value-chain stages a cluster covers and misses, and who elsewhere makes the missing ones.

    CLUSTER is a cluster, region or park (name or IRI). Firms located in a region
    count for it. Candidates are firms outside the cluster that make a product of
    a missing stage ("extending and supplementing the chain").

    Example: kg gaps Zouping
    """
    emit(gaps_rows(coverage(obj.graph(), cluster)), fmt, GAPS_COLUMNS)
