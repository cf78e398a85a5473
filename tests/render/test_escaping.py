"""Text from the data never becomes markup, script or a link in any output (issue 13, "Output
that runs code"): the Markdown report (rendered by a real CommonMark renderer), the HTML report
and the view page (parsed with the standard library's html.parser).

The payloads go into a firm's label and alias, a quote, an article's title and identifier, an
article IRI (``javascript:``), a project's label, a figure's wording and the cluster's label.
The renderer is markdown-it-py with raw HTML on and link validation off, as permissive as a
renderer gets: what it does not turn into HTML, none will.
"""

import json
from html.parser import HTMLParser

import pytest
from conftest import PREFIXES, run_on
from markdown_it import MarkdownIt

from kg.render.report_md import md_text
from kg.utils.text import visible

SCRIPT = "<script>alert(1)</script>"
SVG = "<svg onload=alert(1)>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[x](javascript:alert(1))"
BREAKOUT = "</script><script>alert(2)</script>"
FIRM_B = BREAKOUT + "<!-- | b\nc"
"""A label that would close a <script> block, open a comment, split a table cell and a row."""
QUOTE = f"Quote {IMG} {LINK} <!-- | *x* _y_ `z`\nnext\u2028line"
"""U+2028 ends a line in JavaScript before ES2019."""
TITLE = f"{SVG} &lt;T&gt; R&D"
PROJECT = "# Heading " + IMG

TTL = PREFIXES + f"""
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
ckr:art a ckg:Article ; dcterms:title {json.dumps(TITLE)} ; dcterms:identifier "javascript:alert(1)" .
<javascript:alert(3)> a ckg:Article ; dcterms:identifier "<javascript:alert(4)>" .
ckr:ev a ckg:Evidence ; prov:value {json.dumps(QUOTE)} ; prov:hadPrimarySource ckr:art .
ckr:ev2 a ckg:Evidence ; prov:value "Output <b>big</b> &amp; [y](javascript:alert(5))" ;
    prov:hadPrimarySource <javascript:alert(3)> .
ckr:c a ckg:IndustrialCluster ; skos:prefLabel {json.dumps("Cluster " + SCRIPT)}@en ;
    ckg:outputValue [ a ckg:Quantity ; qudt:numericValue 1000.0 ; qudt:unit unit:CCY_CNY ;
        ckg:originalWording "<svg onload=alert(6)> 1000 | yuan" ; ckg:bound "exact" ; prov:wasDerivedFrom ckr:ev2 ] ;
    prov:wasDerivedFrom ckr:ev2 .
ckr:a a ckg:Firm ; skos:prefLabel {json.dumps(SCRIPT)}@en ; skos:altLabel {json.dumps(SVG)}@en ;
    ckg:inCluster ckr:c ; prov:wasDerivedFrom ckr:ev .
ckr:b a ckg:Firm ; skos:prefLabel {json.dumps(FIRM_B)}@en ; skos:altLabel {json.dumps(LINK)}@en ;
    ckg:inCluster ckr:c ; prov:wasDerivedFrom ckr:ev .
ckr:r a ckg:SupplyRelation ; ckg:supplier ckr:a ; ckg:customer ckr:b ; ckg:product ckp:alumina ;
    prov:wasDerivedFrom ckr:ev .
ckr:p-announced a ckg:LifecycleEvent ; ckg:lifecycleStage ckg:announced ; prov:wasDerivedFrom ckr:ev2 .
ckr:p a ckg:Project ; skos:prefLabel {json.dumps(PROJECT)}@en ; ckg:inCluster ckr:c ; ckg:lifecycle ckr:p-announced ;
    prov:wasDerivedFrom ckr:ev2 .
"""


