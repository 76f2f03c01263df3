"""The house's layering, read from the source: no import cycle in procmine, and no face reaching past
the EventLog's public surface into its `base` or its masks."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "procmine"
# The engine owns the base arrays and the masks; every other module reads a log through its surface.
ENGINE = {"procmine.eventlog", "procmine.eventbase", "procmine.variant_grouping", "procmine.view_memo"}
ENGINE_PACKAGES = ("procmine.analysis",)
PRIVATE = {"base", "case_mask", "event_mask", "_selection", "_stacked"}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The procmine modules `name` imports anywhere (top level, in functions, under TYPE_CHECKING)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the graph as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}   # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle_and_passes_a_tree():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_procmine_has_no_import_cycle():
    known = modules()
    graph = {name: {t for t in imports(name, path, known) if not name.startswith(t + ".")}
             for name, path in known.items()}
    # A module importing its own package (procmine.x.y -> procmine.x) runs the package's
    # __init__ first; that is no layering, so only the package's own imports count.
    found = cycle(graph)
    assert found is None, "import cycle: " + " -> ".join(found)


def private_uses(path: Path, root: Path = ROOT) -> list[str]:
    """`x.base`, `x.case_mask`... read on anything but `self` in a module."""
    uses = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                uses.append(f"{path.relative_to(root)}:{node.lineno}: .{node.attr}")
    return uses


def test_the_private_use_finder_sees_a_reach_into_base(tmp_path):
    face = tmp_path / "face.py"
    face.write_text("def f(log):\n    return log.base.cases, state.full_log().event_mask, self.base\n")
    assert sorted(use.rsplit(": ", 1)[1] for use in private_uses(face, tmp_path)) == [".base", ".event_mask"]


def test_no_module_outside_the_engine_reaches_into_a_log():
    outside = [path for name, path in modules().items()
               if name not in ENGINE and not name.startswith(ENGINE_PACKAGES)]
    faces = outside + [ROOT / "app.py"]
    assert any(p.name == "cases_page.py" for p in faces) and len(faces) > 100
    found = [use for path in faces for use in private_uses(path)]
    assert found == [], "use the EventLog's public surface instead:\n" + "\n".join(found)
