"""Interactive HTML views of the supply network (vis-network inline, offline).

:func:`kg.services.view.build_view` selects what to show from the graph (a cluster, a
place, one firm's neighbourhood, optional extra node kinds), colours and sizes it, and lays
it out; :func:`~kg.render.view.page.render_html` turns the
:class:`~kg.render.view.model.View` into one self-contained HTML page;
:func:`~kg.render.view.page.write_view` writes that page atomically.

The page uses vis-network 9.1.2 as bundled in the pyvis package. We take only pyvis's
bundled assets: its ``Network.add_node``/``add_edge`` scan lists (slow at 10k nodes) and
its templates load Bootstrap from a CDN, so the node and edge lists are built here and the
page comes from ``kg/render/view/templates/view.html``. Every text from the data reaches
the page as JSON inside a ``<script type="application/json">`` block (with ``<``, ``>``
and ``&`` escaped) and is shown through ``textContent`` or canvas labels, never parsed as
HTML.

Large views (no physics, above :data:`~kg.render.view.model.PHYSICS_LIMIT` nodes) are made
to open fast: the page draws the edges itself (vis-network's per-edge objects cost seconds
at 50k edges, see ``View.edge_layer`` and ``kg/render/view/templates/view.js``), the
tooltips sit in a block of their own that is read on first use, and edges travel as
columns of numbers.

>>> from kg.render.view.build import view_from_network
>>> from kg.render.view.page import render_html
>>> import networkx as nx
>>> net = nx.DiGraph()
>>> net.add_node("ex:a", kind="firm", label="Alpha <b>", clusters=[], cluster_labels=[])
>>> net.add_node("ex:b", kind="firm", label="Beta", clusters=[], cluster_labels=[])
>>> net.add_edge("ex:a", "ex:b", products=["ex:ingot"],
...              relations=[{"product": "ex:ingot", "product_label": "ingot"}])
>>> view = view_from_network(net)
>>> [(n["id"], n["label"]) for n in view.nodes]
[(0, 'Alpha <b>'), (1, 'Beta')]
>>> [(e["from"], e["to"], e["label"]) for e in view.edges]
[(0, 1, 'ingot')]
>>> html = render_html(view)
>>> "Alpha <b>" in html, "Alpha \\\\u003cb\\\\u003e" in html
(False, True)
"""
