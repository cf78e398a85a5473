"""What the graph holds, for `kg find`, `kg validate` and `kg query`: names found, files
validated, user queries run with their parameters resolved."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kg.errors import KGError, UnknownName
from kg.lookup.names import Match, entity_labels, expand_iri
from kg.lookup.names import find as find_names
from kg.rdf.formats import default_data_paths, expand_paths
from kg.rdf.query import QueryResult, param_term, run_query
from kg.rdf.sandbox import Limits
from kg.services.resolve import resolve_name
from kg.validation.shacl import validate_files
from kg.validation.violations import Violation


def find_entities(graph, name: str, *, limit: int = 10) -> list[tuple[Match, str]]:
    """The entities ``name`` may mean, best first, each with the label of its cluster ("" if
    none). Raises :class:`~kg.errors.UnknownName` when nothing matches."""
    matches = find_names(graph, name, limit=limit)
    if not matches:
        raise UnknownName(name, [])
    labels = entity_labels(graph, [m.cluster for m in matches if m.cluster])
    return [(m, labels.get(m.cluster, "") if m.cluster else "") for m in matches]


def validate_paths(files: Iterable[str] = ()) -> tuple[list, list[Violation]]:
    """The RDF files of ``files`` (files or folders; the bundled data when empty) and their
    SHACL violations and warnings, validated together with the ontology."""
    paths = expand_paths(list(files)) or default_data_paths()
    return paths, validate_files(paths)


def binding(graph, value: str, var: str = "param"):
    """The term a ``--param`` value binds: an IRI or prefixed name as written (refused if it
    is not a valid IRI), else the entity the name means, else the text as a literal."""
    iri = expand_iri(value)
    if not iri:
        try:
            iri = resolve_name(value, graph=graph).iri
        except KGError:
            iri = None
    return param_term(value, iri, var)


def user_query(graph, text: str, *, params: Mapping[str, str] | None = None,
               limit: int | None = None, limits: Limits = Limits()) -> QueryResult:
    """Run a user's SPARQL query (checked: read-only, nothing fetched; run within ``limits``:
    :mod:`kg.rdf.sandbox`) with ``params`` (variable -> value as typed) bound, its rows turned
    into values to show (:func:`kg.rdf.values.plain`)."""
    bindings = {var: binding(graph, value, var) for var, value in (params or {}).items()}
    return run_query(graph, text, limit=limit, bindings=bindings, limits=limits, values=True)
