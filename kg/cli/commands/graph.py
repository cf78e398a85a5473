"""`kg info`, `kg find`, `kg validate`, `kg query` and `kg queries`: what the graph holds."""

from __future__ import annotations

import json
import sys

import click

from kg.cli.main import Context, emit, output_option, pass_context, say
from kg.rdf.query import canned_queries, canned_query
from kg.rdf.sandbox import DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Limits
from kg.render.rows import INFO_COLUMNS, VIOLATION_COLUMNS, find_rows, info_rows, violation_lines
from kg.services.graph import find_entities, user_query, validate_paths
from kg.services.info import files_info, graph_info, remote_graph_info


@click.command()
@output_option
@pass_context
def info(obj: Context, fmt):
    """Counts by class, supply links, sources, and whether the graph validates; on a store or a
    server, the files loaded into it (name, triples, sha256, when).

    Example: kg info
    """
    summary = (remote_graph_info if obj.endpoint else graph_info)(obj.graph())
    if obj.store or obj.endpoint:  # what was loaded, file by file (`kg load`, `kg remove`)
        summary["files"] = files_info(store=obj.store) if obj.store else files_info(graph=obj.graph())
    if fmt == "json":
        say(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    emit(info_rows(summary), fmt, INFO_COLUMNS)


@click.command()
@click.argument("name")
@click.option("--limit", default=10, show_default=True, help="Most candidates to list.")
@output_option
@pass_context
def find(obj: Context, name, limit, fmt):
    """Find entities by name or alias (English or Chinese), best match first.

    Case, punctuation and suffixes such as "Co., Ltd." are ignored; hidden labels (names the
    articles do not print, such as "Sunac" or "USTB") count like any label, and the via column
    says which kind of label matched; a place or "group" word alone never makes a match.

    Example: kg find "weiqiao venture group"
    """
    emit(find_rows(find_entities(obj.graph(), name, limit=limit)), fmt)


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
    paths, violations = validate_paths(files or obj.data or [])
    if fmt == "table":
        say(violation_lines(paths, violations), nl=False)
    else:
        emit([v.__dict__ for v in violations], fmt, VIOLATION_COLUMNS)
    if any(v.severity == "Violation" for v in violations):
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
@click.option("--limit", type=click.IntRange(min=0), help="Stop after this many rows (or triples).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop the query after this many seconds.")
@click.option("--max-rows", type=click.IntRange(min=0), default=DEFAULT_MAX_ROWS, show_default=True,
              help="Most rows an answer may have without --limit; more is an error.")
@click.option("--max-memory", type=click.IntRange(min=16), default=DEFAULT_MAX_MEMORY_MB, show_default=True,
              metavar="MB", help="Most memory the query may take, in megabytes.")
@output_option
@pass_context
def query(obj: Context, text, query_file, canned, params, limit, timeout, max_rows, max_memory, fmt):
    """Run a SPARQL query (read-only; SERVICE, LOAD, FROM and updates are refused).

    The prefixes ckg:, ckp:, ckr:, skos:, prov:, dcterms:, qudt:, unit:, rdfs:,
    owl:, xsd: are predeclared. The query runs in a process of its own, without
    network, that is stopped at --timeout, at --max-memory or by Ctrl-C.

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
        bindings[var.strip().lstrip("?$")] = value
    limits = Limits(timeout=timeout, max_rows=max_rows, max_memory_mb=max_memory)
    result = user_query(obj.graph(), text, params=bindings, limit=limit, limits=limits)
    emit([dict(zip(result.columns, row)) for row in result.rows], fmt, result.columns)


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
