"""What each file loaded into a store said: the store's records of files, one set per generation.

Beside the generations of a store folder, ``kg-files/<generation>/`` holds

- ``manifest.json``: for each loaded file, by its name (``binzhou.ttl``), its sha256, the number
  of triples, when it was loaded and from where, and the entry that holds its triples; the
  ontology's entry; and ``unrecorded`` (see below);
- the entries: each file's triples as N-Triples, blank nodes made IRIs
  (:func:`kg.rdf.skolem.write_entry`), named by the sha256 of the file (``<sha256>.nt``).

Entries never change once written: a new generation hard-links those of the one before it that
it keeps and adds its own, so a generation's records cost only the files it adds. Records of
generations that are gone are removed with them (:func:`kg.rdf.generations.remove_stale_generations`).

A store made before kg kept records has none. The first load that writes records into it copies
what the store holds (but the derived shortcuts) into the entry ``unrecorded.nt``: those triples
were said by files kg cannot name, so removing a recorded file never takes them away, and a file
loaded then cannot be removed by name (:func:`plan` says how to rebuild the store instead).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.rdf.derive import DERIVED_PREDICATES
from kg.rdf.formats import open_rdf
from kg.rdf.generations import LEDGER_DIR
from kg.utils.files import write_atomic

MANIFEST = "manifest.json"
VERSION = 1
UNRECORDED = "unrecorded.nt"


@dataclass(frozen=True)
class FileRecord:
    """One loaded file as the records hold it (``entry``: the file of its triples, in the records folder)."""

    name: str
    sha256: str
    triples: int
    loaded_at: str
    source: str
    entry: str


@dataclass
class Ledger:
    """The records of one generation. ``recorded`` is False for a store made before records were
    kept (its data, if any, is not yet in ``unrecorded``); ``unrecorded`` is the number of triples
    of that data once copied (None if there was none)."""

    folder: Path | None
    files: dict[str, FileRecord] = field(default_factory=dict)
    ontology: FileRecord | None = None
    unrecorded: int | None = None
    recorded: bool = True


def records_folder(store: Path, generation: Path) -> Path:
    return store / LEDGER_DIR / generation.name


def read_ledger(store: Path, generation: Path | None) -> Ledger:
    """The records of ``generation`` of ``store`` (an empty, recorded ledger for a new store; one
    with ``recorded`` False for a store made before records were kept)."""
    if generation is None:
        return Ledger(None)
    folder = records_folder(store, generation)
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Ledger(folder, recorded=False)
    except (OSError, ValueError) as e:
        raise StoreError(f"{store}: the records of the loaded files cannot be read ({folder / MANIFEST}: {e}); "
                         "load every file again into a new store") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise StoreError(f"{store}: {folder / MANIFEST} is not a record of loaded files kg can read "
                         f"(version {data.get('version') if isinstance(data, dict) else None!r})")
    files = {n: FileRecord(**r) for n, r in data.get("files", {}).items()}
    ontology = FileRecord(**data["ontology"]) if data.get("ontology") else None
    return Ledger(folder, files, ontology, data.get("unrecorded"))


def loaded_files(ledger: Ledger) -> list[dict]:
    """The loaded files as rows: name, triples, sha256, loaded_at, source; sorted by name."""
    return [{"name": r.name, "triples": r.triples, "sha256": r.sha256, "loaded_at": r.loaded_at, "source": r.source}
            for r in sorted(ledger.files.values(), key=lambda r: r.name)]


def now() -> str:
    """The time now, as the records write it (UTC, to the second)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- what a command will do


@dataclass
class Plan:
    """What a load, a replacement or a removal does to the files a store holds.

    ``add``: (path, sha256, whether it may hold a blank node) of the files to load; ``drop``: the
    names whose old triples go (replaced or removed); ``unchanged``: names already loaded with the
    same bytes; ``notes``: what the user should know."""

    add: list[tuple[Path, str, bool]] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not self.add and not self.drop


def check_names(paths: Sequence[Path]) -> None:
    """Refuse two files of the same name: the records know a file by its name."""
    seen: dict[str, Path] = {}
    for p in paths:
        if p.name in seen:
            raise StoreError(f"two files are named {p.name} ({seen[p.name]} and {p}): kg records each loaded file "
                             "by its name; rename one")
        seen[p.name] = p


def plan(ledger: Ledger, store: str, files: Sequence[tuple[Path, str, bool]], remove: Sequence[str], *,
         replace: bool, command: str = "kg load") -> Plan:
    """What to do, or a :class:`StoreError` that refuses it before anything is written.

    ``files`` are (path, sha256, may hold a blank node). A file whose name is recorded with the
    same sha256 is unchanged; with another one it is refused unless ``replace``. ``remove`` are
    names to remove: each must be recorded.
    """
    out = Plan()
    for path, digest, blank in files:
        old = ledger.files.get(path.name)
        if old is not None and old.sha256 == digest:
            out.unchanged.append(path.name)
            continue
        if old is not None and not replace:
            raise StoreError(
                f"{path}: a file named {path.name} was loaded into {store} before, with other content (sha256 "
                f"{old.sha256[:12]}…, now {digest[:12]}…); to replace what it said, load it with --replace "
                f"(`{command} --replace {path}`); nothing was changed")
        if old is not None:
            out.drop.append(path.name)
            out.replaced.append(path.name)
        elif replace:
            out.notes.append(f"{path.name} was not loaded before: loaded as a new file"
                             + (unrecorded_hint(ledger) if not ledger.recorded or ledger.unrecorded else ""))
        out.add.append((path, digest, blank))
    if out.unchanged:
        out.notes.insert(0, f"already loaded, the same bytes (nothing added from them): {', '.join(out.unchanged)}")
    for name in dict.fromkeys(Path(n).name for n in remove):
        if name not in ledger.files:
            raise StoreError(unknown_name(ledger, store, name))
        out.drop.append(name)
    return out


