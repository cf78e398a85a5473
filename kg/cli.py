"""The ``kg`` command line. Commands call the library and only format what it returns.

Library errors (:class:`kg.errors.KGError`) become ``Error: …`` and exit 1, never a traceback.
Heavy libraries are imported inside commands so ``kg --help`` stays fast.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence

import click

from .errors import KGError

FORMATS = ("table", "csv", "tsv", "json")
TABLE_CELL_WIDTH = 70


class KGGroup(click.Group):
    """A click group that turns library errors into ``Error: …`` (exit 1)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KGError as e:
            raise click.ClickException(str(e)) from None


class Context:
    """What every command shares: where the graph comes from, opened once on first use."""

    def __init__(self, data: Sequence[str], store: str | None):
        self.data = list(data) or None
        self.store = store
        self._graph = None

    def graph(self):
        if self._graph is None:
            from .store import open_graph

            if self.store and self.data:
                raise click.UsageError("--data and --store cannot be combined; add files to a store with `kg load`")
            self._graph = open_graph(self.data, store=self.store)
        return self._graph

    def describe(self) -> str:
        """Where the data comes from, for headings."""
        if self.store:
            return f"store {self.store}"
        return "bundled data" if not self.data else ", ".join(self.data)


pass_context = click.make_pass_decorator(Context)


def output_option(f: Callable) -> Callable:
    """The ``--format`` option every command shares."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


# ------------------------------------------------------------------ output


def _cell(value, fmt: str):
    """A value as it should appear: compact IRIs in text formats, JSON-native values in json."""
    from rdflib import BNode, Literal, URIRef

    if value is None:
        return None if fmt == "json" else ""
    if isinstance(value, URIRef):
        return str(value) if fmt == "json" else compact(str(value))
    if isinstance(value, BNode):
        return f"_:{value}"
    if isinstance(value, Literal):
        py = value.toPython()
        if fmt == "json" and isinstance(py, (bool, int, float)):
            return py
        if fmt == "json" and hasattr(py, "is_integer"):  # Decimal
            return float(py)
        return str(value)
    if fmt != "json" and isinstance(value, float):
        return f"{value:.6g}"
    if fmt != "json" and isinstance(value, (list, tuple)):
        return "; ".join(str(_cell(v, fmt)) for v in value)
    return value


def compact(iri: str) -> str:
    """``ckr:weiqiao-group`` for a full IRI in a known namespace; the IRI otherwise.

    >>> compact("https://w3id.org/cluster-kg/id/weiqiao-group")
    'ckr:weiqiao-group'
    """
    from .ontology import PREFIXES

    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def emit(rows: Iterable[dict], fmt: str, columns: Sequence[str] | None = None) -> None:
    """Write rows (dicts) in the chosen format to stdout."""
    rows = list(rows)
    if columns is None:
        columns = list(rows[0]) if rows else []
    click.echo(render(rows, fmt, columns), nl=False)


def render(rows: list[dict], fmt: str, columns: Sequence[str]) -> str:
    """Rows as text in ``fmt`` (table, csv, tsv or json).

    >>> print(render([{"a": 1, "b": "x"}], "table", ["a", "b"]), end="")
    a  b
    -  -
    1  x
    """
    cells = [[_cell(r.get(c), fmt) for c in columns] for r in rows]
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in cells], ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return buf.getvalue()
    text = [[_shorten(str(c)) for c in row] for row in cells]
    widths = [max([_width(col)] + [_width(row[i]) for row in text]) for i, col in enumerate(columns)]
    lines = [_pad_row(columns, widths), _pad_row(["-" * w for w in widths], widths)]
    lines += [_pad_row(row, widths) for row in text]
    return "".join(line.rstrip() + "\n" for line in lines) if columns else "(no rows)\n"


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths))


def resolve(ctx_obj: Context, name: str, kinds: set[str] | None = None):
    """The entity a user's name means (a :class:`kg.names.Match`); errors list candidates."""
    from .names import resolve as resolve_name

    return resolve_name(ctx_obj.graph(), name, kinds=kinds)


FIRM_KINDS = {"firm", "group", "cohort"}


