"""The ``kg`` command line. Commands call the library and only format what it returns.

Library errors (:class:`kg.errors.KGError`) become ``Error: …`` and exit 1, never a traceback.
Heavy libraries are imported inside commands so ``kg --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
import click

from kg.errors import KGError, UnknownName
from kg.ingest.load import load_into_store, load_remote
from kg.lookup.names import entity_labels, expand_iri
from kg.network.model import node_label
from kg.network.project import supply_network
from kg.rdf.bulk import PROGRESS_BYTES, PROGRESS_EVERY
from kg.rdf.formats import default_data_paths, expand_paths
from kg.rdf.graph import open_graph
from kg.rdf.query import canned_queries, canned_query, run_query
from kg.render.report import report_format, write_report
from kg.render.rows import CARD_COLUMNS, TIER_COLUMNS, capacity_text, card_rows, firms_text, tier_rows
from kg.render.table import FORMATS, Iri, render
from kg.render.view.model import INCLUDE_KINDS
from kg.render.view.page import write_view
from kg.services.info import graph_info, remote_graph_info
from kg.services.card import graph_card, indexed_card
from kg.services.ranking import rank_firms
from kg.services.report import build_report
from kg.services.resolve import FIRM_KINDS, exact_iri, resolve, store_index
from kg.services.view import AROUND_KINDS, build_view
from kg.synth.generate import progress_steps, write_graph
from kg.validation.shacl import validate_files
from kg.vocab.namespaces import compact


class KGGroup(click.Group):
    """A click group that turns library errors into ``Error: …`` (exit 1)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KGError as e:
            raise click.ClickException(str(e)) from None


class Context:
    """What every command shares: where the graph comes from, opened once on first use."""

    def __init__(self, data: Sequence[str], store: str | None, endpoint: str | None = None,
                 update_endpoint: str | None = None):
        self.data = list(data) or None
        self.store = store
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self._graph = None

    def graph(self):
        if self._graph is None:

            if self.store and self.data:
                raise click.UsageError("--data and --store cannot be combined; add files to a store with `kg load`")
            if self.update_endpoint and not self.endpoint:
                raise click.UsageError("--update-endpoint only writes (kg load); give --endpoint URL to read from a SPARQL server")
            self._graph = open_graph(self.data, store=self.store, endpoint=self.endpoint)
        return self._graph

    def use_graph(self, graph) -> None:
        """Read ``graph`` from now on (the store at the generation its analysis index belongs to)."""
        self._graph = graph

    def describe(self) -> str:
        """Where the data comes from, for headings."""
        if self.endpoint:
            return f"endpoint {self.endpoint}"
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


def emit(rows: Iterable[dict], fmt: str, columns: Sequence[str] | None = None) -> None:
    """Write rows (dicts) in the chosen format to stdout."""
    rows = list(rows)
    if columns is None:
        columns = list(rows[0]) if rows else []
    click.echo(render(rows, fmt, columns), nl=False)


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
@click.option(
    "--endpoint",
    metavar="URL",
    help="Query URL of a SPARQL 1.1 server (Oxigraph, Fuseki, GraphDB, Virtuoso, QLever) to read instead.",
)
@click.option(
    "--update-endpoint",
    metavar="URL",
    help="Update URL of a SPARQL 1.1 server for `kg load` to write.",
)
@click.version_option(package_name="cluster-kg")
@click.pass_context
def cli(ctx, data, store, endpoint, update_endpoint):
    """cluster-kg: firms, parks, projects, products and supply links of industrial clusters.

    Example: kg find weiqiao
    """
    if (endpoint or update_endpoint) and (data or store):
        raise click.UsageError("--endpoint/--update-endpoint cannot be combined with --data or --store")
    ctx.obj = Context(data, store, endpoint, update_endpoint)


# ---------------------------------------------------------------- foundation (issue 2)


@cli.command()
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
    from kg.lookup.names import find as find_names

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


@cli.command()
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


    iri = expand_iri(value)
    if iri:
        return URIRef(iri)
    try:
        return URIRef(resolve(obj.graph(), value).iri)
    except KGError:
        return Literal(value)


