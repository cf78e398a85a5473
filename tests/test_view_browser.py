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

from kg.store import open_graph
from kg.view import build_view, view_from_network, write_view

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "img" / "binzhou-view.png"

PREFIXES = """@prefix ckg: <https://w3id.org/cluster-kg/ontology#> .
@prefix ckr: <https://w3id.org/cluster-kg/id/> .
@prefix ckp: <https://w3id.org/cluster-kg/product/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""

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


def test_large_view_draws_without_physics(driver, tmp_path):
    import networkx as nx

    g = nx.DiGraph()
    n = 3000
    for i in range(n):
        g.add_node(f"n{i}", kind="firm", label=f"Firm {i}", clusters=[f"c{i % 5}"], cluster_labels=[f"C{i % 5}"])
    for i in range(1, n):
        g.add_edge(f"n{(i * 7919) % i}", f"n{i}", relations=[], products=[])
    v = view_from_network(g)
    page = write_view(v, tmp_path / "large.html")
    state = load(driver, page)
    assert state["physics"] is False
    assert driver.execute_script("return network.body.data.nodes.length") == n
    assert driver.execute_script("return network.physics.options.enabled") is False
    # positions are those computed in Python
    first = driver.execute_script("return network.getPositions([0])[0]")
    assert abs(first["x"] - v.nodes[0]["x"]) < 1 and abs(first["y"] - v.nodes[0]["y"]) < 1  # vis rounds
    assert state["drawn"] < 20000  # ms from navigation start to first drawing
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
