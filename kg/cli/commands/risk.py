"""`kg risk`, `kg depends` and `kg report`: who depends on whom."""

from __future__ import annotations

import json

import click

from kg.cli.main import Context, emit, output_option, pass_context
from kg.render.report import report_format, write_report
from kg.render.rows import CARD_COLUMNS, RISK_COLUMNS, card_rows, risk_rows
from kg.services.card import graph_card, indexed_card
from kg.services.ranking import rank_firms
from kg.services.report import build_report


@click.command()
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="How many firms to list.")
@click.option("--cluster", help="Only this cluster: its members and the firms they trade with (name or IRI).")
@click.option("--all", "include_all", is_flag=True, help="Also rank firms without any stated supply link.")
@output_option
@pass_context
def risk(obj: Context, top, cluster, include_all, fmt):
    """Firms ranked by systemic risk (ESRI), with the firms they dominate and their sole-supplier links.

    ESRI is the share of the network's production (in firms, a cohort by its member
    count) lost if the firm fails, its own output ("own") included: customers lose
    the failed share of an input (an essential input caps their output), suppliers
    lose the sales to failed customers. Shares and volumes no source states are
    split evenly or by customer weight; `kg depends FIRM` lists every assumption.
    Above 2,000 firms only the candidates with the largest dominated weight and
    out-degree are computed (method "pruned").

    Example: kg risk --top 5 --cluster Binzhou
    """
    ranking = rank_firms(obj.graph(), top=top, cluster=cluster, include_all=include_all)
    emit(risk_rows(ranking), fmt, RISK_COLUMNS)


@click.command()
@click.argument("firm")
@output_option
@pass_context
def depends(obj: Context, firm, fmt):
    """A firm's dependency card: whom it needs, who needs it, and how much hangs on it.

    Direct suppliers and customers with product, share, volume, quote and source;
    its dominators (firms whose failure alone cuts it off) and the firms it
    dominates; its systemic risk (ESRI) and rank among linked firms, the firms hit
    hardest and the assumptions behind the figure; the concentration (HHI) of each
    of its inputs. `--format json` prints the card as one object.

    Example: kg depends "Innovation Metal"
    """
    if obj.store and not obj.endpoint:
        card = indexed_card(obj.store, firm, progress=lambda message: click.echo(message, err=True))
    else:
        card = graph_card(obj.graph(), firm)
    if fmt == "json":
        click.echo(json.dumps(card, ensure_ascii=False, indent=2))
        return
    emit(card_rows(card, all_notes=fmt != "table"), fmt, CARD_COLUMNS)


@click.command()
@click.option("-o", "--output", "path", type=click.Path(dir_okay=False), default="out/report.html", show_default=True,
              help="File to write: .md, .html or .json.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Systemic risks listed per cluster.")
@output_option
@pass_context
def report(obj: Context, path, top, fmt):
    """Write the "who depends on whom" report of every cluster and print where.

    Per cluster: the key dependencies with their quotes, the top systemic risks,
    the single points of failure, the value-chain gaps and the source articles.
    The format follows the file's extension; the HTML page is one self-contained
    file (no script, nothing fetched) that reads offline.

    Example: kg report -o out/report.html
    """
    report_format(path)  # refuse an unknown extension before the work
    result = build_report(obj.graph(), top=top)
    written = write_report(result, path)
    emit([{"file": str(written), "format": written.suffix.lstrip(".").lower(), "clusters": len(result["clusters"])}],
         fmt, ["file", "format", "clusters"])