@cli.command()
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


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="The store folder (or give the global --store).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (for trusted bulk data).")
@click.option("--lenient", is_flag=True,
              help="Trusted files: the parser skips checking IRIs and language tags (faster on large files; "
                   "a malformed IRI is stored as written).")
@output_option
@pass_context
def load(obj: Context, files, store_dir, no_validate, lenient, fmt):
    """Parse, validate and add RDF files to a persistent store, all or nothing.

    Turtle, N-Triples, N-Quads, TriG, JSON-LD and RDF/XML are read by file
    extension. Nothing is added unless every file parses and the store's graph
    with the new files validates. The ontology is added to a new store.

    With the global --update-endpoint URL the files go to a SPARQL server
    instead, in one update request; there the files are validated with the
    ontology, not with what the server already holds.

    For a large file of trusted data, --no-validate --lenient is the fastest load.

    Example: kg load data/ --store ./kgstore
    """

    if obj.update_endpoint:

        if store_dir:
            raise click.UsageError("--store cannot be combined with --update-endpoint")
        if lenient:
            raise click.UsageError("--lenient is for a --store load: files sent to a server are parsed in full")
        report = load_remote(obj.update_endpoint, files, validate=not no_validate, endpoint=obj.endpoint)
        emit([report], fmt, ["store", "files", "triples_added", "ontology_added", "validated"])
        return
    if obj.endpoint:
        raise click.UsageError("kg load writes to a SPARQL server through --update-endpoint URL")
    store_dir = store_dir or obj.store
    if not store_dir:
        raise click.UsageError("kg load needs a store: --store DIR")
    report = load_into_store(store_dir, files, validate=not no_validate, progress=_load_progress(), lenient=lenient)
    emit([report], fmt, ["store", "files", "triples_added", "ontology_added", "validated"])


def _load_progress():
    """Progress of a load on stderr, per file: statements read and statements/s (bytes
    and MB/s for Turtle and RDF/XML, whose statements only Oxigraph's parser sees), with
    the share of the file read. One updating line on a terminal; in a log, a line every
    million statements (every 100 MB) and one for each large file when it is done."""

    tty = sys.stderr.isatty()
    logged: dict[str, int] = {}

    def report(p) -> None:
        seconds = max(p.seconds, 1e-9)
        if p.triples is not None:
            line = f"loading {p.file}: {p.triples:,} triples, {p.triples / seconds:,.0f} triples/s"
            amount, every, large = p.triples, 1_000_000, PROGRESS_EVERY
        else:
            read = p.bytes_read or 0
            line = f"loading {p.file}: {read / 1e6:,.0f} MB, {read / 1e6 / seconds:,.1f} MB/s"
            amount, every, large = read, 100_000_000, PROGRESS_BYTES
        if p.bytes_read is not None and p.size and not p.done:
            line += f" ({100 * p.bytes_read / p.size:.0f}% of {p.size / 1e6:,.0f} MB)"
        if tty:
            click.echo(f"\r{line}\033[K", err=True, nl=p.done)
        elif p.done:
            if amount >= large:
                click.echo(line, err=True)
        elif amount // every > logged.get(p.file, 0):
            logged[p.file] = amount // every
            click.echo(line, err=True)

    return report


@cli.command()
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
    from kg.analysis.tiers import suppliers as upstream

    result = upstream(obj.graph(), resolve(obj.graph(), firm, FIRM_KINDS).iri, depth=depth)
    emit(tier_rows(result), fmt, TIER_COLUMNS)


@cli.command()
@click.argument("firm")
@click.option("--depth", type=click.IntRange(min=1), help="Stop after this many tiers (default: all).")
@output_option
@pass_context
def customers(obj: Context, firm, depth, fmt):
    """A firm's customers, tier by tier (tier 1 = direct), with the evidence of each link.

    Example: kg customers "Weiqiao Venture Group" --depth 1
    """
    from kg.analysis.tiers import customers as downstream

    result = downstream(obj.graph(), resolve(obj.graph(), firm, FIRM_KINDS).iri, depth=depth)
    emit(tier_rows(result), fmt, TIER_COLUMNS)


