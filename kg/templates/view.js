// cluster-kg view: builds the vis-network from the JSON in #kg-data.
// Every text from the data goes into the page through textContent or vis-network's
// canvas labels; nothing from the data is ever parsed as HTML.
(function () {
  "use strict";
  var marks = {start: performance.now()};
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  marks.parsed = performance.now();
  var byId = new Map();
  var adjacency = new Map();   // node id -> list of edge records
  var edgeById = new Map();
  var state = {selected: null, dimmed: false, hiddenNodes: new Set(), hiddenEdges: new Set()};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // tip: {head, sub, rows: [[label, value]], quotes: [index into DATA.quotes], more}
  function tooltip(tip, edge) {
    var box = el("div", "kg-tip");
    var head = tip.head, sub = tip.sub;
    if (edge) {  // left out of the data when they are the usual ones
      if (head === undefined) head = byId.get(edge.from).tip.head + " \u2192 " + byId.get(edge.to).tip.head;
      if (sub === undefined) sub = STYLES[edge.style].sub;
    }
    box.appendChild(el("div", "kg-tip-head", head));
    if (sub) box.appendChild(el("div", "kg-tip-sub", sub));
    (tip.rows || []).forEach(function (r) {
      var row = el("div", "kg-tip-row");
      row.appendChild(el("span", "kg-tip-key", r[0] + ": "));
      row.appendChild(document.createTextNode(String(r[1])));
      box.appendChild(row);
    });
    (tip.quotes || []).forEach(function (i) {
      var q = DATA.quotes[i];
      var quote = el("div", "kg-tip-quote", "\u201c" + q[1] + "\u201d ");
      if (q[0]) quote.appendChild(el("span", "kg-tip-src", "\u2014 " + q[0]));
      box.appendChild(quote);
    });
    if (tip.more) box.appendChild(el("div", "kg-tip-sub", tip.more));
    return box;
  }

  function setStatus(text) { document.getElementById("kg-status").textContent = text; }

  // ---------------------------------------------------------------- heading
  document.getElementById("kg-title").textContent = DATA.title;
  document.getElementById("kg-subtitle").textContent = DATA.subtitle;
  document.getElementById("kg-datanote").textContent = DATA.data_note;
  document.title = DATA.title;

  // ---------------------------------------------------------------- data sets
  // Shared looks live in vis-network groups (nodes) and the default edge options (the
  // "supply" style); items carry only what differs, which keeps 10k-node pages fast.
  var DIM_NODE = 0.12, DIM_EDGE = 0.07;
  var STYLES = DATA.edge_styles;
  function nodeColor(background, border) {
    return {background: background, border: border,
            highlight: {background: background, border: "#111111"},
            hover: {background: background, border: "#111111"}};
  }
  function edgeColor(style, opacity) {
    var c = STYLES[style].color;
    return {color: c, highlight: c, hover: c, opacity: opacity};
  }
  function arrows(style) {
    return {to: {enabled: !!STYLES[style].arrow, scaleFactor: 0.55}};
  }
  var options = DATA.options;
  options.groups = {};
  Object.keys(DATA.groups).forEach(function (g) {
    var x = DATA.groups[g];
    options.groups[g] = {shape: x.shape, color: nodeColor(x.color, x.border), borderWidth: x.dashes ? 1.5 : 1,
                         shapeProperties: {borderDashes: x.dashes ? [4, 3] : false}};
  });
  options.edges.color = edgeColor("supply", 1);
  options.edges.arrows = arrows("supply");
  options.edges.width = 1.5;

  var visNodes = DATA.nodes.map(function (n) {
    byId.set(n.id, n);
    adjacency.set(n.id, []);
    var node = {id: n.id, label: n.label, group: n.group, size: n.size, x: n.x, y: n.y};
    if (n.color) node.color = nodeColor(n.color, n.border);
    if (n.focus) node.borderWidth = 4;
    return node;
  });
  var visEdges = DATA.edges.map(function (e) {
    edgeById.set(e.id, e);
    adjacency.get(e.from).push(e);
    if (e.to !== e.from) adjacency.get(e.to).push(e);
    var edge = {id: e.id, from: e.from, to: e.to};
    if (e.style !== "supply") {
      edge.color = edgeColor(e.style, 1);
      edge.dashes = STYLES[e.style].dashes;
      edge.arrows = arrows(e.style);
    }
    if (e.width) edge.width = e.width;
    if (e.label && DATA.edge_labels) edge.label = e.label;
    return edge;
  });
  function widthOf(e) { return e.width || 1.5; }
  marks.items = performance.now();
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  marks.datasets = performance.now();

  // Tooltips are DOM elements filled with textContent, built on first hover (building
  // 30k of them up front costs a second at 10k nodes) and then kept.
  var builtTips = new Set();
  function ensureTooltip(set, key, item, isEdge) {
    if (builtTips.has(key)) return;
    builtTips.add(key);
    set.update({id: item.id, title: tooltip(item.tip, isEdge ? item : null)});
  }
  function tooltipFor(kind, id) {
    if (kind === "node") { ensureTooltip(nodes, "n" + id, byId.get(id)); return nodes.get(id).title; }
    ensureTooltip(edges, "e" + id, edgeById.get(id), true); return edges.get(id).title;
  }

  var container = document.getElementById("kg-network");
  setStatus(DATA.physics ? "laying out\u2026" : "drawing\u2026");
  network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  network.on("hoverNode", function (p) { tooltipFor("node", p.node); });
  network.on("hoverEdge", function (p) { tooltipFor("edge", p.edge); });
  window.network = network;
  marks.network = performance.now();

  var api = {nodes: nodes, edges: edges, data: DATA, firstDrawAt: null, builtAt: null,
             physicsStoppedAt: null, focused: null, search: search, focusNode: focusNode,
             highlight: highlight, clearHighlight: clearHighlight, applyFilters: applyFilters, marks: marks,
             tooltipFor: tooltipFor};
  window.kgView = api;
  api.builtAt = (window.performance ? performance.now() : 0);

  network.once("afterDrawing", function () {
    api.firstDrawAt = window.performance ? performance.now() : 0;
    if (!DATA.physics) setStatus(summary());
  });

  function summary() {
    return DATA.nodes.length + " nodes \u00b7 " + DATA.edges.length + " links";
  }

  function stopPhysics() {
    if (api.physicsStoppedAt !== null) return;
    network.setOptions({physics: {enabled: false}});
    api.physicsStoppedAt = window.performance ? performance.now() : 0;
    setStatus(summary());
  }
  if (DATA.physics) {
    // The `stabilized` event may never fire: stop physics after the bounded
    // stabilisation iterations, or after a timeout at the latest.
    network.once("stabilizationIterationsDone", stopPhysics);
    setTimeout(stopPhysics, DATA.physics_timeout_ms);
  }

  // ---------------------------------------------------------------- search
  function norm(s) {
    return String(s).normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, " ").trim();
  }
  var index = [];
  DATA.nodes.forEach(function (n) {
    var seen = new Set();
    [n.label].concat(n.names, [n.iri]).forEach(function (name) {
      var k = norm(name);
      if (k && !seen.has(k)) { seen.add(k); index.push({id: n.id, key: k, name: name}); }
    });
  });

  // Best matches for a query: exact name first, then names starting with it, then containing it.
  function search(query, limit) {
    var q = norm(query);
    if (!q) return [];
    var exact = [], prefix = [], inner = [], seen = new Set();
    index.forEach(function (x) {
      if (x.key === q) exact.push(x);
      else if (x.key.indexOf(q) === 0) prefix.push(x);
      else if (x.key.indexOf(q) > 0) inner.push(x);
    });
    var out = [];
    [exact, prefix, inner].forEach(function (list) {
      list.sort(function (a, b) { return a.key.length - b.key.length; });
      list.forEach(function (x) {
        if (!seen.has(x.id)) { seen.add(x.id); out.push(x); }
      });
    });
    return out.slice(0, limit || 8);
  }

  function focusNode(id) {
    var n = byId.get(id);
    if (!n) return false;
    if (state.hiddenNodes.has(id)) {  // shown again: turn its kind and clusters back on
      var box = document.querySelector('input[data-kind="' + CSS.escape(n.kind) + '"]');
      if (box) box.checked = true;
      (n.clusters.length ? n.clusters : [""]).forEach(function (c) {
        var cb = document.querySelector('input[data-cluster="' + CSS.escape(c) + '"]');
        if (cb) cb.checked = true;
      });
      applyFilters();
    }
    api.focused = id;
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.1), animation: {duration: 500, easingFunction: "easeInOutQuad"}});
    highlight(id);
    return true;
  }

  var searchBox = document.getElementById("kg-search");
  var results = document.getElementById("kg-search-results");
  var message = document.getElementById("kg-search-message");
  function showResults() {
    results.replaceChildren();
    message.textContent = "";
    var found = search(searchBox.value, 8);
    if (searchBox.value.trim() && !found.length) message.textContent = "No node has that name.";
    found.forEach(function (x) {
      var n = byId.get(x.id);
      var text = n.label + (x.name !== n.label ? "  (" + x.name + ")" : "");
      var b = el("button", null, text);
      b.type = "button";
      b.addEventListener("click", function () { focusNode(x.id); });
      results.appendChild(b);
    });
    return found;
  }
  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var found = showResults();
      if (found.length) focusNode(found[0].id);
    }
  });

  // ---------------------------------------------------------------- highlight
  function highlight(id) {
    var n = byId.get(id);
    if (!n) return;
    var suppliers = new Map(), customers = new Map(), related = new Map(), keep = new Set([id]);
    var keepEdges = new Set();
    adjacency.get(id).forEach(function (e) {
      keepEdges.add(e.id);
      var other = e.from === id ? e.to : e.from;
      keep.add(other);
      if (e.style === "supply" || e.style === "flow") {
        (e.to === id ? suppliers : customers).set(other, e);
      } else {
        related.set(other, e);
      }
    });
    var nodeUpdates = [], edgeUpdates = [];
    DATA.nodes.forEach(function (m) {
      nodeUpdates.push({id: m.id, opacity: keep.has(m.id) ? 1 : DIM_NODE,
                        font: {color: keep.has(m.id) ? "#222222" : "rgba(34,34,34,0.2)"}});
    });
    DATA.edges.forEach(function (e) {
      var on = keepEdges.has(e.id);
      edgeUpdates.push({id: e.id, color: edgeColor(e.style, on ? 1 : DIM_EDGE), width: on ? widthOf(e) + 1 : widthOf(e)});
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    state.selected = id;
    state.dimmed = true;
    showInfo(n, suppliers, customers, related);
  }

  function clearHighlight() {
    if (!state.dimmed) return;
    nodes.update(DATA.nodes.map(function (m) { return {id: m.id, opacity: 1, font: {color: "#222222"}}; }));
    edges.update(DATA.edges.map(function (e) {
      return {id: e.id, color: edgeColor(e.style, 1), width: widthOf(e)};
    }));
    state.selected = null;
    state.dimmed = false;
    var info = document.getElementById("kg-info");
    info.replaceChildren(el("div", "kg-note", "Click a node to highlight its suppliers and customers."));
  }

  function nodeButtons(parent, title, map) {
    if (!map.size) return;
    parent.appendChild(el("h3", null, title + " (" + map.size + ")"));
    Array.from(map.keys()).map(function (k) { return byId.get(k); })
      .sort(function (a, b) { return a.label.localeCompare(b.label); })
      .forEach(function (m) {
        var e = map.get(m.id);
        var text = m.label + (e.label ? " \u2014 " + e.label : "");
        var b = el("button", null, text);
        b.type = "button";
        b.addEventListener("click", function () { focusNode(m.id); });
        parent.appendChild(b);
      });
  }

  function showInfo(n, suppliers, customers, related) {
    var info = document.getElementById("kg-info");
    info.replaceChildren();
    info.appendChild(el("div", "kg-info-head", n.label));
    info.appendChild(el("div", "kg-info-sub", n.tip.sub || n.kind));
    nodeButtons(info, "Suppliers", suppliers);
    nodeButtons(info, "Customers", customers);
    nodeButtons(info, "Other links", related);
    if (!suppliers.size && !customers.size && !related.size) info.appendChild(el("div", "kg-note", "No links in this view."));
    var reset = el("button", null, "Clear highlight");
    reset.id = "kg-reset";
    reset.type = "button";
    reset.addEventListener("click", function () { network.unselectAll(); clearHighlight(); });
    info.appendChild(reset);
  }

  network.on("click", function (params) {
    if (params.nodes.length) highlight(params.nodes[0]);
    else if (!params.edges.length) clearHighlight();
  });

  // ---------------------------------------------------------------- legend
  var legend = document.getElementById("kg-legend");
  DATA.legend.forEach(function (item) {
    var row = el("div", "kg-legend-row");
    if (item.type === "node") {
      var sw = el("span", "kg-swatch " + item.shape + (item.outside ? " outside" : ""));
      sw.style.background = item.color;
      row.appendChild(sw);
    } else if (item.type === "edge") {
      var line = el("span", "kg-line");
      line.style.borderTopStyle = item.line;
      line.style.borderTopColor = item.color;
      row.appendChild(line);
      if (item.arrow) row.appendChild(el("span", null, "\u25b8"));
    } else if (item.type === "gradient") {
      var wrap = el("div");
      wrap.style.width = "100%";
      wrap.appendChild(el("div", "kg-note", item.label));
      var bar = el("div", "kg-gradient");
      bar.style.background = "linear-gradient(to right, " + item.stops.join(", ") + ")";
      wrap.appendChild(bar);
      var scale = el("div", "kg-gradient-scale");
      scale.appendChild(el("span", null, item.min));
      scale.appendChild(el("span", null, item.max));
      wrap.appendChild(scale);
      row.appendChild(wrap);
      legend.appendChild(row);
      return;
    } else {
      legend.appendChild(el("div", "kg-note", item.label));
      return;
    }
    row.appendChild(el("span", null, item.label));
    legend.appendChild(row);
  });

  // ---------------------------------------------------------------- filters
  function checkbox(parent, attr, value, label, count) {
    var row = el("label", "kg-filter");
    var cb = el("input");
    cb.type = "checkbox";
    cb.checked = true;
    cb.setAttribute(attr, value);
    cb.addEventListener("change", applyFilters);
    row.appendChild(cb);
    row.appendChild(el("span", null, label));
    row.appendChild(el("span", "kg-count", count));
    parent.appendChild(row);
  }
  DATA.filters.kinds.forEach(function (k) {
    checkbox(document.getElementById("kg-filter-kinds"), "data-kind", k.key, k.label, k.count);
  });
  DATA.filters.clusters.forEach(function (c) {
    checkbox(document.getElementById("kg-filter-clusters"), "data-cluster", c.key, c.label, c.count);
  });

  function applyFilters() {
    var kinds = new Set(), clusters = new Set();
    document.querySelectorAll("input[data-kind]").forEach(function (cb) { if (cb.checked) kinds.add(cb.getAttribute("data-kind")); });
    document.querySelectorAll("input[data-cluster]").forEach(function (cb) { if (cb.checked) clusters.add(cb.getAttribute("data-cluster")); });
    var nodeUpdates = [], edgeUpdates = [];
    DATA.nodes.forEach(function (n) {
      var cl = n.clusters.length ? n.clusters : [""];
      var visible = kinds.has(n.kind) && cl.some(function (c) { return clusters.has(c); });
      if (visible === state.hiddenNodes.has(n.id)) {
        nodeUpdates.push({id: n.id, hidden: !visible});
        if (visible) state.hiddenNodes.delete(n.id); else state.hiddenNodes.add(n.id);
      }
    });
    DATA.edges.forEach(function (e) {
      var visible = !state.hiddenNodes.has(e.from) && !state.hiddenNodes.has(e.to);
      if (visible === state.hiddenEdges.has(e.id)) {
        edgeUpdates.push({id: e.id, hidden: !visible});
        if (visible) state.hiddenEdges.delete(e.id); else state.hiddenEdges.add(e.id);
      }
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
  }
})();
