"""The ``kg`` command line: the group, its global options and what every command shares.

Commands live in :mod:`kg.cli.commands` and are imported when used (:data:`COMMANDS`), so
``import kg.cli`` and ``kg --help`` load no analysis. They only parse options, call a
service and format what it returns. Library errors (:class:`kg.errors.KGError`) become
``Error: …`` and exit 1, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence

import click

from kg.errors import KGError, KGWarning
from kg.rdf.generations import store_failure
from kg.rdf.graph import open_graph
from kg.render.table import DEFAULT_WIDTH, FORMATS, hanging, render
from kg.utils.text import visible

COMMANDS = {
    "centrality": ("kg.cli.commands.supply.centrality",
        "The most central firms of the supply network, or of one cluster's network."),
    "customers": ("kg.cli.commands.supply.customers",
        "A firm's customers, tier by tier (tier 1 = direct), with the evidence of each link."),
    "depends": ("kg.cli.commands.risk.depends",
        "A firm's dependency card: whom it needs, who needs it, and how much hangs on it."),
    "export": ("kg.cli.commands.export.export",
        'Write the supply network or the facts of the graph to a file for other tools.'),
    "find": ("kg.cli.commands.graph.find",
        'Find entities by name or alias (English or Chinese), best match first.'),
    "gaps": ("kg.cli.commands.supply.gaps",
        'Value-chain stages of a cluster or place: what the sources state there, how much, from which quote, and who elsewhere makes the stages they are silent on.'),
    "generate": ("kg.cli.commands.load.generate",
        'Write a synthetic but realistic graph of N firms, for scale tests.'),
    "info": ("kg.cli.commands.graph.info",
        'Counts by class, supply links, sources, and whether the graph validates; on a store or a server, the files loaded into it (name, triples, sha256, when).'),
    "load": ("kg.cli.commands.load.load",
        'Parse, validate and add RDF files to a persistent store, all or nothing.'),
    "queries": ("kg.cli.commands.graph.queries",
        'List the canned queries that `kg query --name` runs.'),
    "query": ("kg.cli.commands.graph.query",
        'Run a SPARQL query (read-only; SERVICE, LOAD, FROM and updates are refused).'),
    "remove": ("kg.cli.commands.load.remove",
        'Remove what loaded files said from a store, all or nothing.'),
    "report": ("kg.cli.commands.risk.report",
        'Write the "who depends on whom" report of every cluster and print where.'),
    "risk": ("kg.cli.commands.risk.risk",
        'Firms ranked by systemic risk (ESRI, Diem et al. 2022), with the firms they dominate and their sole-supplier links.'),
    "suppliers": ("kg.cli.commands.supply.suppliers",
        "A firm's suppliers, tier by tier (tier 1 = direct), with the evidence of each link."),
    "validate": ("kg.cli.commands.graph.validate",
        'Check files (default: the bundled data) against the SHACL shapes.'),
    "view": ("kg.cli.commands.view.view",
        'Write an interactive HTML view of the supply network and print where.'),
    "whatif": ("kg.cli.commands.supply.whatif",
        'What happens if firms fail: who loses all supply, round by round, and who loses part.'),
}
"""Command name -> ("module.attribute" of its click command, the first paragraph of its help).

