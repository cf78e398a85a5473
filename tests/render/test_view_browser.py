"""The view pages in headless Chromium, loaded from file:// with the network switched off.

`make test` installs Debian's chromium and chromium-driver first (`make browser`); without
them these tests fail rather than skip, so a broken page cannot pass unnoticed.
"""

import json
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from conftest import PREFIXES, ROOT

from kg.rdf.graph import open_graph
from kg.render.view.build import view_from_network
from kg.render.view.page import write_view
from kg.services.view import build_view

pytestmark = pytest.mark.browser

SCREENSHOT = ROOT / "docs" / "img" / "binzhou-view.png"

SMALL = PREFIXES + """
ckr:art a ckg:Article ; dcterms:identifier "a.txt" .
ckr:ev a ckg:Evidence ; prov:value "Smelter supplies the mill." ; prov:hadPrimarySource ckr:art .
ckr:cl a ckg:IndustrialCluster ; skos:prefLabel "Small cluster"@en .
ckr:smelter a ckg:Firm ; skos:prefLabel "Smelter Co"@en , "冶炼厂"@zh ; skos:altLabel "Hot Metal Works"@en ;
    ckg:inCluster ckr:cl ; prov:wasDerivedFrom ckr:ev .
ckr:mill a ckg:Firm ; skos:prefLabel "Mill Co"@en ; ckg:inCluster ckr:cl .
ckr:cans a ckg:Firm ; skos:prefLabel "Can Maker"@en .
ckr:grp a ckg:EnterpriseGroup ; skos:prefLabel "Big Group"@en .
ckr:mill ckg:parentOrganization ckr:grp .
ckr:r1 a ckg:SupplyRelation ; ckg:supplier ckr:smelter ; ckg:customer ckr:mill ; ckg:product ckp:molten-aluminium ;
    prov:wasDerivedFrom ckr:ev .
ckr:r2 a ckg:SupplyRelation ; ckg:supplier ckr:mill ; ckg:customer ckr:cans ; ckg:product ckp:can-stock ;
    prov:wasDerivedFrom ckr:ev .
"""

# Each payload would set a global if it ever ran as script or HTML.
XSS = [
    "<img src=x onerror=\"window.__xss1=1\">",
    "</script><script>window.__xss2=1</script>",
    "<a href=\"javascript:window.__xss3=1\" id=xsslink>link</a><svg onload=\"window.__xss4=1\">",
    "<!--<script>window.__xss5=1</script>",
    "<iframe srcdoc=\"<script>parent.__xss6=1</script>\"></iframe>",
]


def _chromium() -> tuple[str, str]:
    browser = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.fail("headless Chromium is missing: run `make browser` (apt-get install chromium chromium-driver)")
    return browser, driver


@pytest.fixture(scope="module")
def driver():
    from selenium import webdriver  # a test dependency: pip install -e '.[test]'
    from selenium.webdriver.chrome.service import Service

    browser, chromedriver = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    for arg in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,900", f"--user-data-dir={profile}",
        # no network: every request goes to a closed port (file:// is not proxied)
        "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    ]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(chromedriver), options=options)
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    yield d
    d.quit()
    shutil.rmtree(profile, ignore_errors=True)


def load(driver, path: Path, timeout: float = 60) -> dict:
    """Open a page from file://, wait until drawn and (with physics) still; return its timings."""
    driver.get_log("browser")  # drop messages of earlier pages
    driver.get(path.resolve().as_uri())
    end = time.time() + timeout
    while time.time() < end:
        state = driver.execute_script(
            "return window.kgView ? {drawn: kgView.firstDrawAt, still: kgView.physicsStoppedAt,"
            " physics: kgView.data.physics} : null"
        )
        if state and state["drawn"] and (state["still"] or not state["physics"]):
            return state
        time.sleep(0.1)
    raise AssertionError(f"{path.name} did not draw within {timeout} s: {state}")


def severe(driver) -> list:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def small_view(tmp_path, **kwargs):
    ttl = tmp_path / "small.ttl"
    ttl.write_text(SMALL, encoding="utf-8")
    return build_view(open_graph([ttl]), **kwargs)


def node_id(view, label):
    return next(n["id"] for n in view.nodes if n["label"] == label)


# ---------------------------------------------------------------- tests


