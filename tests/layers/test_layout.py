"""The shape of layers/'s imports, read from the source (issue 17).

Python runs a package's ``__init__`` before any module in it, so importing
``layers.store.base`` also imports ``layers.store``: the graph here has an edge to
each package an import enters (not to the importer's own packages, which are
already being imported). On that graph, inside ``layers/``:

- there is no import loop;
- no GeoPackage module (``gpkg*``) imports a PostGIS one (``postgis``, ``pg_*``)
  or the other way round;
- no project import hides inside a function or under ``TYPE_CHECKING``, where
  loops used to be dodged;
- nothing is imported from ``webmap``, ``scripts`` or ``tests``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("geo", "layers", "webmap", "scripts", "tests")
ABOVE_LAYERS = ("webmap", "scripts", "tests")


@dataclass
class Graph:
    """Modules of a source tree and the imports between them."""

    modules: set[str] = field(default_factory=set)
    edges: dict[str, set[str]] = field(default_factory=dict)
    hidden: list[tuple[str, int, str]] = field(default_factory=list)


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import of a module and whether it runs at import time."""

    def walk(node: ast.AST, top: bool) -> Iterator[tuple[ast.AST, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from walk(child, False)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                yield from walk(child, False)
            else:
                yield child, top
                yield from walk(child, top)

    for node, top in walk(tree, True):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, top


def targets(
    node: ast.Import | ast.ImportFrom, package: str, modules: set[str]
) -> set[str]:
    """The modules an import names (``from pkg import mod`` names mod too).

    ``package`` is the importer's package, for relative imports.
    """
    if isinstance(node, ast.Import):
        return {a.name for a in node.names}
    base = node.module or ""
    if node.level:
        parts = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*parts, *([base] if base else [])])
    found = {base}
    found |= {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules}
    return found


def read_graph(root: Path, packages: tuple[str, ...]) -> Graph:
    """The import graph of ``packages`` under ``root`` (see the module docstring)."""
    paths = {
        module_name(root, p): p for pkg in packages for p in (root / pkg).rglob("*.py")
    }
    graph = Graph(modules=set(paths))
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        mine = {name, *ancestors(name)}
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        out: set[str] = set()
        for node, top in imports(tree):
            named = sorted(
                t
                for t in targets(node, package, graph.modules)
                if t.split(".")[0] in PROJECT
            )
            if named and not top:
                graph.hidden.append((name, node.lineno, named[0]))
                continue
            for target in named:
                entered = [target, *ancestors(target)]
                out |= {t for t in entered if t in graph.modules and t not in mine}
        graph.edges[name] = out
    return graph


def loops(graph: Graph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph.modules):
        if node not in index:
            visit(node)
    return found


def backend(name: str) -> str | None:
    """ "gpkg" or "postgis" for a backend's module, else None."""
    last = name.rsplit(".", 1)[-1]
    if last.startswith("gpkg"):
        return "gpkg"
    if last == "postgis" or last.startswith("pg_"):
        return "postgis"
    return None


def crossings(graph: Graph) -> list[tuple[str, str]]:
    """Imports from a module of one backend to a module of the other."""
    return [
        (name, target)
        for name, out in sorted(graph.edges.items())
        for target in sorted(out)
        if {backend(name), backend(target)} == {"gpkg", "postgis"}
    ]


@pytest.fixture(scope="module")
def layers_graph() -> Graph:
    return read_graph(ROOT, ("geo", "layers"))


def test_layers_has_no_import_loop(layers_graph: Graph) -> None:
    assert loops(layers_graph) == []


def test_no_backend_module_imports_the_other_backend(layers_graph: Graph) -> None:
    assert crossings(layers_graph) == []


def test_no_import_hides_in_a_function_or_under_type_checking(
    layers_graph: Graph,
) -> None:
    assert layers_graph.hidden == []


def test_layers_and_geo_import_nothing_above_them(layers_graph: Graph) -> None:
    upward = [
        (name, target)
        for name, out in layers_graph.edges.items()
        for target in out
        if target.split(".")[0] in ABOVE_LAYERS
    ]
    geo_up = [
        (name, target)
        for name, out in layers_graph.edges.items()
        if name.startswith("geo")
        for target in out
        if target.startswith("layers")
    ]
    assert (upward, geo_up) == ([], [])


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_checks_see_a_loop_through_a_package_init(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "layers/__init__.py": "",
            "layers/store/__init__.py": "from layers.store.open import x\n",
            "layers/store/open.py": "from layers.feat import y\n",
            "layers/store/base.py": "",
            "layers/feat/__init__.py": "from layers.store.base import z\n",
        },
    )
    assert loops(read_graph(tmp_path, ("layers",))) == [
        ["layers.feat", "layers.store", "layers.store.open"]
    ]


def test_the_checks_see_hidden_imports_and_crossed_backends(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "layers/__init__.py": "",
            "layers/f/__init__.py": "",
            "layers/f/gpkg.py": "from layers.f import postgis\n",
            "layers/f/postgis.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from layers.f import gpkg\n"
                "def g():\n    import layers.f.gpkg\n"
            ),
        },
    )
    graph = read_graph(tmp_path, ("layers",))
    assert crossings(graph) == [("layers.f.gpkg", "layers.f.postgis")]
    assert sorted((m, line) for m, line, _ in graph.hidden) == [
        ("layers.f.postgis", 3),
        ("layers.f.postgis", 5),
    ]
