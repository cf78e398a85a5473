"""Copying a firm's neighbourhood out of a store into a small store."""

from __future__ import annotations

import pyoxigraph as ox

from kg.errors import ViewError
from kg.vocab.namespaces import PREFIXES, sparql_prologue

PARTNERS_QUERY = """
SELECT DISTINCT ?r ?n WHERE {
  { ?r ckg:supplier <{iri}> ; ckg:customer ?n } UNION { ?r ckg:customer <{iri}> ; ckg:supplier ?n }
}
"""


FOLLOW = ("ckg:inCluster", "ckg:product", "ckg:volume", "ckg:capacity", "ckg:outputValue", "ckg:inferenceRule",
          "ckg:lifecycleStage", "prov:wasDerivedFrom", "prov:hadPrimarySource")
"""The links :func:`links_store` follows from the firm, its relations and its partners
(two steps: a relation's evidence, then its article): what the projection reads about them.
Links to other firms (``ckg:suppliesTo``, ownership) are not followed."""


AGENT_FACTS = ("rdf:type", "skos:prefLabel", "skos:altLabel", "ckg:inCluster", "ckg:locatedIn", "ckg:headquarteredIn",
               "ckg:produces", "ckg:capacity", "ckg:outputValue", "ckg:memberCount", "ckg:memberOf",
               "ckg:subCohortOf", "ckg:overlapsWith")
"""What :func:`links_store` copies about the firm and its partners: the node attributes of
:func:`kg.network.project.supply_network` (a hub has thousands of partners)."""


LINKS_DEPTH = 2
"""Steps along :data:`FOLLOW` in :func:`links_store`: a relation's evidence, then its article."""


