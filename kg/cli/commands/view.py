"""`kg view`: an interactive HTML view of the supply network."""

from __future__ import annotations

import webbrowser

import click

from kg.cli.main import Context, as_of_option, emit, output_option, pass_context
from kg.render.view.model import INCLUDE_KINDS
from kg.render.view.page import write_view
from kg.services.resolve import resolve_name, store_index
from kg.services.view import AROUND_KINDS, build_view


def _include_kinds(ctx, param, value: str) -> tuple[str, ...]:
    kinds = tuple(dict.fromkeys(k.strip().lower() for k in (value or "").split(",") if k.strip()))
    bad = [k for k in kinds if k not in INCLUDE_KINDS]
    if bad:
        raise click.BadParameter(f"{', '.join(bad)} is not one of {', '.join(INCLUDE_KINDS)}")
    return kinds


@click.command()
@click.option("-o", "--output", "path", type=click.Path(dir_okay=False), default="out/view.html", show_default=True,
              help="HTML file to write (one self-contained page).")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser.")
@click.option("--cluster", help="Show one cluster, park, county, city or province (name or IRI).")
@click.option("--around", metavar="FIRM", help="Show a firm's neighbourhood instead (name or IRI).")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Steps from the --around firm.")
@click.option("--direction", type=click.Choice(["up", "down", "both"]), default="both", show_default=True,
              help="From the --around firm: up to its suppliers, down to its customers, or both.")
@click.option("--include", callback=_include_kinds, default="", metavar="KINDS",
              help="Add node kinds, comma-separated: products,projects,parks,institutions.")
@click.option("--color-by", type=click.Choice(["kind", "risk"]), default="kind", show_default=True,
              help="Colour firms by kind or by systemic risk (ESRI).")
@click.option("--size-by", type=click.Choice(["pagerank", "betweenness", "dominated", "esri", "capacity"]),
              help="Size firms by a measure (default: by kind).")
@click.option("--aggregate", type=click.Choice(["cluster"]), help="Draw each cluster as one node with the flows between them.")
@as_of_option
@output_option
@pass_context
def view(obj: Context, path, open_page, cluster, around, depth, direction, include, color_by, size_by, aggregate,
         as_of, fmt):
    """Write an interactive HTML view of the supply network and print where.

    The page works offline (vis-network is inline), shows every text from the
    data as text, and has a search box, filters by kind and cluster, a legend
    and tooltips with the source quotes; clicking a firm highlights its
    suppliers and customers. Up to 1,500 nodes are laid out by physics, larger
    views get positions grouped by cluster. Firms, groups and cohorts with no
    stated supply link are drawn too, apart, in rows below the others. A view --around a firm (coloured and
    sized by kind) reads only the firm's neighbourhood. The heading cites the
    source articles of the supply links the view draws.

    Example: kg view --cluster Binzhou -o out/binzhou.html --open
    """
    if around is not None and obj.store and not obj.endpoint and not obj.data:
        indexed = store_index(obj.store)
        if indexed is not None:  # an exact name is looked up there, not among every name in the store
            index, graph = indexed
            obj.use_graph(graph)  # read the generation the index belongs to
            match = resolve_name(around, AROUND_KINDS, index=index)  # None: an IRI, or not exact
            around = match.iri if match is not None else around
    result = build_view(
        obj.graph(), cluster=cluster, around=around, depth=depth, direction=direction, include=include,
        color_by=color_by, size_by=size_by, aggregate=aggregate, data_note=f"Data: {obj.describe()}", as_of=as_of,
    )
    written = write_view(result, path)
    if open_page:
        webbrowser.open(written.resolve().as_uri())
    emit([{"file": str(written), "title": result.title, "nodes": len(result.nodes), "edges": len(result.edges),
           "physics": result.physics}], fmt, ["file", "title", "nodes", "edges", "physics"],
         notes=[result.note] if result.note else ())