A command's module is imported when the command is used (click's LazyGroup), so ``import
kg.cli`` imports no command module, and ``kg --help`` lists the commands from the summaries
here without importing any (``tests/cli/test_docs.py`` checks they equal the commands' help)."""


class KGGroup(click.Group):
    """A click group whose commands are imported on first use (``lazy_subcommands``, name ->
    ("module.attribute", summary): see :data:`COMMANDS`) and that turns library errors into
    ``Error: …`` (exit 1)."""

    def __init__(self, *args, lazy_subcommands: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})

    def list_commands(self, ctx) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_subcommands])

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.lazy_subcommands:
            return super().get_command(ctx, cmd_name)
        path, _ = self.lazy_subcommands[cmd_name]
        module, name = path.rsplit(".", 1)
        command = getattr(importlib.import_module(module), name)
        if not isinstance(command, click.Command):
            raise TypeError(f"{path} is not a click command")
        return command

    def format_commands(self, ctx, formatter) -> None:
        """The command list of ``kg --help``, as click writes it, from the summaries in the
        table: listing the commands imports none of them."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.lazy_subcommands:
                command = click.Command(name, help=self.lazy_subcommands[name][1])
            else:
                command = super().get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx):
        with warnings.catch_warnings():
            warnings.simplefilter("default", KGWarning)  # each warning once
            warnings.showwarning = _show_warning(warnings.showwarning)
            try:
                return super().invoke(ctx)
            except (click.ClickException, click.exceptions.Exit, click.Abort):
                raise
            except KGError as e:
                raise click.ClickException(visible(str(e))) from None
            except Exception as e:  # noqa: BLE001 - a store's damage, or what a remote server answered
                failure = store_failure(e, ctx.obj.store if isinstance(ctx.obj, Context) else None)
                if failure is not None:  # damage shows when a query reads the block
                    raise click.ClickException(visible(str(failure))) from None
                raise _remote_failure(ctx, e) from None


def _show_warning(shown: Callable) -> Callable:
    """``warnings.showwarning`` that prints a :class:`~kg.errors.KGWarning` as ``Warning: …`` on
    stderr (a file of a data folder that was not read) and any other warning as Python does."""

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, KGWarning):
            say(f"Warning: {message}", err=True)
        else:
            shown(message, category, filename, lineno, file, line)

    return show


def _remote_failure(ctx, error: Exception) -> Exception:
    """An answer of a remote server that kg cannot use (valid JSON of the wrong shape) as one
    ``Error:`` naming the endpoint; any other exception stays what it is (a bug: a traceback)."""
    endpoint = ctx.obj.endpoint if isinstance(ctx.obj, Context) else None
    if not endpoint:
        return error
    return click.ClickException(visible(
        f"{endpoint}: kg cannot use what the server answered ({type(error).__name__}: {error}); "
        "is this the server's query endpoint?"))


class Context:
    """What every command shares: where the graph comes from, opened once on first use."""

    def __init__(self, data: Sequence[str], store: str | None, endpoint: str | None = None,
                 update_endpoint: str | None = None, allow_redirects: bool = False):
        self.data = list(data) or None
        self.store = store
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self.allow_redirects = allow_redirects
        self._graph = None

    def graph(self):
        if self._graph is None:
            if self.store and self.data:
                raise click.UsageError("--data and --store cannot be combined; add files to a store with `kg load`")
            if self.update_endpoint and not self.endpoint:
                raise click.UsageError("--update-endpoint only writes (kg load); give --endpoint URL to read from a SPARQL server")
            self._graph = open_graph(self.data, store=self.store, endpoint=self.endpoint)
            if self.endpoint:
                self._graph.store.allow_redirects = self.allow_redirects
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


def as_of_option(f: Callable) -> Callable:
    """The ``--as-of YEAR`` option of every analysis and view (:mod:`kg.network.time`)."""
    return click.option(
        "--as-of",
        "as_of",
        type=click.IntRange(1000, 9999),
        metavar="YEAR",
        help="The network as of the end of YEAR: agents first dated later, or closed by then, are left out; "
             "what no source dates is kept and counted as undated (a note says both).",
    )(f)


def output_width() -> int:
    """The width tables and cards fit: the terminal's when stdout is one, else ``$COLUMNS``
    (a whole number of at least 20), else :data:`~kg.render.table.DEFAULT_WIDTH` (120)."""
    if sys.stdout.isatty():
        try:
            return max(os.get_terminal_size(sys.stdout.fileno()).columns, 20)
        except OSError:
            pass
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) >= 20:
        return int(columns)
    return DEFAULT_WIDTH


def emit(rows: Iterable[dict], fmt: str, columns: Sequence[str] | None = None, *,
         notes: Iterable[str] = (), empty: str | None = None) -> None:
    """Write rows (dicts) in the chosen format to stdout, then the notes.

    A table fits :func:`output_width` (cells wrap, nothing is cut). ``notes`` are one-line
    remarks on the answer ("all values are equal", "coverage not stated"); ``empty`` is the
    note to give instead of an empty table. In the table format the notes follow the table on
    stdout (wrapped, as ``Note: …``) and an empty answer prints only its note; in csv, tsv and
    json stdout holds the rows only (json stays a list of rows, ``[]`` when empty) and the
    notes go to stderr.
    """
    rows = list(rows)
    notes = [n for n in notes if n]
    if not rows and empty:
        notes.insert(0, empty)
    if columns is None:
        columns = list(rows[0]) if rows else []
    width = output_width()
    if fmt == "table" and not rows and empty:
        echo_notes(notes, fmt, width)
        return
    say(render(rows, fmt, columns, width=width), nl=False)
    echo_notes(notes, fmt, width)


def say(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print what comes from the data, every control character made visible
    (:func:`kg.utils.text.visible`): labels and quotes cannot drive the terminal."""
    click.echo(visible(text), err=err, nl=nl)


def echo_notes(notes: Sequence[str], fmt: str, width: int | None = None) -> None:
    """Notes as ``Note: …`` lines: on stdout wrapped to the width after a table, on stderr
    (unwrapped) after csv, tsv or json."""
    if fmt != "table":
        for note in notes:
            say(f"Note: {note}", err=True)
        return
    width = width or output_width()
    for note in notes:
        say("\n".join(hanging(f"Note: {note}", width, rest="      ")))


# ---------------------------------------------------------------- the group


@click.group(cls=KGGroup, lazy_subcommands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option(
    "--allow-redirects",
    is_flag=True,
    help="Let queries to --endpoint follow a redirect to another host (by default only to the same "
         "scheme, host and port; an update never follows one).",
)
@click.version_option(package_name="cluster-kg")
@click.pass_context
def cli(ctx, data, store, endpoint, update_endpoint, allow_redirects):
    """cluster-kg: firms, parks, projects, products and supply links of industrial clusters.

    Example: kg find weiqiao
    """
    if (endpoint or update_endpoint) and (data or store):
        raise click.UsageError("--endpoint/--update-endpoint cannot be combined with --data or --store")
    ctx.obj = Context(data, store, endpoint, update_endpoint, allow_redirects)
