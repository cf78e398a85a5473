"""`kg load`, `kg remove` and `kg generate`: data into (and out of) a store or a server, synthetic data into a file."""

from __future__ import annotations

import sys

import click

from kg.cli.main import Context, emit, output_option, pass_context
from kg.ingest.load import load_into_store, load_remote, remove_from_store, remove_remote
from kg.rdf.bulk import PROGRESS_BYTES, PROGRESS_EVERY
from kg.synth.generate import progress_steps, write_graph


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="The store folder (or give the global --store).")
@click.option("--replace", is_flag=True,
              help="Files loaded before under the same name: replace what they said with what they say now.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (for trusted bulk data).")
@click.option("--lenient", is_flag=True,
              help="Trusted files: the parser skips checking IRIs and language tags (faster on large files; "
                   "a malformed IRI is stored as written).")
@output_option
@pass_context
def load(obj: Context, files, store_dir, replace, no_validate, lenient, fmt):
    """Parse, validate and add RDF files to a persistent store, all or nothing.

    Turtle, N-Triples, N-Quads, TriG, JSON-LD and RDF/XML are read by file
    extension. Nothing is added unless every file parses and the store's graph
    with the new files validates. The ontology is added to a new store.

    The store records each file by its name (binzhou.ttl), with its sha256;
    blank nodes become IRIs made from the file's bytes, so loading the same
    file again adds nothing ("already loaded"). A file of a name loaded before
    with other content is refused unless --replace: then what the old file said
    is removed and the new file added in one step, validated as a whole (a
    triple another loaded file also says stays). `kg info` lists the loaded
    files; `kg remove NAME` removes one.

    With the global --update-endpoint URL the files go to a SPARQL server
    instead, in one update request, each file also in a named graph of its own;
    there the files are validated with the ontology, not with what the server
    already holds (but --replace validates with the other loaded files). A
    redirect is never followed for it; with --endpoint URL too, the server's
    records are read first and what it holds is read back after the load (the
    verified column); --replace needs --endpoint.

    For a large file of trusted data, --no-validate --lenient is the fastest load.

    Example: kg load data/ --store ./kgstore
    """
    columns = ["store", "files", "triples_added", *(["triples_removed"] if replace else []), "ontology_added",
               "validated"]
    if obj.update_endpoint:
        if store_dir:
            raise click.UsageError("--store cannot be combined with --update-endpoint")
        if lenient:
            raise click.UsageError("--lenient is for a --store load: files sent to a server are parsed in full")
        report = load_remote(obj.update_endpoint, files, validate=not no_validate, endpoint=obj.endpoint,
                             allow_redirects=obj.allow_redirects, replace=replace)
        notes = [*report["notes"], *_changed(report)]
        if report["verified"] is None:
            notes.append("not verified: give --endpoint URL (the server's query URL) to read back what it holds")
        emit([report], fmt, [*columns, "verified"], notes=notes)
        return
    if obj.endpoint:
        raise click.UsageError("kg load writes to a SPARQL server through --update-endpoint URL")
    store_dir = store_dir or obj.store
    if not store_dir:
        raise click.UsageError("kg load needs a store: --store DIR")
    report = load_into_store(store_dir, files, validate=not no_validate, progress=_load_progress(), lenient=lenient,
                             replace=replace)
    emit([report], fmt, columns, notes=[*report["notes"], *_changed(report)])


@click.command()
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help="The store folder (or give the global --store).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation of what stays.")
@output_option
@pass_context
def remove(obj: Context, names, store_dir, no_validate, fmt):
    """Remove what loaded files said from a store, all or nothing.

    NAME is the name a file was loaded under (binzhou.ttl; a path is taken by
    its name: `kg info` lists them). Its triples go, but those another loaded
    file or the ontology also says; the shortcuts derived from them follow. What
    stays must validate, or nothing changes. With the global --update-endpoint
    and --endpoint URLs, the same on a SPARQL server, in one update request.

    Example: kg remove binzhou.ttl --store ./kgstore
    """
    columns = ["store", "removed", "triples_removed", "validated"]
    if obj.update_endpoint:
        if store_dir:
            raise click.UsageError("--store cannot be combined with --update-endpoint")
        if not obj.endpoint:
            raise click.UsageError("kg remove on a SPARQL server needs --endpoint URL (its query URL) beside "
                                   "--update-endpoint")
        report = remove_remote(obj.update_endpoint, names, endpoint=obj.endpoint, validate=not no_validate,
                               allow_redirects=obj.allow_redirects)
        columns.append("verified")
    else:
        if obj.endpoint:
            raise click.UsageError("kg remove writes to a SPARQL server through --update-endpoint URL")
        store_dir = store_dir or obj.store
        if not store_dir:
            raise click.UsageError("kg remove needs a store: --store DIR")
        report = remove_from_store(store_dir, names, validate=not no_validate)
    emit([{**report, "removed": ", ".join(report["removed"])}], fmt, columns, notes=report["notes"])


def _changed(report: dict) -> list[str]:
    """Notes on the files a load replaced."""
    return [f"replaced what {name} said before" for name in report["replaced"]]


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


@click.command()
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
