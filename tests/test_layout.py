"""The package's shape, checked from its source: imports flow only down the
stages (base -> read -> count -> reports -> output -> browse -> watch ->
cli), the core never draws, and no module imports itself back through others.

Every import counts, including those inside functions, which is how the
package keeps `--help` fast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from clirun import ROOT

PACKAGE = ROOT / "src" / "apihourly"
# Lower stages first; a module may import its own stage or a lower one.
STAGES = ("base", "read", "count", "reports", "output", "browse", "watch", "cli")
FORBIDDEN = {  # stage -> (stages, third-party packages) it must not import, beyond the order
    "browse": ({"read", "count"}, set()),  # screens ask reports and draw with output
    "watch": ({"browse"}, {"textual"}),  # follows, counts, reports and draws: not the app
    "reports": (set(), {"rich", "typer", "textual"}),
    "count": (set(), {"rich", "typer", "textual"}),
    "read": (set(), {"rich", "typer", "textual", "pandas"}),
    "base": (set(), {"rich", "typer", "textual", "pandas"}),
}


def module_names(root: Path, package: str = "apihourly") -> dict[str, Path]:
    """Dotted module name -> file, for every module under `root`."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module `name` imports, anywhere in its file: package modules
    by full dotted name, third-party ones by their top-level name."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:  # `from . import formats` imports a module
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {m if m in modules else m.split(".")[0] for m in found}


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1]
    return "cli" if parts[-1] in ("cli", "__main__") else "base"


def wrong_way(edges: dict[str, set[str]]) -> list[str]:
    """Each import that climbs a stage or reaches something its stage must not."""
    problems = []
    for source, targets in sorted(edges.items()):
        here = stage_of(source)
        stages, third_party = FORBIDDEN.get(here, (set(), set()))
        for target in sorted(targets):
            if target.startswith("apihourly"):
                there = stage_of(target)
                if STAGES.index(there) > STAGES.index(here) or there in stages:
                    problems.append(f"{source} ({here}) imports {target} ({there})")
            elif target in third_party:
                problems.append(f"{source} ({here}) imports {target}")
    return problems


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles among package modules (each found once per start)."""
    found, done = [], set()

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(edges.get(module, ())):
            if target in path:
                found.append(path[path.index(target):] + [target])
            elif target in edges and target not in done:
                visit(target, path + [target])
        done.add(module)

    for module in sorted(edges):
        if module not in done:
            visit(module, [module])
    return found


def edges_under(root: Path) -> dict[str, set[str]]:
    modules = module_names(root)
    return {name: imports_of(name, path, modules) - {name} for name, path in modules.items()}


def test_every_import_flows_down_the_stages():
    assert wrong_way(edges_under(PACKAGE)) == []


def test_no_module_imports_itself_back():
    assert cycles(edges_under(PACKAGE)) == []


def test_every_stage_is_a_folder_with_modules():
    modules = module_names(PACKAGE)
    for stage in STAGES[1:-1]:
        assert f"apihourly.{stage}" in modules and any(m.startswith(f"apihourly.{stage}.") for m in modules)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("files, problem", [
    ({"read/__init__.py": "", "read/scan.py": "def f():\n    from ..reports import model\n",
      "reports/__init__.py": "", "reports/model.py": ""},
     "apihourly.read.scan (read) imports apihourly.reports.model (reports)"),
    ({"reports/__init__.py": "", "reports/model.py": "import rich.text\n"},
     "apihourly.reports.model (reports) imports rich"),
    ({"browse/__init__.py": "", "browse/app.py": "from ..count.codes import CodeBook\n",
      "count/__init__.py": "", "count/codes.py": ""},
     "apihourly.browse.app (browse) imports apihourly.count.codes (count)"),
    ({"schema.py": "from .output import cells\n", "output/__init__.py": "", "output/cells.py": ""},
     "apihourly.schema (base) imports apihourly.output.cells (output)"),
])
def test_the_check_catches_a_wrong_way_import(tmp_path, files, problem):
    assert wrong_way(edges_under(_tree(tmp_path, files))) == [problem]


def test_the_check_catches_a_cycle_through_a_lazy_import(tmp_path):
    root = _tree(tmp_path, {"output/__init__.py": "", "output/tables.py": "from .limits import chart\n",
                            "output/limits.py": "def chart():\n    from . import tables\n"})
    assert cycles(edges_under(root)) == [["apihourly.output.limits", "apihourly.output.tables",
                                          "apihourly.output.limits"]]
