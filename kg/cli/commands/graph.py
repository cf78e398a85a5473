"""`kg info`, `kg find`, `kg validate`, `kg query` and `kg queries`: what the graph holds."""

from __future__ import annotations

import json
import sys

import click

from kg.cli.main import Context, emit, output_option, pass_context
from kg.errors import KGError, UnknownName
from kg.lookup.names import entity_labels, expand_iri
from kg.lookup.names import find as find_names
from kg.rdf.formats import default_data_paths, expand_paths
from kg.rdf.query import canned_queries, canned_query, param_term, plain, run_query
from kg.render.rows import INFO_COLUMNS, info_rows
from kg.services.info import graph_info, remote_graph_info
from kg.services.resolve import resolve_name
from kg.validation.shacl import validate_files
from kg.vocab.namespaces import compact


@click.command()
@output_option
@pass_context
def info(obj: Context, fmt):
    """Counts by class, supply links, sources, and whether the graph validates.

    Example: kg info
    """
    summary = (remote_graph_info if obj.endpoint else graph_info)(obj.graph())
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    emit(info_rows(summary), fmt, INFO_COLUMNS)


@click.command()
@click.argument("name")
@click.option("--limit", default=10, show_default=True, help="Most candidates to list.")
@output_option
@pass_context
def find(obj: Context, name, limit, fmt):
    """Find entities by name or alias (English or Chinese), best match first.

    Case, punctuation and suffixes such as "Co., Ltd." are ignored.

    Example: kg find "weiqiao venture group"
    """
    matches = find_names(obj.graph(), name, limit=limit)
    if not matches:
        raise UnknownName(name, [])
    labels = entity_labels(obj.graph(), [m.cluster for m in matches if m.cluster])
    rows = [
        {
            "rank": i,
            "name": m.label,
            "kind": m.kind,
            "cluster": labels.get(m.cluster, "") if m.cluster else "",
            "matched": m.matched,
            "score": m.score,
            "iri": m.iri,
        }
        for i, m in enumerate(matches, 1)
    ]
    emit(rows, fmt)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True))
@output_option
@pass_context
def validate(obj: Context, files, fmt):
    """Check files (default: the bundled data) against the SHACL shapes.

    Prints each violation with file, line, node, label and message; exits 1 if
    there is any violation.

    Example: kg validate data/sources.ttl data/binzhou.ttl
    """
    paths = expand_paths(files or obj.data or []) or default_data_paths()
    violations = validate_files(paths)
    errors = [v for v in violations if v.severity == "Violation"]
    if fmt == "table":
        for v in violations:
            where = f"{v.file}:{v.line}" if v.line else (v.file or "(graph)")
            label = f" ({v.label})" if v.label else ""
            click.echo(f"{where}: {v.severity.lower()}: {compact(v.focus)}{label}: {v.message}")
        click.echo(f"{len(paths)} file(s), {len(errors)} violation(s), {len(violations) - len(errors)} warning(s)")
    else:
        emit(
            [v.__dict__ for v in violations],
            fmt,
            ["file", "line", "severity", "focus", "label", "path", "value", "message", "shape"],
        )
    if errors:
        sys.exit(1)


@click.command()
@click.argument("text", required=False)
@click.option("-f", "--file", "query_file", type=click.File("r", encoding="utf-8"), help="Read the query from a file.")
@click.option("--name", "canned", help="Run a canned query (see `kg queries`).")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="VAR=VALUE",
    help="Bind a variable of the query; a name or alias is resolved to its entity (repeatable).",
)
@click.option("--limit", type=click.IntRange(min=0), help="Stop after this many rows.")
@output_option
@pass_context
def query(obj: Context, text, query_file, canned, params, limit, fmt):
    """Run a SPARQL query (read-only; SERVICE, LOAD, FROM and updates are refused).

    The prefixes ckg:, ckp:, ckr:, skos:, prov:, dcterms:, qudt:, unit:, rdfs:,
    owl:, xsd: are predeclared.

    Example: kg query "SELECT ?f WHERE { ?f a ckg:Firm }" --limit 5
    """
    given = [x for x in (text, query_file, canned) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a query argument, -f FILE, or --name NAME")
    if canned:
        text = canned_query(canned).text
    elif query_file:
        text = query_file.read()
    bindings = {}
    for p in params:
        var, sep, value = p.partition("=")
        if not sep or not var.strip():
            raise click.UsageError(f"--param {p!r}: expected VAR=VALUE")
        bindings[var.strip().lstrip("?$")] = _binding(obj, value)
    result = run_query(obj.graph(), text, limit=limit, bindings=bindings)
    emit([dict(zip(result.columns, map(plain, row))) for row in result.rows], fmt, result.columns)


def _binding(obj: Context, value: str):
    iri = expand_iri(value)
    if not iri:
        try:
            iri = resolve_name(value, graph=obj.graph()).iri
        except KGError:
            iri = None
    return param_term(value, iri)


@click.command()
@output_option
def queries(fmt):
    """List the canned queries that `kg query --name` runs.

    Example: kg queries
    """
    emit(
        [{"name": q.name, "params": ", ".join(q.params), "description": q.description} for q in canned_queries()],
        fmt,
        ["name", "params", "description"],
    )
