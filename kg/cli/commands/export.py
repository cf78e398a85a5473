"""`kg export`: the graph out to other tools (Gephi, Cytoscape, Neo4j, JSON-LD consumers)."""

from __future__ import annotations

import click

from kg.cli.main import Context, as_of_option, emit, output_option, pass_context
from kg.render.export import write_network
from kg.services.export import export_facts, export_format, export_network


@click.command()
@click.option("-o", "--output", "path", type=click.Path(dir_okay=False), required=True,
              help="File to write: .graphml, .gexf, .csv (Neo4j: NAME.nodes.csv and NAME.relationships.csv), "
                   ".ttl, .nt or .jsonld.")
@click.option("--cluster", help="Only this cluster: its members and their direct partners (name or IRI).")
@click.option("--around", metavar="FIRM", help="Only a firm's neighbourhood (name or IRI).")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Steps from the --around firm.")
@click.option("--with-ontology", is_flag=True, help="RDF formats: include the ontology's triples too.")
@as_of_option
@output_option
@pass_context
def export(obj: Context, path, cluster, around, depth, with_ontology, as_of, fmt):
    """Write the supply network or the facts of the graph to a file for other tools.

    GraphML, GEXF (time spells from the dated stages) and Neo4j CSV hold the supply network:
    firms, groups and cohorts with names, kinds, clusters, products, capacities, output values and
    the measures of the whole network (PageRank, betweenness, dominated weight, ESRI); supply links
    with products, kinds, the largest stated share, volumes, sources and quotes. Turtle, N-Triples
    and JSON-LD hold the facts (without the ontology unless --with-ontology). The format follows
    the extension; files are written atomically.

    Example: kg export -o out/supply.gexf --cluster Binzhou
    """
    if cluster and around:
        raise click.UsageError("give --cluster or --around, not both")
    kind = export_format(path)
    if kind == "rdf":
        if as_of is not None:
            raise click.UsageError("--as-of applies to the network formats (.graphml, .gexf, .csv)")
        size = {"triples": export_facts(obj.graph(), path, cluster=cluster, around=around, depth=depth,
                                        ontology=with_ontology)}
        written = [path]
    else:
        network = export_network(obj.graph(), cluster=cluster, around=around, depth=depth, as_of=as_of)
        written = write_network(network, path, kind)
        size = {"nodes": network.number_of_nodes(), "edges": network.number_of_edges()}
    emit([{"file": str(p), "format": kind, **size} for p in written], fmt)