# ---------------------------------------------------------------- the group


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    multiple=True,
    type=click.Path(exists=True),
    help="RDF file or folder to use instead of the bundled data (repeatable). The ontology is always included.",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False),
    help="Persistent Oxigraph store (a folder) to read, or for `kg load` to write.",
)
@click.version_option(package_name="cluster-kg")
@click.pass_context
def cli(ctx, data, store):
    """cluster-kg: firms, parks, projects, products and supply links of industrial clusters.

    Example: kg find weiqiao
    """
    ctx.obj = Context(data, store)


# ---------------------------------------------------------------- foundation (issue 2)


@cli.command()
@output_option
@pass_context
def info(obj: Context, fmt):
    """Counts by class, supply links, sources, and whether the graph validates.

    Example: kg info
    """
    from .summary import graph_info

    summary = graph_info(obj.graph())
    if fmt == "json":
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    rows = [{"section": "class", "item": k, "value": v} for k, v in summary["classes"].items()]
    rows.append({"section": "links", "item": "supply relations", "value": summary["supply_relations"]})
    rows.append({"section": "links", "item": "suppliesTo shortcuts", "value": summary["supplies_to"]})
    rows.append({"section": "links", "item": "inferred supply relations", "value": summary["inferred_supply_relations"]})
    for s in summary["sources"]:
        rows.append({"section": "source", "item": s["identifier"], "value": s["title"]})
    rows.append({"section": "graph", "item": "triples", "value": summary["triples"]})
    v = summary["validation"]
    rows.append({"section": "graph", "item": "validates", "value": "yes" if v["conforms"] else f"no ({v['violations']} violations; run kg validate)"})
    emit(rows, fmt, ["section", "item", "value"])


@cli.command()
@click.argument("name")
@click.option("--limit", default=10, show_default=True, help="Most candidates to list.")
@output_option
@pass_context
def find(obj: Context, name, limit, fmt):
    """Find entities by name or alias (English or Chinese), best match first.

    Case, punctuation and suffixes such as "Co., Ltd." are ignored.

    Example: kg find "weiqiao venture group"
    """
    from .errors import UnknownName
    from .names import find as find_names

    matches = find_names(obj.graph(), name, limit=limit)
    if not matches:
        raise UnknownName(name, [])
    labels = _labels(obj.graph(), [m.cluster for m in matches if m.cluster])
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


def _labels(graph, iris: Iterable[str]) -> dict[str, str]:
    """English preferred labels of some IRIs (one query)."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    q = f'SELECT ?e ?l WHERE {{ VALUES ?e {{ {values} }} ?e skos:prefLabel ?l FILTER(lang(?l) = "en") }}'
    return {str(e): str(label) for e, label in graph.query(q)}


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True))
@output_option
@pass_context
def validate(obj: Context, files, fmt):
    """Check files (default: the bundled data) against the SHACL shapes.

    Prints each violation with file, line, node, label and message; exits 1 if
    there is any violation.

    Example: kg validate data/binzhou.ttl
    """
    from .store import default_data_paths, expand_paths
    from .validate import validate_files

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


@cli.command()
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
    from .query import canned_query, run_query

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
    emit([dict(zip(result.columns, row)) for row in result.rows], fmt, result.columns)


def _binding(obj: Context, value: str):
    from rdflib import Literal, URIRef

    from .names import expand_iri

    iri = expand_iri(value)
    if iri:
        return URIRef(iri)
    try:
        return URIRef(resolve(obj, value).iri)
    except KGError:
        return Literal(value)


@cli.command()
@output_option
def queries(fmt):
    """List the canned queries that `kg query --name` runs.

    Example: kg queries
    """
    from .query import canned_queries

    emit(
        [{"name": q.name, "params": ", ".join(q.params), "description": q.description} for q in canned_queries()],
        fmt,
        ["name", "params", "description"],
    )


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="The store folder (or give the global --store).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (for trusted bulk data).")
@output_option
@pass_context
def load(obj: Context, files, store_dir, no_validate, fmt):
    """Parse, validate and add RDF files to a persistent store, all or nothing.

    Turtle, N-Triples, N-Quads, TriG, JSON-LD and RDF/XML are read by file
    extension. Nothing is added unless every file parses and the store's graph
    with the new files validates. The ontology is added to a new store.

    Example: kg load data/ --store ./kgstore
    """
    from .store import load_into_store

    store_dir = store_dir or obj.store
    if not store_dir:
        raise click.UsageError("kg load needs a store: --store DIR")
    report = load_into_store(store_dir, files, validate=not no_validate)
    emit([report], fmt, ["store", "files", "triples_added", "ontology_added", "validated"])
