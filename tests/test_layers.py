"""The layer rule of ARCHITECTURE.md 3.2, checked on the source with ``ast`` (kg is never imported).

Each rule is one test. A failure lists the offenders as ``path:line  detail``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "kg"
MAX_LINES = 400

# Lowest first. A module may import from a lower layer, or from its own group (the same
# subpackage). Groups in one layer are siblings and may not import each other, except in the base.
LAYERS: list[tuple[str, ...]] = [
    ("kg", "kg.errors", "kg.vocab", "kg.utils", "kg.data"),  # base ("kg": kg/__init__)
    ("kg.rdf",),
    ("kg.validation",),
    ("kg.ingest", "kg.synth"),
    ("kg.lookup",),
    ("kg.network",),
    ("kg.analysis", "kg.render"),
    ("kg.services",),
    ("kg.cli",),
    ("kg.__main__",),
]

# Who may import the RDF libraries: the data layer and kg.vocab.terms (it defines rdflib namespaces).
RDF_LIBRARIES = ("rdflib", "pyoxigraph", "oxrdflib", "pyshacl")
RDF_ALLOWED = (
    "kg.rdf",
    "kg.validation",
    "kg.ingest",
    "kg.vocab.terms",  # defines the rdflib Namespace / DefinedNamespace objects
    "kg.synth",  # ARCHITECTURE 3.2 rule 3 lists it; only kg.synth.plan imports pyoxigraph today
)
# Temporary exceptions, one per module, each with the reason; remove them to tighten the rule.
# (kg.network and kg.lookup go through kg.rdf.graph.select and need none today.)
RDF_EXCEPTIONS: dict[str, str] = {}

CLICK_ALLOWED = ("kg.cli",)


# --------------------------------------------------------------------------------------- walker


@dataclass(frozen=True)
class Import:
    importer: str  # module doing the import
    target: str  # module imported (for ``from m import n``: m.n when that is a module, else m)
    names: tuple[str, ...]  # names taken by ``from m import ...``; () for ``import m``
    path: Path
    line: int
    local: bool  # inside a function body

    def where(self, root: Path) -> str:
        return f"{self.path.relative_to(root)}:{self.line}"


@dataclass
class Scan:
    root: Path
    package: str
    modules: dict[str, Path] = field(default_factory=dict)
    imports: list[Import] = field(default_factory=list)  # every import, kg or not
    private_uses: list[tuple[str, Path, int, str]] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    def internal(self) -> list[Import]:
        p = self.package
        return [i for i in self.imports if i.target == p or i.target.startswith(p + ".")]


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    """Resolve a relative ``from`` import."""
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _dotted(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def scan(root: Path = ROOT, package: str = PACKAGE) -> Scan:
    result = Scan(root, package)
    for path in sorted((root / package).rglob("*.py")):
        result.modules[module_name(root, path)] = path
    for module, path in result.modules.items():
        text = path.read_text(encoding="utf-8")
        result.lines[module] = len(text.splitlines())
        tree = ast.parse(text, filename=str(path))
        _walk_module(result, module, path, tree)
    return result


def _walk_module(result: Scan, module: str, path: Path, tree: ast.Module) -> None:
    is_package = path.name == "__init__.py"
    pkg = result.package
    aliases: dict[str, str] = {}  # local name -> kg module it is bound to

    def visit(node: ast.AST, local: bool) -> None:
        if isinstance(node, ast.Import):
            for a in node.names:
                result.imports.append(Import(module, a.name, (), path, node.lineno, local))
                if a.name == pkg or a.name.startswith(pkg + "."):
                    if a.asname:
                        aliases[a.asname] = a.name
                    else:
                        aliases[a.name.split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, is_package, node.level, node.module)
            names = tuple(a.name for a in node.names)
            targets = []
            for a in node.names:
                sub = f"{source}.{a.name}"
                if sub in result.modules:
                    targets.append(sub)
                    aliases[a.asname or a.name] = sub
            if len(targets) < len(names):  # some names are attributes of the source module
                targets.insert(0, source)
            for t in targets:
                result.imports.append(Import(module, t, names, path, node.lineno, local))
        elif isinstance(node, ast.Attribute):
            chain = _dotted(node)
            if chain and chain[0] in aliases:
                full = [*aliases[chain[0]].split("."), *chain[1:]]
                for i in range(1, len(full)):
                    if ".".join(full[:i]) in result.modules and _is_private(full[i]):
                        result.private_uses.append((module, path, node.lineno, ".".join(full[: i + 1])))
                        break
            if chain:
                return  # the chain was handled whole
        inner = local or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)


# ------------------------------------------------------------------------------------------ rules


def layer_of(module: str) -> tuple[int, str]:
    """(layer index, group) by the longest matching prefix; (-1, module) when in no layer."""
    best = (-1, module)
    length = -1
    for index, groups in enumerate(LAYERS):
        for group in groups:
            if (module == group or module.startswith(group + ".")) and len(group) > length:
                best, length = (index, group), len(group)
    return best


def upward_imports(s: Scan) -> list[str]:
    bad = []
    for i in s.internal():
        (li, gi), (lt, gt) = layer_of(i.importer), layer_of(i.target)
        if li < 0 or lt < 0:
            bad.append(f"{i.where(s.root)}  {i.importer} -> {i.target} (module in no layer)")
        elif lt > li or (lt == li and gi != gt and li != 0):
            bad.append(f"{i.where(s.root)}  {i.importer} ({gi}) -> {i.target} ({gt})")
    return bad


def unresolved_imports(s: Scan) -> list[str]:
    return [
        f"{i.where(s.root)}  {i.importer} -> {i.target}"
        for i in s.internal()
        if i.target not in s.modules
    ]


def cycles(s: Scan) -> list[str]:
    """Strongly connected components (more than one module, or a self-import) of the import graph."""
    graph: dict[str, set[str]] = {m: set() for m in s.modules}
    for i in s.internal():
        if i.target in s.modules:
            graph[i.importer].add(i.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[str] = []
    counter = 0
    for start in graph:  # iterative Tarjan
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1 or v in graph[v]:
                        found.append(" <-> ".join(sorted(comp)))
    return sorted(found)


def _allowed(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def third_party(s: Scan, libraries: tuple[str, ...], allowed: tuple[str, ...]) -> list[str]:
    return [
        f"{i.where(s.root)}  {i.importer} imports {i.target}"
        for i in s.imports
        if i.target.split(".")[0] in libraries and not _allowed(i.importer, allowed)
    ]


def private_imports(s: Scan) -> list[str]:
    bad = [
        f"{i.where(s.root)}  {i.importer}: from {i.target} import {n}"
        for i in s.internal()
        if i.target != i.importer
        for n in i.names
        if _is_private(n)
    ]
    bad += [f"{p.relative_to(s.root)}:{line}  {m}: {expr}" for m, p, line, expr in s.private_uses]
    return sorted(set(bad))


def local_imports(s: Scan) -> list[str]:
    return [f"{i.where(s.root)}  {i.importer} -> {i.target}" for i in s.internal() if i.local]


def long_modules(s: Scan, limit: int = MAX_LINES) -> list[str]:
    return [
        f"{p.relative_to(s.root)}: {s.lines[m]} lines"
        for m, p in s.modules.items()
        if s.lines[m] > limit
    ]


# ------------------------------------------------------------------------------------------ tests


@pytest.fixture(scope="module")
def kg_scan() -> Scan:
    s = scan()
    assert len(s.modules) > 50, f"found only {len(s.modules)} modules under {ROOT / PACKAGE}"
    return s


def report(title: str, offenders: list[str]) -> None:
    if offenders:
        pytest.fail(f"{title} ({len(offenders)}):\n  " + "\n  ".join(offenders), pytrace=False)


def test_imports_only_go_down_the_layers(kg_scan):
    report("imports that go up a layer or across siblings", upward_imports(kg_scan))


def test_kg_imports_name_existing_modules(kg_scan):
    report("imports of kg modules that do not exist", unresolved_imports(kg_scan))


def test_no_import_cycles(kg_scan):
    report("import cycles (module-level and function-local imports)", cycles(kg_scan))


def test_only_the_data_layer_imports_rdf_libraries(kg_scan):
    allowed = RDF_ALLOWED + tuple(RDF_EXCEPTIONS)
    report(f"modules outside {allowed} importing {RDF_LIBRARIES}", third_party(kg_scan, RDF_LIBRARIES, allowed))


def test_only_the_cli_imports_click(kg_scan):
    report("modules outside kg.cli importing click", third_party(kg_scan, ("click",), CLICK_ALLOWED))


def test_no_private_names_across_modules(kg_scan):
    report("uses of another module's _private name", private_imports(kg_scan))


def test_no_function_local_kg_imports(kg_scan):
    report("function-local imports of kg modules", local_imports(kg_scan))


def test_modules_are_short(kg_scan):
    report(f"modules over {MAX_LINES} lines", long_modules(kg_scan))


def test_the_checker_catches_violations(tmp_path):
    """A fake kg with one violation of each rule: every rule must report it."""
    files = {
        "kg/__init__.py": "",
        "kg/errors.py": "from kg.cli.main import run\n",  # upward
        "kg/utils/__init__.py": "",
        "kg/utils/text.py": "import kg.utils.more\n",  # cycle with kg.utils.more
        "kg/utils/more.py": "from kg.utils import text\nX = text._hidden\n",  # private attribute
        "kg/rdf/__init__.py": "",
        "kg/rdf/graph.py": "import pyoxigraph\n_private = 1\n",
        "kg/analysis/__init__.py": "",
        "kg/analysis/a.py": "from kg.render.r import x\nfrom kg.rdf.graph import _private\n",
        "kg/render/__init__.py": "",
        "kg/render/r.py": "import rdflib\nx = 1\n" + "\n" * MAX_LINES,
        "kg/cli/__init__.py": "",
        "kg/cli/main.py": "import click\n\ndef run():\n    from kg.analysis import a\n",
        "kg/services/__init__.py": "import click\nfrom kg.gone import y\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    s = scan(tmp_path)

    def hits(found: list[str], *needles: str) -> None:
        for needle in needles:
            assert any(needle in f for f in found), f"{needle!r} not reported in {found}"

    hits(upward_imports(s), "kg.errors (kg.errors) -> kg.cli.main", "kg.analysis.a (kg.analysis) -> kg.render.r")
    assert not any(f.startswith("kg/cli/") for f in upward_imports(s))
    hits(unresolved_imports(s), "kg.services -> kg.gone")
    hits(cycles(s), "kg.utils.more <-> kg.utils.text")
    rdf = third_party(s, RDF_LIBRARIES, RDF_ALLOWED)
    hits(rdf, "kg.render.r imports rdflib")
    assert not any("kg.rdf.graph" in f for f in rdf)
    hits(third_party(s, ("click",), CLICK_ALLOWED), "kg.services imports click")
    hits(private_imports(s), "from kg.rdf.graph import _private", "kg.utils.more: kg.utils.text._hidden")
    hits(local_imports(s), "kg.cli.main -> kg.analysis.a")
    hits(long_modules(s), "kg/render/r.py")
    assert len(long_modules(s)) == 1