def test_page_loads_offline_with_all_nodes_and_edges(driver, tmp_path):
    v = small_view(tmp_path)
    page = write_view(v, tmp_path / "small.html")
    state = load(driver, page)
    counts = driver.execute_script(
        "return [network.body.data.nodes.length, network.body.data.edges.length,"
        " Object.keys(network.body.nodes).length]"
    )
    assert counts == [len(v.nodes), len(v.edges), len(v.nodes)] == [4, 3, 4]
    assert state["still"] is not None  # physics stopped after stabilisation
    assert driver.execute_script("return network.physics.options.enabled") is False
    # nothing was fetched: no resource entries, no console errors
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert severe(driver) == []
    assert driver.find_element("id", "kg-title").text == "Supply network of all clusters"


def test_search_box_focuses_the_node(driver, tmp_path):
    from selenium.webdriver.common.keys import Keys

    v = small_view(tmp_path)
    page = write_view(v, tmp_path / "search.html")
    load(driver, page)
    for query, label in [("hot metal", "Smelter Co"), ("冶炼厂", "Smelter Co"), ("MILL co", "Mill Co"),
                         ("ckr:cans", "Can Maker")]:
        box = driver.find_element("id", "kg-search")
        box.clear()
        box.send_keys(query, Keys.ENTER)
        want = node_id(v, label)
        assert driver.execute_script("return network.getSelectedNodes()") == [want], query
        assert driver.execute_script("return kgView.focused") == want
    # the focus animation ends with the node in the middle of the canvas
    time.sleep(0.8)
    centre = driver.execute_script(
        "var p = network.getPositions([arguments[0]])[arguments[0]]; var c = network.canvasToDOM(p);"
        "var r = document.getElementById('kg-network').getBoundingClientRect();"
        "return [c.x - r.width / 2, c.y - r.height / 2];", want)
    assert abs(centre[0]) < 5 and abs(centre[1]) < 5
    box.clear()
    box.send_keys("zzqqxx", Keys.ENTER)
    assert driver.find_element("id", "kg-search-message").text == "No node has that name."
    assert severe(driver) == []


