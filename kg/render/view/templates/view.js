// cluster-kg view: builds the vis-network from the JSON in #kg-data.
// Every text from the data goes into the page through textContent or vis-network's
// canvas labels; nothing from the data is ever parsed as HTML.
(function () {
  "use strict";
  var marks = {start: performance.now()};
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  DATA.edges = edgeList(DATA.edges);
  marks.parsed = performance.now();
  // Large views (no physics) hand vis-network the nodes only and draw the edges here: see
  // "edge layer" below.
  var LAYER = !!DATA.edge_layer;
  var byId = new Map();
  var adjacency = new Map();   // node id -> list of edge records
  var edgeById = new Map();
  var state = {selected: null, dimmed: false, hiddenNodes: new Set(), hiddenEdges: new Set()};

  // The edges arrive as columns: from, to, style and label (indexes into styles and labels,
  // -1 for none) and width (0 for the usual one); ids are positions.
  function edgeList(c) {
    var out = new Array(c.from.length);
    for (var i = 0; i < out.length; i++) {
      var e = {id: i, from: c.from[i], to: c.to[i], style: c.styles[c.style[i]]};
      if (c.width[i]) e.width = c.width[i];
      if (c.label[i] >= 0) e.label = c.labels[c.label[i]];
      out[i] = e;
    }
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // ---------------------------------------------------------------- tooltip data
  // Tooltips and quotes are most of the data; they sit in their own block (#kg-tips, after
  // this script) and are parsed on first use, so the page draws without waiting for them.
  // tips: {nodes: [tip], edges: [tip], quotes: [[source file, quote]]}, in the order of
  // DATA.nodes and DATA.edges (whose ids are their positions).
  var TIPS = null;
  function tips() {
    if (TIPS === null) {
      var block = document.getElementById("kg-tips");
      if (!block) return null;  // the page is still being read
      TIPS = JSON.parse(block.textContent);
      marks.tips = performance.now();
    }
    return TIPS;
  }
  function tipOf(kind, id) {
    var t = tips();
    return t ? (kind === "node" ? t.nodes : t.edges)[id] : null;
  }

  // tip: {head, sub, rows: [[label, value]], quotes: [index into the quotes], more}
  function tooltip(tip, edge) {
    var box = el("div", "kg-tip");
    var head = tip.head, sub = tip.sub;
    if (edge) {  // left out of the data when they are the usual ones
      if (head === undefined) head = tipOf("node", edge.from).head + " \u2192 " + tipOf("node", edge.to).head;
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
      var q = TIPS.quotes[i];
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
  var DIM_NODE = 0.12, DIM_EDGE = 0.07, ANIMATE_MAX_DRAW_MS = 50;
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
  var ARROW_SCALE = 0.55;
  function arrows(style) {
    return {to: {enabled: !!STYLES[style].arrow, scaleFactor: ARROW_SCALE}};
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

  // ids are positions in DATA.nodes and DATA.edges, so the data leaves them out
  var visNodes = DATA.nodes.map(function (n, i) {
    n.id = i;
    byId.set(i, n);
    adjacency.set(i, []);
    var node = {id: i, label: n.label, group: n.group, size: n.size, x: n.x, y: n.y};
    if (n.color) node.color = nodeColor(n.color, n.border);
    if (n.focus) node.borderWidth = 4;
    // no stated supply link (apart), or linked only to such nodes: stays where it was put
    if (n.still) node.physics = false;
    return node;
  });
  DATA.edges.forEach(function (e, i) {
    edgeById.set(i, e);
    adjacency.get(e.from).push(e);
    if (e.to !== e.from) adjacency.get(e.to).push(e);
  });
  var visEdges = LAYER ? [] : DATA.edges.map(function (e) {
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
  // 30k of them up front costs a second at 10k nodes) and then kept. vis-network shows an
  // item's `title`: it is given to the item vis-network drew (an update through the data
  // set would make vis-network re-check every node and edge, most of a second at 10k nodes).
  var builtTips = new Map();
  function tooltipFor(kind, id) {
    var key = kind[0] + id;
    if (!builtTips.has(key)) {
      var item = kind === "node" ? byId.get(id) : edgeById.get(id);
      var tip = item && tipOf(kind, id);
      if (!tip) return null;  // no such item, or the tooltips are not read yet
      builtTips.set(key, tooltip(tip, kind === "edge" ? item : null));
    }
    var box = builtTips.get(key);
    if (kind === "edge" && LAYER) return box;  // the edge layer shows it
    var drawn = kind === "node" ? network.body.nodes[id] : network.body.edges[id];
    if (drawn && drawn.options && typeof drawn.getTitle === "function") {
      drawn.options.title = box;
    } else {
      (kind === "node" ? nodes : edges).update({id: id, title: box});
    }
    return box;
  }

  var container = document.getElementById("kg-network");
  setStatus(DATA.physics ? "laying out\u2026" : "drawing\u2026");
  network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  var drawStartedAt = 0;
  network.on("beforeDrawing", function () {
    drawStartedAt = performance.now();
    if (marks.drawStart === undefined) marks.drawStart = drawStartedAt;
  });
  network.on("afterDrawing", function () { api.lastDrawMs = performance.now() - drawStartedAt; });
  // The nodes with no stated supply link sit in rows of their own below the others: a dashed
  // frame and a caption (our own words, not data) say why.
  var apartIds = DATA.nodes.filter(function (n) { return n.apart; }).map(function (n) { return n.id; });
  if (apartIds.length && !DATA.physics) {  // nothing to lay out: show every row at once
    network.once("afterDrawing", function () {
      network.fit({animation: false});
      network.moveTo({scale: network.getScale() * 0.85, animation: false});  // room for the labels
    });
  }
  if (apartIds.length) {
    network.on("beforeDrawing", function (ctx) {
      var shown = apartIds.filter(function (id) { return !state.hiddenNodes.has(id); });
      if (!shown.length) return;
      var pos = network.getPositions(shown), x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      shown.forEach(function (id) {
        var p = pos[id];
        x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x); y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y);
      });
      var pad = 70;
      ctx.save();
      ctx.strokeStyle = "#b0b0b0";
      ctx.lineWidth = 1;
      ctx.setLineDash([6, 5]);
      ctx.strokeRect(x0 - pad, y0 - pad + 20, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad);
      ctx.setLineDash([]);
      ctx.fillStyle = "#666666";
      ctx.font = "14px DejaVu Sans, Noto Sans, Arial, sans-serif";
      ctx.fillText("No stated supply link (the sources name none; this does not mean there is none)",
                   x0 - pad + 8, y0 - pad + 12);
      ctx.restore();
    });
  }
  network.on("hoverNode", function (p) { tooltipFor("node", p.node); });
  network.on("hoverEdge", function (p) { tooltipFor("edge", p.edge); });
  window.network = network;
  var layer = LAYER ? edgeLayer() : null;
  marks.network = performance.now();

  var api = {nodes: nodes, edges: LAYER ? null : edges, data: DATA, firstDrawAt: null, builtAt: null,
             physicsStoppedAt: null, focused: null, search: search, focusNode: focusNode,
             highlight: highlight, clearHighlight: clearHighlight, applyFilters: applyFilters, marks: marks,
             tooltipFor: tooltipFor, edgeLayer: layer, lastDrawMs: null};
  window.kgView = api;
  api.builtAt = (window.performance ? performance.now() : 0);

  network.once("afterDrawing", function () {
    api.firstDrawAt = window.performance ? performance.now() : 0;
    if (layer) layer.firstDrawn = layer.drawn;
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

  // ---------------------------------------------------------------- edge layer
  // vis-network builds a heavy object for every edge (tens of microseconds each: seconds
  // for 50k edges before anything is drawn) and strokes each edge with its own state
  // changes. Views without physics need none of its edge machinery (no springs), so there
  // the page draws the edges itself, the way vis-network 9 draws straight edges: lines from
  // node centre to node centre under the nodes, arrow heads at the node border over them,
  // wider when selected or hovered, hidden while dragging or zooming as the options say.
  // Hover tooltips, clicks and highlighting of edges are handled here too, as vis-network
  // does them (an edge is under the pointer within 10 canvas units).
  function edgeLayer() {
    var n = DATA.edges.length;
    var L = {opacity: new Float32Array(n).fill(1), extra: new Float32Array(n), hidden: new Uint8Array(n),
             hoverEdge: null, hoverNode: null, selectedEdge: null, dirty: false, drawn: 0, dashedDrawn: 0,
             arrowsDrawn: 0, firstDrawn: null,
             at: edgeAt, redraw: requestRedraw};
    var SELECTION_WIDTH = typeof options.edges.selectionWidth === "number" ? options.edges.selectionWidth : 1;
    var HOVER_WIDTH = typeof options.edges.hoverWidth === "number" ? options.edges.hoverWidth : 0.5;
    var HIT = 10;  // canvas units, as vis-network's getEdgeAt
    var LOOP = 20, LOOP_ANGLE = Math.PI / 4;  // vis-network's selfReference defaults
    function loopCentre(a, ctx) {  // as vis-network places a self-reference circle
      var d = typeof a.distanceToBorder === "function" ? a.distanceToBorder(ctx, LOOP_ANGLE) : a.options.size;
      return {x: a.x + Math.cos(LOOP_ANGLE) * d, y: a.y - Math.sin(LOOP_ANGLE) * d};
    }

    function emphasised() {  // edges vis-network would draw as selected, and as hovered
      var sel = new Set(), hov = new Set();
      network.getSelectedNodes().forEach(function (id) {
        (adjacency.get(id) || []).forEach(function (e) { sel.add(e.id); });
      });
      if (L.selectedEdge !== null) sel.add(L.selectedEdge);
      if (L.hoverNode !== null) (adjacency.get(L.hoverNode) || []).forEach(function (e) { hov.add(e.id); });
      if (L.hoverEdge !== null) hov.add(L.hoverEdge);
      return {sel: sel, hov: hov};
    }

    function widthAt(i, em, minWidth) {
      var w = widthOf(DATA.edges[i]) + L.extra[i];
      if (em.sel.has(i)) w += SELECTION_WIDTH;
      else if (em.hov.has(i)) w += HOVER_WIDTH;
      return Math.max(w, minWidth);
    }

    function viewBox() {  // the canvas area on screen, with a margin for arrows and node sizes
      var c = container.getBoundingClientRect();
      var a = network.DOMtoCanvas({x: 0, y: 0}), b = network.DOMtoCanvas({x: c.width, y: c.height});
      var m = 100 + 20 / network.getScale();
      return {left: Math.min(a.x, b.x) - m, right: Math.max(a.x, b.x) + m,
              top: Math.min(a.y, b.y) - m, bottom: Math.max(a.y, b.y) + m};
    }

    function outside(a, b, v) {
      return (a.x < v.left && b.x < v.left) || (a.x > v.right && b.x > v.right) ||
             (a.y < v.top && b.y < v.top) || (a.y > v.bottom && b.y > v.bottom);
    }

    // Level of detail, where vis-network would spend most of a drawing on things too small
    // to see: a dash pattern whose period is under DASH_MIN_PX pixels on screen is drawn as a
    // solid line with the pattern's share of ink (sub-pixel dashes blend to that anyway,
    // and cost a path segment each), and arrow heads shorter than ARROW_MIN_PX pixels are
    // left out (at a 10k-node overview they are a pixel or two, like the labels vis-network
    // itself leaves out below its draw threshold); both are drawn as usual once zoomed in.
    var DASH_MIN_PX = 2, ARROW_MIN_PX = 3;
    function lineStyles(scale) {  // style -> {dashes: drawn pattern or null, on: dashes, period}
      var out = {};
      Object.keys(STYLES).forEach(function (k) {
        var d = STYLES[k].dashes, period = 0, on = [];
        if (d) d.forEach(function (x, j) { period += x; if (j % 2 === 0) on.push(x); });
        out[k] = {dashes: d && period * scale >= DASH_MIN_PX ? d : null, on: d ? on : null, period: period};
      });
      return out;
    }
    function ink(look, width) {  // share of a dashed line's length inked (round caps add a width per dash)
      if (look.dashes || !look.on || !(look.period > 0)) return 1;
      var covered = 0;
      look.on.forEach(function (x) { covered += x + width; });
      return Math.min(1, covered / look.period);
    }

    function drawLines(ctx) {
      L.dirty = false;
      var scale = network.getScale(), em = emphasised(), v = viewBox(), minWidth = 0.3 / scale;
      var looks = lineStyles(scale), bodyNodes = network.body.nodes;
      var colour = null, alpha = -1, width = -1, dashes = null, drawn = 0, dashed = 0;
      ctx.save();
      ctx.lineCap = "butt";
      for (var i = 0; i < n; i++) {
        if (L.hidden[i]) continue;
        var e = DATA.edges[i], a = bodyNodes[e.from], b = bodyNodes[e.to];
        if (!a || !b || outside(a, b, v)) continue;
        var st = STYLES[e.style], look = looks[e.style], w = widthAt(i, em, minWidth);
        var al = L.opacity[i] * ink(look, w);
        if (st.color !== colour) { colour = st.color; ctx.strokeStyle = colour; }
        if (al !== alpha) { alpha = al; ctx.globalAlpha = al; }
        if (w !== width) { width = w; ctx.lineWidth = w; }
        if (look.dashes !== dashes) {
          dashes = look.dashes;
          ctx.setLineDash(dashes || []);
          ctx.lineCap = dashes ? "round" : "butt";
        }
        ctx.beginPath();
        if (a === b) {
          var c = loopCentre(a, ctx);
          ctx.arc(c.x, c.y, LOOP, 0, 2 * Math.PI, false);
        } else {
          ctx.moveTo(a.x, a.y);
          ctx.lineTo(b.x, b.y);
        }
        ctx.stroke();
        drawn++;
        if (dashes) dashed++;
      }
      ctx.restore();
      L.drawn = drawn;
      L.dashedDrawn = dashed;
    }

    // vis-network's "arrow" end point: (0,0) (-1,0.3) (-0.9,0) (-1,-0.3), scaled by the
    // arrow's length (15 x scale factor + 3 x edge width), turned to the edge, at the border.
    function drawArrows(ctx) {
      var scale = network.getScale(), em = emphasised(), v = viewBox(), minWidth = 0.3 / scale;
      var bodyNodes = network.body.nodes, colour = null, alpha = -1, drawn = 0;
      ctx.save();
      for (var i = 0; i < n; i++) {
        var e = DATA.edges[i];
        if (L.hidden[i] || !STYLES[e.style].arrow || e.from === e.to) continue;
        var size = 15 * ARROW_SCALE + 3 * widthAt(i, em, minWidth);
        if (size * scale < ARROW_MIN_PX) continue;
        var a = bodyNodes[e.from], b = bodyNodes[e.to];
        if (!a || !b || outside(b, b, v)) continue;  // the head is at b's border
        var dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy);
        if (!(len > 0)) continue;
        var angle = Math.atan2(dy, dx);
        var border = typeof b.distanceToBorder === "function" ? b.distanceToBorder(ctx, angle) : b.options.size;
        var t = (len - border) / len, px = (1 - t) * a.x + t * b.x, py = (1 - t) * a.y + t * b.y;
        var cos = Math.cos(angle) * size, sin = Math.sin(angle) * size;
        var colourNow = STYLES[e.style].color;
        if (colourNow !== colour) { colour = colourNow; ctx.fillStyle = colour; }
        if (L.opacity[i] !== alpha) { alpha = L.opacity[i]; ctx.globalAlpha = alpha; }
        ctx.beginPath();
        ctx.moveTo(px, py);
        ctx.lineTo(px - cos - 0.3 * sin, py - sin + 0.3 * cos);
        ctx.lineTo(px - 0.9 * cos, py - 0.9 * sin);
        ctx.lineTo(px - cos + 0.3 * sin, py - sin - 0.3 * cos);
        ctx.closePath();
        ctx.fill();
        drawn++;
      }
      ctx.restore();
      L.arrowsDrawn = drawn;
    }

    // The renderer calls these where it draws its own edges and arrows (so they keep their
    // place between the nodes, and hideEdgesOnDrag/Zoom keep working); should a later
    // vis-network rename them, the edges are drawn before the nodes instead.
    var renderer = network.renderer;
    if (renderer && typeof renderer._drawEdges === "function" && typeof renderer._drawArrows === "function") {
      renderer._drawEdges = drawLines;
      renderer._drawArrows = drawArrows;
    } else {
      network.on("beforeDrawing", function (ctx) { drawLines(ctx); drawArrows(ctx); });
    }

    function distance(i, p, bodyNodes) {  // from canvas point p to edge i, as vis-network measures it
      var e = DATA.edges[i], a = bodyNodes[e.from], b = bodyNodes[e.to];
      if (!a || !b) return Infinity;
      if (a === b) {
        var c = loopCentre(a);
        return Math.abs(Math.sqrt((c.x - p.x) * (c.x - p.x) + (c.y - p.y) * (c.y - p.y)) - LOOP);
      }
      var dx = b.x - a.x, dy = b.y - a.y, d2 = dx * dx + dy * dy;
      var u = d2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / d2 : 0;
      u = Math.max(0, Math.min(1, u));
      var x = a.x + u * dx - p.x, y = a.y + u * dy - p.y;
      return Math.sqrt(x * x + y * y);
    }

    // The shown edge nearest to a point on the canvas element (DOM pixels), or null.
    function edgeAt(pointer) {
      var p = network.DOMtoCanvas(pointer), best = null, min = HIT, bodyNodes = network.body.nodes;
      for (var i = 0; i < n; i++) {
        if (L.hidden[i]) continue;
        var d = distance(i, p, bodyNodes);
        if (d < min) { min = d; best = i; }
      }
      return best;
    }

    // A change to the layer asks for a drawing at the next frame, unless vis-network has
    // drawn in between (a data set update draws at once when there is no physics).
    var pending = false;
    function requestRedraw() {
      L.dirty = true;
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; if (L.dirty) network.redraw(); });
    }

    // ------------------------------------------------ hover and tooltips
    var canvas = container.querySelector("canvas");
    var frame = container.querySelector(".vis-network") || container;
    var popup = {el: null, edge: null, hidden: true, x: 0, y: 0, timer: undefined};
    function pointerOf(ev) {
      var r = canvas.getBoundingClientRect();
      return {x: ev.clientX - r.left, y: ev.clientY - r.top};
    }
    function showPopup() {  // as vis-network's Popup ("cap": kept inside the canvas)
      var f = popup.el, pad = 5;
      var h = f.clientHeight, w = f.clientWidth, maxH = frame.clientHeight, maxW = frame.clientWidth;
      var top = popup.y - h;
      if (top + h + pad > maxH) top = maxH - h - pad;
      if (top < pad) top = pad;
      var left = popup.x;
      if (left + w + pad > maxW) left = maxW - w - pad;
      if (left < pad) left = pad;
      f.style.left = left + "px";
      f.style.top = top + "px";
      f.style.visibility = "visible";
      popup.hidden = false;
    }
    function hidePopup() {
      if (popup.el) { popup.el.style.visibility = "hidden"; popup.el.style.left = "0"; popup.el.style.top = "0"; }
      popup.hidden = true;
      popup.edge = null;
    }
    function checkShowPopup(p) {
      if (network.getNodeAt(p) !== undefined) return;  // vis-network shows the node's tooltip
      var id = edgeAt(p);
      if (id === null) { hidePopup(); return; }
      if (id === popup.edge && !popup.hidden) return;
      var box = tooltipFor("edge", id);
      if (!box) return;
      if (!popup.el) { popup.el = el("div", "vis-tooltip"); frame.appendChild(popup.el); }
      popup.el.replaceChildren(box);
      popup.edge = id;
      popup.x = Math.round(p.x + 3);
      popup.y = Math.round(p.y - 5);
      showPopup();
    }
    function setHover(p) {
      var id = p && network.getNodeAt(p) === undefined ? edgeAt(p) : null;
      if (id !== L.hoverEdge) { L.hoverEdge = id; requestRedraw(); }
    }
    var lastMove = null, moveQueued = false;
    container.addEventListener("mousemove", function (ev) {
      var p = pointerOf(ev), kept = false;
      if (!popup.hidden) {
        if (network.getNodeAt(p) !== undefined || distance(popup.edge, network.DOMtoCanvas(p), network.body.nodes) >= HIT) hidePopup();
        else { popup.x = Math.round(p.x + 3); popup.y = Math.round(p.y - 5); showPopup(); kept = true; }
      }
      if (!kept) {
        clearTimeout(popup.timer);
        if (!ev.buttons) popup.timer = setTimeout(function () { checkShowPopup(p); }, options.interaction.tooltipDelay);
      }
      lastMove = ev.buttons ? null : p;
      if (!moveQueued) {  // one hover test per frame
        moveQueued = true;
        requestAnimationFrame(function () { moveQueued = false; setHover(lastMove); });
      }
    });
    container.addEventListener("mouseleave", function () {
      clearTimeout(popup.timer);
      hidePopup();
      lastMove = null;
      setHover(null);
    });
    // vis-network draws again after these (it changes the node's own look)
    network.on("hoverNode", function (p) { L.hoverNode = p.node; });
    network.on("blurNode", function () { L.hoverNode = null; });
    network.on("dragStart", function () { clearTimeout(popup.timer); hidePopup(); });
    return L;
  }

  // ---------------------------------------------------------------- search
  function norm(s) {
    return String(s).normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, " ").trim();
  }
  var index = null;  // built on the first search
  function searchIndex() {
    if (index === null) {
      index = [];
      DATA.nodes.forEach(function (n) {
        var seen = new Set();
        [n.label].concat(n.names, [n.iri]).forEach(function (name) {
          var k = norm(name);
          if (k && !seen.has(k)) { seen.add(k); index.push({id: n.id, key: k, name: name}); }
        });
      });
    }
    return index;
  }

  // Best matches for a query: exact name first, then names starting with it, then containing it.
  function search(query, limit) {
    var q = norm(query);
    if (!q) return [];
    var exact = [], prefix = [], inner = [], seen = new Set();
    searchIndex().forEach(function (x) {
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
    if (layer) layer.selectedEdge = null;
    // vis-network moves the view in a fixed number of frames (about 30, whatever each costs):
    // where a drawing takes longer than a frame can, the view jumps instead of crawling for
    // seconds (a whole 10k-node view).
    var animate = api.lastDrawMs !== null && api.lastDrawMs <= ANIMATE_MAX_DRAW_MS;
    network.focus(id, {scale: Math.max(network.getScale(), 1.1),
                       animation: animate ? {duration: 500, easingFunction: "easeInOutQuad"} : false});
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
    if (layer) {
      DATA.edges.forEach(function (e) {
        var on = keepEdges.has(e.id);
        layer.opacity[e.id] = on ? 1 : DIM_EDGE;
        layer.extra[e.id] = on ? 1 : 0;
      });
      layer.redraw();
    }
    setDimmed(function (m) { return !keep.has(m); });
    if (!layer) {
      edges.update(DATA.edges.map(function (e) {
        var on = keepEdges.has(e.id);
        return {id: e.id, color: edgeColor(e.style, on ? 1 : DIM_EDGE), width: on ? widthOf(e) + 1 : widthOf(e)};
      }));
    }
    state.selected = id;
    state.dimmed = true;
    showInfo(n, suppliers, customers, related);
  }

  // Node dimming goes through the data set, so only nodes whose state changes are updated
  // (2: never set, so the first highlight sets every node).
  var dimmedNodes = new Uint8Array(DATA.nodes.length).fill(2);
  function setDimmed(dim) {
    var updates = [];
    for (var i = 0; i < dimmedNodes.length; i++) {
      var d = dim(i) ? 1 : 0;
      if (d === dimmedNodes[i]) continue;
      dimmedNodes[i] = d;
      updates.push({id: i, opacity: d ? DIM_NODE : 1, font: {color: d ? "rgba(34,34,34,0.2)" : "#222222"}});
    }
    if (updates.length) nodes.update(updates);
  }

  function clearHighlight() {
    if (!state.dimmed) return;
    if (layer) {
      layer.opacity.fill(1);
      layer.extra.fill(0);
      layer.redraw();
    }
    setDimmed(function () { return false; });
    if (!layer) {
      edges.update(DATA.edges.map(function (e) {
        return {id: e.id, color: edgeColor(e.style, 1), width: widthOf(e)};
      }));
    }
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
    var tip = tipOf("node", n.id);
    info.appendChild(el("div", "kg-info-sub", (tip && tip.sub) || n.kind));
    nodeButtons(info, "Suppliers", suppliers);
    nodeButtons(info, "Customers", customers);
    nodeButtons(info, "Other links", related);
    if (!suppliers.size && !customers.size && !related.size) info.appendChild(el("div", "kg-note", "No links in this view."));
    var reset = el("button", null, "Clear highlight");
    reset.id = "kg-reset";
    reset.type = "button";
    reset.addEventListener("click", function () {
      network.unselectAll();
      if (layer) layer.selectedEdge = null;
      clearHighlight();
    });
    info.appendChild(reset);
  }

  network.on("click", function (params) {
    var edge = null;
    if (layer) {  // vis-network knows no edges here: is there one under the pointer?
      edge = params.nodes.length ? null : layer.at(params.pointer.DOM);
      if (edge !== layer.selectedEdge) { layer.selectedEdge = edge; layer.redraw(); }
    }
    if (params.nodes.length) highlight(params.nodes[0]);
    else if (!params.edges.length && edge === null) clearHighlight();
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
        if (layer) layer.hidden[e.id] = visible ? 0 : 1;
      }
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (layer) {
      if (layer.selectedEdge !== null && layer.hidden[layer.selectedEdge]) layer.selectedEdge = null;
      if (edgeUpdates.length) layer.redraw();
    } else if (edgeUpdates.length) {
      edges.update(edgeUpdates);
    }
  }
})();