@cli.command()
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
    from kg.analysis.centrality import centrality as rank

    result = rank(obj.graph(), measure=measure, top=top, cluster=cluster)
    rows = [
        {"rank": r.rank, "name": r.label, "kind": r.kind, measure: r.value, "suppliers": r.in_degree,
         "customers": r.out_degree, "method": result.method, "iri": Iri(r.iri)}
        for r in result.rows
    ]
    emit(rows, fmt, ["rank", "name", "kind", measure, "suppliers", "customers", "method", "iri"])


@cli.command()
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
    from kg.analysis.whatif import whatif as cascade

    graph = obj.graph()
    iris = [resolve(obj.graph(), f, FIRM_KINDS).iri for f in firms]
    G = supply_network(graph)
    result = cascade(G, iris)
    rows = []

    def row(rnd, iri, effect, lost, capacity):
        rows.append({"round": rnd, "name": G.nodes[iri]["label"], "kind": G.nodes[iri]["kind"], "effect": effect,
                     "supply lost": lost, "capacity": capacity, "firms": firms_text(G, iri), "iri": Iri(iri)})

    def by_label(iris):
        return sorted(iris, key=lambda iri: (G.nodes[iri]["label"].casefold(), iri))

    for iri in by_label(result.removed):
        row(0, iri, "removed", "", capacity_text(G.nodes[iri]["capacity"]))
    for i, rnd in enumerate(result.rounds, start=1):
        for iri in by_label(rnd):
            row(i, iri, "cut off", "all", capacity_text(G.nodes[iri]["capacity"]))
    for iri in by_label(result.closed_loops):
        row("loop", iri, "cut off", "all", capacity_text(G.nodes[iri]["capacity"]))
    for hit in sorted(result.partial, key=lambda h: (h.label.casefold(), h.iri)):
        basis = "stated shares" if hit.basis == "share" else f"{len(hit.lost)} of {hit.suppliers} suppliers"
        row("", hit.iri, "partial", f"{hit.lost_fraction:.0%} ({basis})", capacity_text(G.nodes[hit.iri]["capacity"]))
    unknown = len(result.capacity_unknown)
    capacity = capacity_text(result.lost_capacity)
    if unknown and result.lost_capacity is not None:
        capacity += f" + {unknown} unknown"
    firms_total = str(result.lost_weight)
    if result.unsized_cohorts:
        n = len(result.unsized_cohorts)
        firms_total += f"+ ({n} cohort{'s' if n > 1 else ''} of unknown size counted as 1)"
    rows.append({"round": "", "name": "total lost", "kind": "", "effect": "", "supply lost": "",
                 "capacity": capacity, "firms": firms_total, "iri": ""})
    emit(rows, fmt, ["round", "name", "kind", "effect", "supply lost", "capacity", "firms", "iri"])


@cli.command()
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
    from kg.analysis.gaps import gaps as coverage

    result = coverage(obj.graph(), cluster)
    rows = []
    for s in result.stages:
        status = "covered" if s.covered else "missing"
        if s.order is None or s.order < 1:
            status += " (supporting)"
        rows.append({
            "order": s.order if s.order is not None else "",
            "stage": s.label,
            "status": status,
            "firms": "; ".join(s.firm_labels),
            "products": "; ".join(s.product_labels),
            "candidates elsewhere": "; ".join(c.label for c in s.candidates),
        })
    emit(rows, fmt, ["order", "stage", "status", "firms", "products", "candidates elsewhere"])