def unrecorded_hint(ledger: Ledger) -> str:
    return ("; the store holds data loaded before kg kept records of files: if it was loaded then, what it said "
            "then stays (to drop it, load every file again into a new store)")


def unknown_name(ledger: Ledger, store: str, name: str) -> str:
    names = ", ".join(sorted(ledger.files)) or "none"
    message = f"{store}: no file named {name!r} is recorded as loaded; the loaded files: {names}"
    if not ledger.recorded or ledger.unrecorded:
        message += (f". {store} also holds data loaded before kg kept records of files: a file loaded then cannot "
                    "be removed by name; to correct it, load every file again into a new store "
                    "(`kg load FILES… --store NEW`), then use the new store")
    return message


# ---------------------------------------------------------------- writing a generation's records


class LedgerWriter:
    """The records of a new generation, written beside it: entries first, the manifest last
    (:meth:`commit`); :meth:`discard` removes them if the generation is not committed."""

    def __init__(self, store: Path, generation: Path, base: Ledger):
        self.base = base
        self.folder = records_folder(store, generation)
        self.folder.mkdir(parents=True, exist_ok=False)
        self.files = dict(base.files)
        self.ontology = base.ontology
        self.unrecorded = base.unrecorded

    def entry(self, digest: str) -> Path:
        return self.folder / f"{digest}.nt"

    def carry(self, drop: Iterable[str]) -> None:
        """Keep every record of the base generation but ``drop``: its entry is hard-linked."""
        for name in drop:
            self.files.pop(name, None)
        for entry in self.kept_entries():
            _link(self.base.folder / entry.name, entry)

    def kept_entries(self) -> list[Path]:
        """The entries of the records this generation holds so far, the ontology and the unrecorded data included."""
        kept = [r.entry for r in self.files.values()]
        if self.ontology is not None:
            kept.append(self.ontology.entry)
        if self.unrecorded is not None:
            kept.append(UNRECORDED)
        return [self.folder / e for e in dict.fromkeys(kept)]

    def record(self, rec: FileRecord, *, ontology: bool = False) -> None:
        if ontology:
            self.ontology = rec
        else:
            self.files[rec.name] = rec

    def snapshot_unrecorded(self, ox_store) -> int:
        """Copy what ``ox_store`` holds but the derived shortcuts into ``unrecorded.nt``; its triples."""
        skip = ", ".join(f"<{p}>" for p in DERIVED_PREDICATES)
        triples = ox_store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?p NOT IN ({skip})) }}")
        count = 0

        def counted():
            nonlocal count
            for t in triples:
                count += 1
                yield t

        with open(self.folder / UNRECORDED, "wb") as out:
            ox.serialize(counted(), out, ox.RdfFormat.N_TRIPLES)
        self.unrecorded = count
        return count

    def commit(self) -> None:
        manifest = {
            "version": VERSION,
            "files": {n: asdict(r) for n, r in sorted(self.files.items())},
            "ontology": asdict(self.ontology) if self.ontology is not None else None,
            "unrecorded": self.unrecorded,
        }
        write_atomic(self.folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _link(source: Path, target: Path) -> None:
    if target.exists():
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)  # a file system without hard links


# ---------------------------------------------------------------- what the other files say


@dataclass
class Removal:
    """What :func:`removal` found: ``gone``, the triples to take out of the store; ``stated``, the
    derived-predicate triples the files that stay state; ``fresh``, for each entry of ``diff``,
    its triples that the old entries did not hold, and ``counted``, its statements."""

    gone: list
    stated: set
    fresh: dict[Path, list]
    counted: dict[Path, int]


def removal(old_entries: Sequence[Path], kept_entries: Sequence[Path], diff: Iterable[Path] = ()) -> Removal:
    """What changes when the files of ``old_entries`` go and those of ``kept_entries`` (other files,
    new files, the ontology, the unrecorded data) stay: a triple of an old entry goes unless a
    kept entry says it too. For the kept entries of ``diff`` (the new versions of replaced files)
    only the triples the old entries lack need adding. Triples are quads of the default graph.
    """
    said: dict = {}  # a triple of an old entry -> whether a kept entry says it too
    for entry in old_entries:
        said.update(dict.fromkeys(_quads(entry), False))
    derived = {ox.NamedNode(p) for p in DERIVED_PREDICATES}
    diff = set(diff)
    stated, fresh, counted = set(), {}, {}
    for entry in kept_entries:
        new = fresh[entry] = [] if entry in diff else None
        n = 0
        for q in _quads(entry):
            n += 1
            if q in said:
                said[q] = True
            elif new is not None:
                new.append(q)
            if q.predicate in derived:
                stated.add(q)
        counted[entry] = n
    return Removal([q for q, kept in said.items() if not kept], stated,
                   {e: f for e, f in fresh.items() if f is not None}, counted)


def _quads(entry: Path):
    """The triples of an entry (N-Triples that kg wrote or copied, and loaded already; a copy may
    start with a byte-order mark)."""
    with open_rdf(entry) as file:
        yield from ox.parse(file, format=ox.RdfFormat.N_TRIPLES, lenient=True)


def remove_quads(ox_store, quads: Iterable) -> int:
    """Remove ``quads`` from ``ox_store``; how many it held."""
    before = len(ox_store)
    for q in quads:
        ox_store.remove(q)  # nothing if it is not there
    return before - len(ox_store)