def test_click_highlights_suppliers_and_customers(driver, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains

    v = small_view(tmp_path)
    page = write_view(v, tmp_path / "click.html")
    load(driver, page)
    mill = node_id(v, "Mill Co")
    x, y = driver.execute_script(
        "var c = network.canvasToDOM(network.getPositions([arguments[0]])[arguments[0]]);"
        "var r = document.getElementById('kg-network').getBoundingClientRect();"
        "return [c.x - r.width / 2, c.y - r.height / 2];", mill)
    canvas = driver.find_element("css selector", "#kg-network canvas")
    ActionChains(driver).move_to_element_with_offset(canvas, int(x), int(y)).pause(0.6).click().perform()
    info = driver.find_element("id", "kg-info").text
    assert "Suppliers (1)\nSmelter Co — molten aluminium" in info
    assert "Customers (1)\nCan Maker — can stock" in info
    assert "Other links (1)\nBig Group" in info
    opacity = driver.execute_script("return kgView.nodes.get().map(n => [n.id, n.opacity])")
    assert {i for i, o in opacity if o == 1} == {node_id(v, n) for n in ["Mill Co", "Smelter Co", "Can Maker", "Big Group"]}
    # hovering showed the tooltip, built from text
    tip = driver.find_element("css selector", "div.vis-tooltip").get_attribute("textContent")
    assert tip.startswith("Mill Co") and "cluster: Small cluster" in tip
    # a click on empty canvas clears the highlight
    ActionChains(driver).move_to_element_with_offset(canvas, -530, -390).click().perform()
    assert driver.execute_script("return kgView.nodes.get().every(n => n.opacity === 1)")
    assert severe(driver) == []


def test_filters_hide_kinds_and_clusters(driver, tmp_path):
    v = small_view(tmp_path)
    page = write_view(v, tmp_path / "filter.html")
    load(driver, page)
    driver.find_element("css selector", 'input[data-kind="group"]').click()
    hidden = driver.execute_script("return kgView.nodes.get().filter(n => n.hidden).map(n => n.id)")
    assert hidden == [node_id(v, "Big Group")]
    driver.find_element("css selector", 'input[data-cluster=""]').click()  # outside any cluster
    hidden = driver.execute_script("return kgView.nodes.get().filter(n => n.hidden).map(n => n.id)")
    assert sorted(hidden) == sorted([node_id(v, "Big Group"), node_id(v, "Can Maker")])
    visible_edges = driver.execute_script("return kgView.edges.get().filter(e => !e.hidden).length")
    assert visible_edges == 1  # smelter -> mill
    assert severe(driver) == []


def test_no_script_from_the_data_runs(driver, tmp_path):
    ttl = PREFIXES + f"""
ckr:art a ckg:Article ; dcterms:identifier {json.dumps(XSS[4])} .
ckr:ev a ckg:Evidence ; prov:value {json.dumps(XSS[1])} ; prov:hadPrimarySource ckr:art .
ckr:cl a ckg:IndustrialCluster ; skos:prefLabel {json.dumps(XSS[2])}@en .
ckr:a a ckg:Firm ; skos:prefLabel {json.dumps(XSS[0])}@en ; skos:altLabel {json.dumps(XSS[3])}@en ;
    ckg:inCluster ckr:cl ; prov:wasDerivedFrom ckr:ev .
ckr:b a ckg:Firm ; skos:prefLabel {json.dumps(XSS[3])}@en , {json.dumps(XSS[2])}@zh .
ckr:r a ckg:SupplyRelation ; ckg:supplier ckr:a ; ckg:customer ckr:b ; ckg:shareWording {json.dumps(XSS[0])} ;
    prov:wasDerivedFrom ckr:ev .
"""
    path = tmp_path / "xss.ttl"
    path.write_text(ttl, encoding="utf-8")
    v = build_view(open_graph([path]), data_note=XSS[2])
    v.title = XSS[1] + XSS[0]
    page = write_view(v, tmp_path / "xss.html")
    load(driver, page)
    # show every tooltip, the search results and the info panel: all the places data reaches the page
    driver.execute_script(
        "kgView.data.nodes.forEach(n => { var t = kgView.tooltipFor('node', n.id);"
        "  document.body.appendChild(t); });"
        "kgView.data.edges.forEach(e => document.body.appendChild(kgView.tooltipFor('edge', e.id)));"
        "kgView.focusNode(0);"
    )
    box = driver.find_element("id", "kg-search")
    box.send_keys("script")
    time.sleep(0.5)
    fired = driver.execute_script("return [1,2,3,4,5,6].filter(i => window['__xss' + i] !== undefined)")
    assert fired == []
    assert driver.find_elements("id", "xsslink") == [] and driver.find_elements("css selector", "img, iframe, svg") == []
    assert driver.find_element("id", "kg-title").text == XSS[1] + XSS[0]
    assert driver.title == XSS[1] + XSS[0]
    assert driver.find_element("id", "kg-datanote").text.startswith(XSS[2])
    results = driver.find_element("id", "kg-search-results").text
    assert XSS[3] in results and XSS[0] in results
    assert severe(driver) == []


def large_view(n=3000, label=""):
    """A view without physics: n firms in 5 clusters, supply links, and groups owning some firms
    (ownership edges are dashed)."""
    import networkx as nx

    from kg.network.facts import Facts

    g = nx.DiGraph()
    for i in range(n):
        g.add_node(f"n{i}", kind="firm", label=f"Firm {i}{label}", clusters=[f"c{i % 5}"], cluster_labels=[f"C{i % 5}"])
    for i in range(1, n):
        g.add_edge(f"n{(i * 7919) % i}", f"n{i}", relations=[], products=[])
    for j in range(10):
        g.add_node(f"g{j}", kind="group", label=f"Group {j}", clusters=[f"c{j % 5}"], cluster_labels=[f"C{j % 5}"])
    return view_from_network(g, facts=Facts(group_links=[(f"n{i}", f"g{i % 10}") for i in range(0, n, 40)]))


def test_large_view_draws_without_physics(driver, tmp_path):
    v = large_view()
    n = len(v.nodes)
    page = write_view(v, tmp_path / "large.html")
    state = load(driver, page)
    assert state["physics"] is False
    assert driver.execute_script("return network.body.data.nodes.length") == n
    assert driver.execute_script("return network.physics.options.enabled") is False
    # positions are those computed in Python
    first = driver.execute_script("return network.getPositions([0])[0]")
    assert abs(first["x"] - v.nodes[0]["x"]) < 1 and abs(first["y"] - v.nodes[0]["y"]) < 1  # vis rounds
    # the page draws the edges (vis-network gets none), all of them in the first drawing
    assert driver.execute_script("return Object.keys(network.body.edges).length") == 0
    assert driver.execute_script("return kgView.edgeLayer.firstDrawn") == len(v.edges)
    assert state["drawn"] < 20000  # ms from navigation start to first drawing
    # the tooltips are read on first use
    assert driver.execute_script("return kgView.marks.tips") is None
    tip = driver.execute_script("return kgView.tooltipFor('edge', 3).textContent")
    assert tip.startswith(f"{v.nodes[v.edges[3]['from']]['label']} \u2192 ")
    assert driver.execute_script("return kgView.marks.tips") is not None
    # where a drawing is slower than a smooth move allows, focusing a node jumps to it
    driver.execute_script("kgView.lastDrawMs = 500; kgView.focusNode(1234);")
    centre = driver.execute_script(
        "var c = network.canvasToDOM(network.getPositions([1234])[1234]);"
        "var r = document.getElementById('kg-network').getBoundingClientRect();"
        "return [c.x - r.width / 2, c.y - r.height / 2];")
    assert abs(centre[0]) < 2 and abs(centre[1]) < 2
    assert severe(driver) == []


def canvas_png(driver, node: int, scale: float) -> str:
    """The network canvas as a PNG data URL, centred on a node at a scale."""
    return driver.execute_script(
        "network.moveTo({position: network.getPositions([arguments[0]])[arguments[0]], scale: arguments[1]});"
        "network.redraw(); return document.querySelector('#kg-network canvas').toDataURL('image/png');",
        node, scale)


def differing_share(driver, png: str) -> float:
    """Share of the current canvas's pixels that differ (by more than 8 in a channel) from ``png``."""
    return driver.execute_async_script("""
        var done = arguments[arguments.length - 1], img = new Image();
        img.onload = function () {
          var c = document.querySelector('#kg-network canvas'), w = c.width, h = c.height;
          var other = document.createElement('canvas'); other.width = w; other.height = h;
          var octx = other.getContext('2d'); octx.drawImage(img, 0, 0);
          var a = c.getContext('2d').getImageData(0, 0, w, h).data, b = octx.getImageData(0, 0, w, h).data;
          var differ = 0;
          for (var i = 0; i < a.length; i += 4) {
            if (Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2]),
                         Math.abs(a[i + 3] - b[i + 3])) > 8) differ++;
          }
          done(differ / (w * h));
        };
        img.src = arguments[0];""", png)


def test_edge_layer_draws_edges_as_vis_network_does(driver, tmp_path):
    import dataclasses

    v = large_view(1600)
    layered = write_view(v, tmp_path / "layer.html")
    plain = write_view(dataclasses.replace(v, edge_layer=False), tmp_path / "plain.html")  # vis-network's edges
    focus = next(e["to"] for e in v.edges if e["style"] == "ownership")  # a group: dashed edges around
    load(driver, plain)
    assert driver.execute_script("return Object.keys(network.body.edges).length") == len(v.edges)
    reference = {scale: canvas_png(driver, focus, scale) for scale in (1.0, 0.5)}
    load(driver, layered)
    for scale, png in reference.items():
        canvas_png(driver, focus, scale)
        stats = driver.execute_script("var L = kgView.edgeLayer; return [L.drawn, L.dashedDrawn, L.arrowsDrawn]")
        assert stats[0] > 0 and stats[1] > 0 and stats[2] > 0, stats
        assert differing_share(driver, png) < 0.002, scale
    # at the overview, sub-pixel dashes are drawn solid and arrow heads under 3 pixels left out
    canvas_png(driver, focus, 0.15)
    stats = driver.execute_script("var L = kgView.edgeLayer; return [L.drawn, L.dashedDrawn, L.arrowsDrawn]")
    assert stats[0] > 0 and stats[1:] == [0, 0], stats
    assert severe(driver) == []


def test_edge_layer_hover_click_and_filters(driver, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains

    bad = " <img src=x onerror=\"window.__xssL=1\">"
    v = large_view(label=bad)
    page = write_view(v, tmp_path / "layer-hover.html")
    load(driver, page)
    # an edge whose middle, at scale 1, has no node and no nearer edge
    i, x, y = driver.execute_script("""
        var L = kgView.edgeLayer, edges = kgView.data.edges;
        for (var i = 0; i < edges.length; i++) {
          var e = edges[i], p = network.getPositions([e.from, e.to]), a = p[e.from], b = p[e.to];
          if (Math.hypot(b.x - a.x, b.y - a.y) < 150) continue;
          var mid = {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2};
          network.moveTo({position: mid, scale: 1});
          var dom = network.canvasToDOM(mid);
          if (network.getNodeAt(dom) === undefined && L.at(dom) === i) return [i, dom.x, dom.y];
        }""")
    edge = v.edges[i]
    canvas = driver.find_element("css selector", "#kg-network canvas")
    w, h = canvas.size["width"], canvas.size["height"]
    ActionChains(driver).move_to_element_with_offset(canvas, int(x - w / 2), int(y - h / 2)).pause(0.8).perform()
    tip = driver.find_element("css selector", "div.vis-tooltip")
    assert tip.is_displayed()
    head = f"{v.nodes[edge['from']]['label']} \u2192 {v.nodes[edge['to']]['label']}"
    assert tip.get_attribute("textContent").startswith(head)  # markup shown as text
    assert driver.execute_script("return kgView.edgeLayer.hoverEdge") == i
    # a click on the edge selects it; a click on a node highlights its links, and the
    # highlight stays when an edge is clicked and goes on empty canvas
    def click_at(canvas_point):
        x, y = driver.execute_script(
            "network.moveTo({position: arguments[0], scale: 1}); var c = network.canvasToDOM(arguments[0]);"
            "return [c.x, c.y]", canvas_point)
        ActionChains(driver).move_to_element_with_offset(canvas, int(x - w / 2), int(y - h / 2)).click().perform()

    middle = driver.execute_script("return network.DOMtoCanvas({x: arguments[0], y: arguments[1]})", x, y)
    ActionChains(driver).click().perform()
    assert driver.execute_script("return kgView.edgeLayer.selectedEdge") == i
    node = edge["to"]
    click_at(driver.execute_script("return network.getPositions([arguments[0]])[arguments[0]]", node))
    assert driver.find_element("id", "kg-info").text.startswith(v.nodes[node]["label"])
    assert driver.execute_script("return kgView.edgeLayer.selectedEdge") is None
    opacity = driver.execute_script("return Array.from(kgView.edgeLayer.opacity)")
    linked = {j for j, e in enumerate(v.edges) if node in (e["from"], e["to"])}
    assert {j for j, o in enumerate(opacity) if o == 1} == linked and min(opacity) < 0.1
    click_at(middle)
    assert driver.execute_script("return kgView.edgeLayer.selectedEdge") == i
    assert driver.execute_script("return Array.from(kgView.edgeLayer.opacity)") == opacity  # still highlighted
    click_at({"x": 1e6, "y": 1e6})
    assert driver.execute_script("return kgView.edgeLayer.selectedEdge") is None
    assert driver.execute_script("return Array.from(kgView.edgeLayer.opacity).every(o => o === 1)")
    # filters hide the edges of hidden nodes
    driver.find_element("css selector", 'input[data-cluster="c1"]').click()
    hidden = {k for k, n in enumerate(v.nodes) if n["clusters"] == ["c1"]}
    gone = sum(1 for e in v.edges if e["from"] in hidden or e["to"] in hidden)
    assert driver.execute_script("return kgView.edgeLayer.hidden.reduce((a, b) => a + b, 0)") == gone
    driver.execute_script("network.fit({animation: false}); network.redraw();")
    assert driver.execute_script("return kgView.edgeLayer.drawn") == len(v.edges) - gone
    assert driver.execute_script("return window.__xssL") is None
    assert driver.find_elements("css selector", "img") == []
    assert severe(driver) == []


def test_binzhou_view_screenshot(driver):
    v = build_view(open_graph(), cluster="ckr:cluster-binzhou", data_note="Data: bundled data (data/*.ttl)")
    out = ROOT / "out" / "binzhou-view.html"
    page = write_view(v, out)
    load(driver, page)
    time.sleep(0.5)
    assert driver.execute_script("return network.body.data.nodes.length") == len(v.nodes)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000
    assert severe(driver) == []