@cli.command()
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
    G, tree, sole, exact = ranking.network, ranking.tree, ranking.sole, ranking.exact
    rows = [
        {
            "rank": r.rank,
            "name": r.label,
            "kind": r.kind,
            "esri": round(r.esri, 6),
            "own": round(r.own, 6),
            "dominates": "; ".join(node_label(G, d) for d in tree.dominated(r.firm)),
            "dominated weight": tree.weight.get(r.firm, 0),
            "sole supplier of": "; ".join(sole.get(r.firm, [])),
            "hit": len(r.affected),
            "method": "exact" if exact else "pruned",
            "iri": Iri(r.firm),
        }
        for r in ranking.results
    ]
    emit(rows, fmt, ["rank", "name", "kind", "esri", "own", "dominates", "dominated weight", "sole supplier of",
                     "hit", "method", "iri"])


@cli.command()
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


@cli.command()
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


# --- interactive views (issue 4) ---


def _include_kinds(ctx, param, value: str) -> tuple[str, ...]:

    kinds = tuple(dict.fromkeys(k.strip().lower() for k in (value or "").split(",") if k.strip()))
    bad = [k for k in kinds if k not in INCLUDE_KINDS]
    if bad:
        raise click.BadParameter(f"{', '.join(bad)} is not one of {', '.join(INCLUDE_KINDS)}")
    return kinds


@cli.command()
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
@output_option
@pass_context
def view(obj: Context, path, open_page, cluster, around, depth, direction, include, color_by, size_by, aggregate, fmt):
    """Write an interactive HTML view of the supply network and print where.

    The page works offline (vis-network is inline), shows every text from the
    data as text, and has a search box, filters by kind and cluster, a legend
    and tooltips with the source quotes; clicking a firm highlights its
    suppliers and customers. Up to 1,500 nodes are laid out by physics, larger
    views get positions grouped by cluster. A view --around a firm (coloured and
    sized by kind) reads only the firm's neighbourhood. The heading cites the
    source articles of the supply links the view draws.

    Example: kg view --cluster Binzhou -o out/binzhou.html --open
    """

    if around is not None and obj.store and not obj.endpoint and not obj.data:
        indexed = store_index(obj.store)
        if indexed is not None:  # an exact name is looked up there, not among every name in the store
            index, graph = indexed
            obj.use_graph(graph)  # read the generation the index belongs to
            around = exact_iri(index, around, AROUND_KINDS)
    result = build_view(
        obj.graph(), cluster=cluster, around=around, depth=depth, direction=direction, include=include,
        color_by=color_by, size_by=size_by, aggregate=aggregate, data_note=f"Data: {obj.describe()}",
    )
    written = write_view(result, path)
    if open_page:
        import webbrowser

        webbrowser.open(written.resolve().as_uri())
    emit([{"file": str(written), "title": result.title, "nodes": len(result.nodes), "edges": len(result.edges),
           "physics": result.physics}], fmt, ["file", "title", "nodes", "edges", "physics"])


# --- synthetic data (issue 5) ---


@cli.command()
@click.option("--firms", "n_firms", type=int, required=True, help="Number of firms, enterprise groups included (at least 11).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: the same seed writes the same file.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    required=True,
    help="File to write, format by extension: .nt (N-Triples, fastest for large graphs) or .ttl (Turtle).",
)
@output_option
def generate(n_firms, seed, output, fmt):
    """Write a synthetic but realistic graph of N firms, for scale tests.

    Regions, parks and one cluster per city; firms over the value-chain stages
    making products of the product scheme; enterprise groups with subsidiaries;
    cohorts; projects; supply relations drawn with preferential attachment, so a
    few upstream firms feed many; evidence on every fact. It validates under the
    SHACL shapes. Every IRI starts with ckr:syn- and every article title with
    "Synthetic article". The same seed writes the same file. Shows progress on
    stderr from 10,000 firms on.

    Example: kg generate --firms 1000 -o synthetic.nt
    """

    if n_firms >= 10_000:
        with click.progressbar(length=progress_steps(n_firms), label="Generating", file=sys.stderr) as bar:
            stats = write_graph(output, n_firms, seed=seed, progress=bar.update)
    else:
        stats = write_graph(output, n_firms, seed=seed)
    row = {"file": output, "firms": stats.firms, "links": stats.links, "triples": stats.triples}
    emit([row], fmt, ["file", "firms", "links", "triples"])
