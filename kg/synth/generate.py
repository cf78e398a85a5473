"""Synthetic but realistic cluster graphs for scale tests (``kg generate``).

:func:`generate` streams a graph of ``n_firms`` firms in the ontology as N-Triples
or Turtle text; :func:`write_graph` writes it to a file atomically and returns
:class:`GenerateStats`. Nothing is held as an rdflib graph: the plan is a few
flat lists (one entry per firm and per link) and the text is written subject
by subject: 100,000 firms take about 15-25 s and 125 MB (a 700 MB N-Triples file).

What is generated, and by which rules (the tests check these):

- **Places.** One country; ``ceil(cities / 4)`` provinces; ``cities`` =
  ``n_firms // 1500`` clamped to 3..60; 2-5 counties per city (``ckg:partOf``);
  1-3 industrial parks or development zones per city, each ``ckg:locatedIn`` a
  county. One ``ckg:IndustrialCluster`` per city (``ckg:clusterRegion``); every
  park, firm, cohort and project is ``ckg:inCluster`` its city's cluster. Cities
  differ in size (Zipf weights: the first city is the largest cluster).
- **Firms.** Exactly ``n_firms``; firm ``i`` is an ``ckg:EnterpriseGroup`` when
  ``i % 25 == 0`` (so ``ceil(n_firms / 25)`` groups) and a ``ckg:Firm`` otherwise.
  The first firms take one value-chain stage each (upstream first), the others a
  stage drawn with :data:`~kg.synth.params.STAGE_WEIGHTS`. A firm ``ckg:produces`` 1-2 leaf
  products of its stage from ``kg/vocab/ontology/products.ttl``, is ``ckg:locatedIn`` a
  park or a county, has an English ``skos:prefLabel`` (unique), sometimes a
  Chinese one and a ``skos:altLabel``, sometimes a ``ckg:capacity``. About 15% of
  firms have a ``ckg:parentOrganization`` (an earlier group); about 10% of
  processing firms are ``ckg:memberOf`` their city's cohort.
- **Supply.** A firm whose products have feedstocks (``ckg:feedstockFor`` /
  ``ckg:essentialFeedstockFor`` in products.ttl, inherited along
  ``skos:broader``) gets 1-8 distinct suppliers among the earlier firms that make
  a feedstock: first one per essential feedstock, then from all feedstocks.
  A supplier is drawn with probability proportional to its out-degree in that
  product plus one (the "repeated list" trick: O(1) a draw), and firms join as
  the graph grows, so the earliest upstream firms feed many, as Weiqiao does.
  Energy, mining and supporting-goods firms have no suppliers. Some
  customer-product groups carry ``ckg:share`` values summing to at most 1; some
  relations carry a ``ckg:volume``. Each city's cohort gets one supply relation.
  About 4.4 relations per firm on average, as in MEASURED.md.
- **Projects.** ``ceil(n_firms / 20)``, each with an investor, place, status,
  year, product, capacity (where the product has a per-year unit) and investment
  in ``unit:CCY_CNY``.
- **Provenance.** Every fact node and quantity ``prov:wasDerivedFrom`` a
  ``ckg:Evidence`` with a synthetic quote, whose ``prov:hadPrimarySource`` is a
  ``ckg:Article`` titled ``"Synthetic article …"``. The node ``ckr:syn-graph``
  carries a ``ckg:note`` saying the graph is generated; every IRI starts with
  ``ckr:syn-``. ``ckg:suppliesTo`` and ``ckg:subsidiary`` are never written.

Decimals are written as ``"250000.0"`` and ``"0.35"`` (the curated data's form,
what rdflib writes back); Oxigraph stores ``"250000"`` internally, and a
graph read through :func:`kg.rdf.graph.open_graph` and written by rdflib gives the same triples.

>>> text = "".join(generate(20, seed=1))
>>> text.startswith("# Synthetic cluster-kg graph: 20 firms, seed 1.")
True
>>> text == "".join(generate(20, seed=1))
True
>>> "<https://w3id.org/cluster-kg/ontology#suppliesTo>" in text
False
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import GenerateError
from kg.synth.write import prepare_output, write_chunks
from kg.utils.files import atomic_file


@dataclass(frozen=True)
class GenerateStats:
    """What a generated graph holds."""

    firms: int
    """Firms, enterprise groups included."""
    groups: int
    cohorts: int
    projects: int
    links: int
    """``ckg:SupplyRelation`` nodes (firm customers and cohort customers)."""
    triples: int


def progress_steps(n_firms: int) -> int:
    """How many steps :func:`write_graph` reports to its ``progress`` callback in all.

    >>> progress_steps(1000)
    2000
    """
    return 2 * n_firms


def format_for(path: str | os.PathLike) -> str:
    """``"nt"`` or ``"ttl"`` for a file name, by its extension.

    >>> format_for("big.nt"), format_for("small.ttl")
    ('nt', 'ttl')
    """
    suffix = Path(path).suffix.lower()
    if suffix in (".nt", ".ntriples"):
        return "nt"
    if suffix in (".ttl", ".turtle"):
        return "ttl"
    raise GenerateError(f"{path}: cannot write {suffix or 'a file without extension'!r}; use .nt (N-Triples) or .ttl (Turtle)")


def generate(n_firms: int, *, seed: int = 0, fmt: str = "nt", preferential: bool = True) -> Iterator[str]:
    """The synthetic graph of ``n_firms`` firms as text, one subject's triples at a time.

    ``fmt`` is ``"nt"`` (N-Triples) or ``"ttl"`` (Turtle with prefixes); both hold the
    same triples for the same ``seed``. ``preferential=False`` draws suppliers
    uniformly among the candidates instead (a null model for comparisons).
    Raises :class:`GenerateError` for fewer than :data:`~kg.synth.params.MIN_FIRMS` firms.

    >>> chunks = list(generate(11, fmt="ttl"))
    >>> chunks[0].splitlines()[2]
    '@prefix ckg: <https://w3id.org/cluster-kg/ontology#> .'
    >>> next(generate(5))
    Traceback (most recent call last):
    ...
    kg.errors.GenerateError: need at least 11 firms (one per value-chain stage), not 5
    """
    plan = prepare_output(n_firms, seed, fmt, preferential, None)
    for text, _ in write_chunks(plan, fmt, None):
        yield text


def write_to(
    file,
    n_firms: int,
    *,
    seed: int = 0,
    fmt: str = "nt",
    preferential: bool = True,
    progress: Callable[[int], None] | None = None,
) -> GenerateStats:
    """Write the graph to a binary file object (UTF-8), in pieces of about 1 MB.

    ``progress``, if given, is called with a number of steps as work is done; the
    steps add up to :func:`progress_steps` ``(n_firms)``.
    """
    plan = prepare_output(n_firms, seed, fmt, preferential, progress)
    triples = 0
    buffer: list[str] = []
    size = 0
    for text, count in write_chunks(plan, fmt, progress):
        triples += count
        buffer.append(text)
        size += len(text)
        if size > 1 << 20:
            file.write("".join(buffer).encode("utf-8"))
            buffer, size = [], 0
    file.write("".join(buffer).encode("utf-8"))
    return GenerateStats(
        firms=plan.n,
        groups=plan.groups,
        cohorts=len(plan.cities),
        projects=plan.projects,
        links=plan.links,
        triples=triples,
    )


def write_graph(
    path: str | os.PathLike,
    n_firms: int,
    *,
    seed: int = 0,
    fmt: str | None = None,
    preferential: bool = True,
    progress: Callable[[int], None] | None = None,
) -> GenerateStats:
    """Write the graph to ``path`` atomically: into a temporary file beside it, then a rename.

    ``fmt`` defaults to the extension (:func:`format_for`). A failed write leaves any
    earlier file at ``path`` intact.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     stats = write_graph(pathlib.Path(d) / "g.nt", 50, seed=3)
    >>> stats.firms, stats.groups, stats.cohorts, stats.projects
    (50, 2, 3, 3)
    """
    path = Path(path)
    fmt = fmt or format_for(path)

    with atomic_file(path, "wb") as f:
        stats = write_to(f, n_firms, seed=seed, fmt=fmt, preferential=preferential, progress=progress)
    return stats