class Page(HTMLParser):
    """Tags, attributes, text and the text of each <script> element of an HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        if tag == "script":
            self._script = (dict(attrs), [])

    def handle_endtag(self, tag):
        if tag == "script" and self._script:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None

    def handle_data(self, data):
        (self._script[1] if self._script else self.text).append(data)

    def plain(self) -> str:
        """The visible text, white space collapsed."""
        return " ".join("".join(self.text).split())

    def dangerous(self) -> list:
        """Event handlers, and links or sources that are not to a place in the page."""
        return [a for a in self.attrs if a[1].startswith("on")
                or (a[1] in ("href", "src", "action", "formaction") and not a[2].startswith("#"))]


def commonmark(text: str) -> str:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True  # a renderer that lets every link through
    return md.render(text)


# ---------------------------------------------------------------- md_text, in every place the report puts data

TRICKY = [
    SCRIPT, SVG, IMG, LINK, BREAKOUT, "<!--", "a | b", "two\nlines", QUOTE, TITLE, PROJECT,
    "*x* _y_ `z` ~~s~~ ~t~", "- item", "+ item", "1. item", "2) item", "> quote", "---", "===", "- - -",
    "&lt;b&gt; &#60; &#x3c; &amp;", "<https://example.org>", "<javascript:alert(1)>", "![i](x.png)",
    "[r]: javascript:alert(1)", r"C:\data\my_store", "a\\*b\\", "x_(y)_ _a_", "ends with #", "\\", "`",
    "<a href='javascript:alert(1)'>x</a>", "\x1b]0;title\x07 \u202eevil", "2.5 t", "R&D", "my_store_2",
]
CONTEXTS = {  # where report_md puts a text from the data, and its text when rendered
    "heading": ("## {}", "{}"),
    "data line": ("Generated: now  \n{}  \n\nnext", "Generated: now {} next"),
    "list item": ("- {}", "{}"),
    "bold in a list": ("- **{}**: announced", "{}: announced"),
    "quote list": ("1. “{}” — {}", "“{}” — {}"),
    "table cell": ("| of | quotes |\n|---|---|\n| {} | [1] |", "of quotes {} [1]"),
}


@pytest.mark.parametrize("where", CONTEXTS)
@pytest.mark.parametrize("text", TRICKY)
def test_md_text_renders_as_written_and_makes_no_markup(text, where):
    markdown, shown = CONTEXTS[where]
    page = Page(commonmark(markdown.format(md_text(text), md_text(text))))
    plain = Page(commonmark(markdown.format("plain", "plain")))
    assert page.tags == plain.tags and page.attrs == []
    written = visible(" ".join(text.split()))
    assert page.plain() == " ".join(shown.format(written, written).split())


def test_md_text_leaves_ordinary_text_as_it_is():
    for text in ["Weiqiao Pioneering Group", "R&D", "2.5 t", "-5 %", "my_store_2", r"C:\data\x.ttl",
                 "滨州 (Binzhou), 30,400,000,000 yuan", "it's “all”"]:
        assert md_text(text) == text


# ---------------------------------------------------------------- the outputs of kg

@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("escaping")
    data = folder / "payload.ttl"
    data.write_text(TTL, encoding="utf-8")
    out = {}
    for name, command in [("r.md", "report"), ("r.html", "report"), ("v.html", "view")]:
        result = run_on(str(data), command, "-o", str(folder / name))
        assert result.exit_code == 0, result.output
        out[name] = (folder / name).read_text(encoding="utf-8")
    return out


REPORT_MD_TAGS = {"h1", "h2", "h3", "p", "br", "ul", "ol", "li", "strong", "code",
                  "table", "thead", "tbody", "tr", "th", "td"}
REPORT_HTML_TAGS = {"html", "head", "meta", "title", "style", "body", "nav", "section", "h1", "h2", "h3",
                    "p", "br", "ul", "ol", "li", "a", "strong", "span", "details", "summary", "table", "tr",
                    "th", "td"}
SHOWN = [SCRIPT, SVG, IMG, BREAKOUT + "<!-- | b c", "Cluster " + SCRIPT, PROJECT, TITLE,
         " ".join(QUOTE.split()), "javascript:alert(3)", "Output <b>big</b> &amp; [y](javascript:alert(5))"]
"""What a reader sees, as written in the data (white space collapsed)."""


def test_markdown_report_shows_the_payloads_as_text(outputs):
    md = outputs["r.md"]
    page = Page(commonmark(md))
    assert page.tags <= REPORT_MD_TAGS, page.tags - REPORT_MD_TAGS
    assert page.dangerous() == [] and page.scripts == []
    text = page.plain()
    for shown in SHOWN:
        assert shown in text
    # one table row per dependency, whatever the labels hold
    row = next(line for line in md.splitlines() if line.startswith("| \\<script\\>alert(1)"))
    assert row == ("| \\<script\\>alert(1)\\</script\\> | \\</script\\>\\<script\\>alert(2)\\</script\\>\\<!-- \\| b c "
                   "| alumina | not stated; 100.0 % assumed | not stated | non-essential input | [2] |")


def test_html_report_shows_the_payloads_as_text(outputs):
    page = Page(outputs["r.html"])
    assert page.tags <= REPORT_HTML_TAGS, page.tags - REPORT_HTML_TAGS
    assert page.dangerous() == [] and page.scripts == []
    text = page.plain()
    for shown in SHOWN:
        assert shown in text


def test_view_data_parses_back_to_the_labels_and_breaks_out_of_nothing(outputs):
    html = outputs["v.html"]
    page = Page(html)
    assert page.dangerous() == [("link", "href", "data:,")]  # the template's empty icon, nothing else
    assert page.tags == {"html", "head", "meta", "link", "title", "style", "body", "div", "header", "h1", "p",
                         "aside", "h2", "input", "script"}
    assert [a for a, _ in page.scripts] == [{"type": "application/json", "id": "kg-data"}, {}, {},
                                            {"type": "application/json", "id": "kg-tips"}]
    data, tips = json.loads(page.scripts[0][1]), json.loads(page.scripts[3][1])
    assert sorted(n["label"] for n in data["nodes"]) == sorted([SCRIPT, " ".join(FIRM_B.split())])
    # the names keep the label as written (the label itself has its white space collapsed)
    assert sorted(x for n in data["nodes"] for x in n["names"]) == sorted([SVG, LINK, FIRM_B])
    assert [q[1] for q in tips["quotes"]] == [QUOTE]
    for block in (page.scripts[0][1], page.scripts[3][1]):
        assert not set("<>&\u2028\u2029") & set(block)
