"""`kg risk`, `kg depends` and `kg report`: who depends on whom."""

from __future__ import annotations

import json

import click

from kg.cli.main import Context, as_of_option, emit, output_option, output_width, pass_context, say
from kg.render.card import depends_text
from kg.render.report import report_format, write_report
from kg.render.rows import CARD_COLUMNS, RISK_COLUMNS, card_rows, risk_rows
from kg.services.card import graph_card, indexed_card
from kg.services.ranking import rank_firms
from kg.services.report import build_report


@click.command()
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="How many firms to list.")
@click.option("--cluster", help="Only this cluster: its members and the firms they trade with (name or IRI).")
@click.option("--all", "include_all", is_flag=True, help="Also rank firms without any stated supply link.")
@click.option("--bound", type=click.Choice(["stated", "named"]), default="stated", show_default=True,
              help="stated: a link counts only for the share a source states (cautious); "
                   "named: the named partners are all of a firm's trade.")
@click.option("--weights", type=click.Choice(["auto", "count", "tonnes", "yuan"]), default="auto",
              show_default=True, help="Output weights: one unit for the network (auto: tonnes, else yuan, "
                                      "else a count), a figure per firm.")
@as_of_option
@output_option
@pass_context
def risk(obj: Context, top, cluster, include_all, bound, weights, as_of, fmt):
    """Firms ranked by systemic risk (ESRI, Diem et al. 2022), with the firms they dominate and their sole-supplier links.

    ESRI is the share of the network's output lost if the firm fails, its own output
    ("own") included: customers lose the failed share of an input (an essential input
    caps their output), suppliers lose the sales to failed customers. The network is
    every loaded cluster's members and their direct partners (or one cluster's, with
    --cluster); only members are ranked, cohorts never. Two bounds: "stated" counts a
    link only for the share a source states; "named" takes the named partners as all of
    a firm's trade. The table ranks by --bound and shows the other beside it; `kg depends
    FIRM` lists every assumption. Above 2,000 firms only the candidates with the largest
    dominated weight and out-degree are computed (a note says so).

    Example: kg risk --top 5 --cluster Binzhou
    """
    ranking = rank_firms(obj.graph(), top=top, cluster=cluster, include_all=include_all, bound=bound,
                         weights=weights, as_of=as_of)
    emit(risk_rows(ranking), fmt, RISK_COLUMNS, notes=ranking.notes, empty=ranking.empty)


@click.command()
@click.argument("firm")
@as_of_option
@output_option
@pass_context
def depends(obj: Context, firm, as_of, fmt):
    """A firm's dependency card: whom it needs, who needs it, and how much hangs on it.

    Direct suppliers and customers with product, share, volume, quote and source;
    its dominators (every stated supply path to it runs through them; called a single
    point of failure only where every link on the way states exclusive supply) and the
    firms it dominates; its systemic risk (ESRI, both bounds) and rank in the same network
    as `kg risk`, the firms hit hardest and the assumptions behind the figure; the
    concentration (HHI) of each of its inputs. `--format json` prints the card as one object.

    Example: kg depends "Innovation Metal"
    """
    if obj.store and not obj.endpoint and as_of is None:  # the index holds the network of every date
        card = indexed_card(obj.store, firm, progress=lambda message: click.echo(message, err=True))
    else:
        card = graph_card(obj.graph(), firm, as_of=as_of)
    if fmt == "json":
        say(json.dumps(card, ensure_ascii=False, indent=2))
        return
    if fmt == "table":  # a card: sections, quotes and assumptions in full, wrapped to the width
        say(depends_text(card_rows(card, all_notes=False), output_width()), nl=False)
        return
    emit(card_rows(card), fmt, CARD_COLUMNS)


@click.command()
@click.option("-o", "--output", "path", type=click.Path(dir_okay=False), default="out/report.html", show_default=True,
              help="File to write: .md, .html or .json.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Entries per list per cluster; the rest is counted (\"and K more\").")
@as_of_option
@output_option
@pass_context
def report(obj: Context, path, top, as_of, fmt):
    """Write the "who depends on whom" report of every cluster and print where.

    Per cluster: the key dependencies with their quotes, the top systemic risks,
    the single points of failure, the value-chain gaps and the source articles.
    The format follows the file's extension; the HTML page is one self-contained
    file (no script, nothing fetched) that reads offline.

    Example: kg report -o out/report.html
    """
    report_format(path)  # refuse an unknown extension before the work
    result = build_report(obj.graph(), top=top, data=obj.data, store=obj.store, endpoint=obj.endpoint, as_of=as_of)
    written = write_report(result, path)
    emit([{"file": str(written), "format": written.suffix.lstrip(".").lower(), "clusters": len(result["clusters"])}],
         fmt, ["file", "format", "clusters"])