def term_of(name: str):
    prefix, local = name.split(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


class NotLocal(ViewError):
    """A neighbourhood is not worth reading alone (it holds a large part of the network) or
    cannot be (a blank node where a query must name a node)."""


LOCAL_SHARE = 0.25
"""A neighbourhood with more than this share of the supply relations (and more than
:data:`LOCAL_MIN` of them) is not read alone: copying it costs more than projecting the whole
network (two steps around a hub can hold half the relations). For the measurements, see
bench/RESULTS.md, view_around rows."""


LOCAL_MIN = 10_000
"""Below this many relations a neighbourhood is always read alone (no count of the whole needed)."""


_SKIP = "ckg:suppliesTo"
"""Not copied: shortcuts the loader derives from the relations (thousands on a hub), read by no view."""


_FOLLOW = ("ckg:inCluster", "ckg:locatedIn", "ckg:headquarteredIn", "ckg:produces", "ckg:product", "ckg:lifecycle",
           "ckg:volume", "ckg:capacity", "ckg:output", "ckg:outputValue", "ckg:investment", "ckg:inferenceRule",
           "ckg:lifecycleStage", "prov:wasDerivedFrom", "prov:hadPrimarySource")
"""From what is copied, the links followed to copy more: clusters, places, products, project
lifecycle events and their stages, quantities, rules, evidence and its article (what labels, tooltips and quotes show)."""


_LOOKUP_LIMIT = 4000
"""Up to this many firms a step of the walk looks up their relations; beyond, it joins them with
every relation by hashing, which is then faster. (The plain join of the three patterns is as fast
as the lookups for a few firms, then Oxigraph picks a much slower plan.) For the measurements,
see bench/RESULTS.md, view_around rows."""


_MAX_FOLLOW = 8
"""At most this many steps along :data:`_FOLLOW` (the ontology needs four: firm, park, quantity,
evidence, article)."""


def copy_neighbourhood(ox_store, seeds, follow, depth: int, *, only=None):
    """A small in-memory ``pyoxigraph.Store`` with every fact about ``seeds`` in ``ox_store``;
    ``only=(nodes, predicates)`` restricts the facts copied about those seeds to those
    predicates (prefixed names).

    With each fact come the blank nodes it points to (a quantity) and every fact about those;
    then, ``depth`` times, what the facts copied so far link to along ``follow`` (prefixed
    names, such as :data:`FOLLOW`), with every fact about it. Not copied: the
    ``ckg:suppliesTo`` shortcuts (thousands on a hub, read by no projection). The class
    hierarchy comes too: the projection reads kinds through ``rdfs:subClassOf*``.

    >>> import pyoxigraph as ox
    >>> ex = lambda x: ox.NamedNode("http://example.org/" + x)
    >>> big = ox.Store()
    >>> big.extend([ox.Quad(ex("a"), term_of("ckg:inCluster"), ex("c")),
    ...             ox.Quad(ex("c"), term_of("skos:prefLabel"), ox.Literal("C")),
    ...             ox.Quad(ex("b"), term_of("ckg:inCluster"), ex("a"))])
    >>> [len(copy_neighbourhood(big, {ex("a")}, ["ckg:inCluster"], depth)) for depth in (0, 1)]
    [1, 2]
    >>> len(copy_neighbourhood(big, {ex("a"), ex("b")}, [], 0, only=({ex("b")}, ["skos:prefLabel"])))
    1
    """
    default = ox.DefaultGraph()
    skip, follow = term_of(_SKIP), {term_of(p) for p in follow}
    small = ox.Store()
    small.extend(ox_store.quads_for_pattern(None, term_of("rdfs:subClassOf"), None, default))
    copied: set = set()

    def facts(nodes) -> list:
        """Every fact about ``nodes`` (but :data:`_SKIP`; of the ``only`` nodes, only the
        ``only`` predicates), then every fact about the blank nodes they point to."""
        quads = [q for n in nodes - restricted for q in ox_store.quads_for_pattern(n, None, None, default)
                 if q.predicate != skip]
        quads += [q for n in nodes & restricted for p in predicates for q in ox_store.quads_for_pattern(n, p, None, default)]
        blanks = {q.object for q in quads if isinstance(q.object, ox.BlankNode)} - copied
        copied.update(blanks)
        return quads + [q for n in blanks for q in ox_store.quads_for_pattern(n, None, None, default)]

    restricted, predicates = set(only[0]) if only else set(), [term_of(p) for p in only[1]] if only else []
    new = set(seeds)
    for _ in range(depth + 1):
        new -= copied
        if not new:
            break
        copied.update(new)
        quads = facts(new)
        small.extend(quads)
        new = {q.object for q in quads if q.predicate in follow and isinstance(q.object, ox.NamedNode)}
    return small


def links_store(ox_store, iri: str):
    """A small in-memory ``pyoxigraph.Store`` with ``iri``'s supply relations, its partners in
    them and what :func:`kg.network.project.supply_network` reads about those (:data:`FOLLOW`,
    :data:`LINKS_DEPTH` steps out): projected, the firm's links with every attribute the whole
    network gives them."""
    agents, relations = {ox.NamedNode(iri)}, set()
    for r, n in ox_store.query(sparql_prologue() + PARTNERS_QUERY.replace("{iri}", iri)):
        relations.add(r)
        agents.add(n)
    # of the firm and its partners only the node attributes: not their evidence, owners, ...
    return copy_neighbourhood(ox_store, relations | agents, FOLLOW, LINKS_DEPTH, only=(agents, AGENT_FACTS))


def neighbourhood_store(ox_store, firm: str, *, depth: int = 1, direction: str = "both", include=()):
    """A small in-memory ``pyoxigraph.Store`` with what a view around ``firm`` reads from ``ox_store``.

    The view drawn from it (:func:`~kg.services.view.build_view` with the same ``depth``, ``direction`` and
    ``include``, colour and size by kind) is the one the whole graph gives. It holds:

    - the supply relations among the firms within ``depth`` steps (found step by step, as
      :meth:`kg.render.view.builder.Builder.select_around` walks the network), every fact about those firms, about
      the firm's group and subsidiaries, the cooperations they (or their parks) are partners
      in, and, as ``include`` asks, the institutions of those cooperations and the projects
      they invest in;
    - what those facts lead to along :data:`_FOLLOW`: clusters, places and parks, products,
      quantities, rules, evidence and articles, with every fact about them;
    - for every other agent the view names (a project's investors, a group outside the
      neighbourhood) one of its supply relations, so that it is a node of the network
      there as it is in the whole one;
    - the class hierarchy (the projection reads kinds through ``rdfs:subClassOf*``).

    Queries on ``ox_store``: one per step and direction, then a bounded number (about a
    dozen), each for a batch of nodes (``VALUES``); then :func:`copy_neighbourhood` copies the
    facts, with the blank nodes they point to (a quantity) and the facts about those.

    Raises :class:`NotLocal` when the relations among the firms are more than
    :data:`LOCAL_SHARE` of all (the whole network is then cheaper to read), or when a blank
    node stands where a firm or relation should, or inside a blank node.

    >>> from kg.network.project import supply_network
    >>> from kg.rdf.graph import open_graph
    >>> from kg.rdf.local import oxigraph_store, wrap
    >>> graph = open_graph()  # the bundled clusters
    >>> small = neighbourhood_store(oxigraph_store(graph), "https://w3id.org/cluster-kg/id/weiqiao-group")
    >>> len(small) < len(graph) / 5
    True
    >>> sorted(supply_network(wrap(small)).successors("https://w3id.org/cluster-kg/id/weiqiao-group")) == sorted(
    ...     supply_network(graph).successors("https://w3id.org/cluster-kg/id/weiqiao-group"))
    True
    """
    prologue = sparql_prologue()
    nt = ox.RdfFormat.N_TRIPLES

    def values(var: str, nodes) -> str:
        if any(isinstance(n, ox.BlankNode) for n in nodes):  # SPARQL has no way to name one
            raise NotLocal(var)
        return f"VALUES {var} {{ {' '.join(sorted(map(str, nodes)))} }}"

    def column(text: str, store=ox_store) -> set:
        return {row[0] for row in store.query(prologue + text)}

    focus = ox.NamedNode(firm)
    keep = {focus}
    for step in ("up", "down"):  # as Builder.select_around: suppliers first, then customers
        if direction not in (step, "both"):
            continue
        near, far = ("customer", "supplier") if step == "up" else ("supplier", "customer")
        frontier = {focus}
        for _ in range(depth):
            if not frontier:
                break
            if len(frontier) <= _LOOKUP_LIMIT:  # lookups from the frontier's relations
                found = column(f"SELECT DISTINCT ?n WHERE {{ {{ SELECT ?r ?n WHERE {{ {values('?f', frontier)} "
                               f"?r ckg:{near} ?f . ?r ckg:{far} ?n }} }} FILTER EXISTS {{ ?r a ckg:SupplyRelation }} }}")
            else:  # a hash join with every relation's other end
                found = column(f"SELECT DISTINCT ?n WHERE {{ {{ SELECT ?r WHERE {{ {values('?f', frontier)} "
                               f"?r ckg:{near} ?f }} }} {{ SELECT ?r ?n WHERE {{ ?r ckg:{far} ?n }} }} "
                               "?r a ckg:SupplyRelation }")
            frontier = found - keep
            keep |= frontier
    # the relations among them (the edges the view draws; the projection checks their type)
    relations = column(f"SELECT DISTINCT ?r WHERE {{ {{ SELECT ?r WHERE {{ {values('?s', keep)} ?r ckg:supplier ?s }} }} "
                       f"{{ SELECT ?r WHERE {{ {values('?c', keep)} ?r ckg:customer ?c }} }} }}")
    if len(relations) > LOCAL_MIN:
        total = next(iter(ox_store.query(prologue + "SELECT (COUNT(*) AS ?n) WHERE { ?r a ckg:SupplyRelation }")))[0]
        if len(relations) > LOCAL_SHARE * int(total.value):
            raise NotLocal(f"{len(relations):,} of the {int(total.value):,} supply relations are in the neighbourhood")
    group = column(f"SELECT DISTINCT ?x WHERE {{ {{ {focus} ckg:parentOrganization ?x }} UNION {{ ?x ckg:subsidiary {focus} }} "
                   f"UNION {{ ?x ckg:parentOrganization {focus} }} UNION {{ {focus} ckg:subsidiary ?x }} }}")

    def objects(predicates: str, subjects) -> set:
        """The IRIs ``subjects`` link to by ``predicates``."""
        return column(f"SELECT DISTINCT ?o WHERE {{ {values('?s', subjects)} ?s ?p ?o "
                      f"FILTER(?p IN ({predicates}) && isIRI(?o)) }}")  # FILTER, not VALUES ?p: Oxigraph would join two VALUES first

    def cooperations(of) -> set:
        return column(f"SELECT DISTINCT ?c WHERE {{ {values('?x', of)} ?c ckg:partner ?x . ?c a ckg:Cooperation }}")

    seeds = keep | group | relations
    shown = keep | group | objects("ckg:locatedIn, ckg:headquarteredIn", keep | group)  # agents, their parks
    coops = cooperations(shown)
    seeds |= coops
    named = set(group)
    if "institutions" in include:  # the institutions among the partners are drawn, and their cooperations
        others = objects("ckg:partner", coops) - shown if coops else set()
        if others:
            seeds |= others | cooperations(others)
            shown |= others
            named |= others
    if "projects" in include:
        projects = column(f"SELECT DISTINCT ?p WHERE {{ {values('?x', shown)} ?p ckg:investor ?x . ?p a ckg:Project }}")
        if projects:
            investors = objects("ckg:investor", projects)
            seeds |= projects | investors
            named |= projects | investors
    small = copy_neighbourhood(ox_store, seeds, _FOLLOW, _MAX_FOLLOW)
    # agents the view names that are in no relation copied (the firm itself, if no step found a
    # partner): nodes of the network if they are in a supply relation, so one of those is copied
    named = ((named - keep) | {focus}) - column(
        f"SELECT DISTINCT ?x WHERE {{ {values('?x', (named - keep) | {focus})} "
        "{ ?r ckg:supplier ?x } UNION { ?r ckg:customer ?x } ?r a ckg:SupplyRelation ; ckg:supplier ?s ; ckg:customer ?c }",
        small)
    if named:
        sample = column(f"SELECT (SAMPLE(?r) AS ?one) WHERE {{ {values('?x', named)} {{ ?r ckg:supplier ?x }} UNION "
                        "{ ?r ckg:customer ?x } ?r a ckg:SupplyRelation ; ckg:supplier ?s ; ckg:customer ?c } GROUP BY ?x")
        if sample:
            small.load(ox_store.query(prologue + f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {values('?s', sample)} "
                                      "?s ?p ?o FILTER(?p IN (rdf:type, ckg:supplier, ckg:customer)) }")
                       .serialize(format=nt), format=nt, lenient=True)
    # a blank node inside a blank node was copied without what is said about it
    if small.query("ASK { ?b ?p ?c FILTER(isBlank(?b) && isBlank(?c)) }"):
        raise NotLocal("a blank node inside a blank node")
    return small
