"""data/AUDIT.md covers the curated data: every fact node of kg/data/*.ttl has a row with a verdict."""

from __future__ import annotations

import re

from rdflib import Graph, Namespace

from kg.vocab.files import DATA_DIR

PROV = Namespace("http://www.w3.org/ns/prov#")
CKR = "https://w3id.org/cluster-kg/id/"
AUDIT = (DATA_DIR / "AUDIT.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\|(?: [a-z]+\.ttl \|)? (ckr:[^\s|]+) \| ([^|]+?) \|", re.MULTILINE)
VERDICT = re.compile(r"^(?:(?:supported|corrected|inferred|removed|added)\b|—)")
"""A verdict; "—" marks the row of a node that replaces a corrected one (the corrected row names it)."""


def test_every_fact_node_has_a_row_with_a_verdict():
    rows = {}
    for node, verdict in ROW.findall(AUDIT):
        rows.setdefault(node, set()).add(verdict.strip())
    facts = set()
    for path in sorted(DATA_DIR.glob("*.ttl")):
        g = Graph().parse(path)
        facts |= {"ckr:" + str(s).removeprefix(CKR) for s in g.subjects(PROV.wasDerivedFrom)}
    assert sorted(facts - set(rows)) == []
    bad = {n: v for n, vs in rows.items() if n in facts for v in vs if not VERDICT.match(v)}
    assert bad == {}


def test_the_summary_adds_up():
    table = re.search(r"\| \*\*all\*\* \|(.*)\|", AUDIT).group(1)
    n, s, c, i, r, a, t, h0, h1 = (int(x.strip(" *")) for x in table.split("|"))
    assert s + c + i + r == n == 173
    assert (round(100 * s / n, 1), round(100 * h0 / t, 1), round(100 * h1 / t, 1)) == (61.3, 49.2, 73.8)
    per_file = re.findall(r"^\| \w+\.ttl[^|]*\|((?: [0-9–]+ \|){9})", AUDIT, re.MULTILINE)
    columns = list(zip(*[[int(x) if x.strip() not in ("–", "") else 0 for x in row.split("|")[:-1]]
                         for row in per_file]))
    assert [sum(col) for col in columns] == [n, s, c, i, r, a, t, h0, h1]
