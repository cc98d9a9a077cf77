"""The layout: the packages the wheel declares are the folders on disk, no folder shadows the package,
and the layers import each other only downwards."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE_DIRS: dict[str, str] = PYPROJECT["tool"]["setuptools"]["package-dir"]
SERVICE_PARTS = ("runtime", "web", "protocol", "api")

# Which layers each layer may import (its own is always allowed). Lowest first.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "ontology": {"core"},
    "loaders": {"core", "ontology"},
    "graph": {"core", "ontology"},
    "queries": {"core", "ontology", "graph"},
    "pipeline": {"core", "ontology", "loaders", "graph"},
    "service.runtime": {"core", "ontology", "graph", "queries", "pipeline"},
    "service.web": {"core", "ontology", "graph", "queries", "pipeline", "service.runtime"},
    "service.protocol": {"core", "ontology", "graph", "queries", "pipeline", "service.runtime", "service.web"},
    "service.api": {
        "core",
        "ontology",
        "graph",
        "queries",
        "pipeline",
        "service.runtime",
        "service.web",
        "service.protocol",
    },
    "service": {"core", "ontology", "graph", "queries", "pipeline", *(f"service.{p}" for p in SERVICE_PARTS)},
    "cli": {"core", "ontology", "loaders", "graph", "queries", "pipeline", "service"},
}
# Entry points may reach up: `python -m dragonbear` runs the CLI.
ENTRY_POINTS = {"core/__main__.py"}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "dragonbear":
        return None
    if len(parts) == 1 or parts[1] not in {name.split(".")[1] for name in PACKAGE_DIRS if "." in name}:
        return "core"
    if parts[1] == "service" and len(parts) > 2 and parts[2] in SERVICE_PARTS:
        return f"service.{parts[2]}"
    return parts[1]


def _modules() -> dict[Path, str]:
    """Every module of the package on disk, with its dotted name."""
    found = {}
    for package, folder in PACKAGE_DIRS.items():
        for path in (ROOT / folder).rglob("*.py"):
            rel = path.relative_to(ROOT / folder).with_suffix("")
            if any(part in {"static", "data"} for part in rel.parts):
                continue
            found[path] = ".".join([package, *rel.parts]).removesuffix(".__init__")
    return found


def _imports(path: Path) -> list[tuple[int, str]]:
    """The modules ``path`` imports, anywhere in it (functions included), with their lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def _packages_on_disk() -> set[str]:
    packages = set()
    for package, folder in PACKAGE_DIRS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            packages.add(".".join([package, *rel.parts]))
    return packages


def test_no_folder_at_the_top_is_named_like_the_package() -> None:
    assert not (ROOT / "dragonbear").exists(), "a `dragonbear/` folder in a checkout shadows an installed copy"


def test_the_packages_declared_are_the_packages_on_disk() -> None:
    declared = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert declared == _packages_on_disk()
    assert all((ROOT / folder).is_dir() for folder in PACKAGE_DIRS.values())


def test_layers_import_only_the_layers_below_them() -> None:
    wrong = []
    for path, module in _modules().items():
        rel = path.relative_to(ROOT).as_posix()
        source = _layer(module)
        assert source in ALLOWED, f"{rel}: no rule for layer {source}"
        for line, target in _imports(path):
            dest = _layer(target)
            if dest is None or dest == source or rel in ENTRY_POINTS:
                continue
            if dest not in ALLOWED[source]:
                wrong.append(f"{rel}:{line} ({source}) imports {target} ({dest})")
    assert not wrong, "imports against the layer rules:\n" + "\n".join(wrong)


def test_the_allowed_directions_have_no_cycle_and_graph_and_loaders_are_apart() -> None:
    graph = nx.DiGraph([(a, b) for a, targets in ALLOWED.items() for b in targets])
    assert nx.is_directed_acyclic_graph(graph)
    assert "loaders" not in ALLOWED["graph"] and "graph" not in ALLOWED["loaders"]


def test_settings_import_no_layer() -> None:
    settings = ROOT / PACKAGE_DIRS["dragonbear"] / "settings.py"
    imported = {target for _, target in _imports(settings) if target.startswith("dragonbear")}
    assert {_layer(t) for t in imported} <= {"core"}, imported
    assert imported <= {"dragonbear.errors", "dragonbear.endpoints", "dragonbear.addresses"}, imported


@pytest.mark.parametrize("package", sorted(_packages_on_disk()))
def test_each_package_says_what_lives_there_and_what_it_may_import(package: str) -> None:
    import importlib

    doc = importlib.import_module(package).__doc__ or ""
    layer_roots = set(PACKAGE_DIRS) | {f"dragonbear.service.{p}" for p in SERVICE_PARTS}
    if package in layer_roots:
        assert "What lives here" in doc or "What it may import" in doc or "imports no other layer" in doc, package
        assert "import" in doc, package


@pytest.mark.slow
def test_an_installed_wheel_runs_from_inside_the_checkout(tmp_path: Path) -> None:
    """`pip install .` (not editable), then the command in the clone: the installed copy is the one used,
    and the wheel holds exactly the packages on disk."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        cwd=tmp_path,
        timeout=600,
    )
    wheel = next((tmp_path / "dist").glob("dragonbear-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    in_wheel = {str(Path(n).parent).replace("/", ".") for n in names if n.endswith("/__init__.py")}
    assert in_wheel == _packages_on_disk()
    assert any(n.endswith("data/curated/systems.toml") for n in names)
    assert any(n.endswith("static/explorer.js") for n in names)
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = (
        "import dragonbear, dragonbear.service.app, dragonbear.service.supervisor, dragonbear.cli;"
        "print(dragonbear.__file__)"
    )
    # From inside the checkout, as `-m` does (the working directory first on sys.path):
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout.strip()
    assert Path(out).is_relative_to(site), out
    version = subprocess.run(
        [sys.executable, "-m", "dragonbear", "--version"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert version.returncode == 0 and version.stdout.startswith("dragonbear "), version.stderr


def test_only_the_embedded_store_touches_pyoxigraphs_store() -> None:
    """`GraphStore` is the one way to the store: no module but graph/store.py opens a pyoxigraph `Store`
    or reaches through an `EmbeddedStore` to the one it wraps."""
    import re

    reach = re.compile(r"\b(?:ox|pyoxigraph)\.Store\b(?!\.(?:dump|backup)\b`)|\.inner\b|\._store\b")
    found = []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        if rel == "graph/store.py":
            continue
        code = "\n".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith(("#", ">>>", ":meth:"))
        )
        found += [f"{rel}: {m.group(0)}" for m in reach.finditer(code) if "pyoxigraph.Store.dump" not in m.group(0)]
    assert not found, found


@pytest.mark.slow  # a Python process of its own
def test_the_package_runs_without_pyshacl() -> None:
    """pySHACL is optional (``dragonbear[shacl]``, for the tests' cross-checks): no module of the package
    imports it when loaded, and the wheel does not require it."""
    modules = sorted(m for m in _modules().values() if not m.endswith("__main__"))
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n    importlib.import_module(name)\n"
        "print('pyshacl' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
    assert not any(dep.startswith("pyshacl") for dep in PYPROJECT["project"]["dependencies"])


def test_the_tests_mirror_the_source_folders() -> None:
    """Each test module lives in the folder of the layer it tests (``tests/graph/`` for ``graph/``...);
    only the checks of the whole tree stay at the top."""
    layers = {folder if folder != "core" else "core" for folder in PACKAGE_DIRS.values()}
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name not in ("data", "__pycache__")}
    assert folders <= layers, folders - layers
    top = sorted(p.name for p in (ROOT / "tests").glob("test_*.py"))
    assert top == ["test_doctests.py", "test_layout.py"], top


# Habit 3 of the style guide: small modules (aim for 300 lines, split before 500) and functions under 60
# lines, counted from ``def`` to the last line, docstring included. Lines of the package's modules only
# (not tests/, not bench/).
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 500, 60
# Known exceptions, each with its reason. An entry that is no longer needed fails the test: remove it.
LONG_MODULES_ALLOWED: dict[str, str] = {}
LONG_FUNCTIONS_ALLOWED: dict[str, str] = {}


def _function_lengths(path: Path) -> dict[str, int]:
    """The length in lines of every function of ``path`` (methods and nested functions too), by
    qualified name (``Class.method``, ``outer.inner``)."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    assert child.end_lineno is not None
                    lengths[name] = child.end_lineno - child.lineno + 1
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return lengths


def test_modules_are_under_500_lines() -> None:
    lines = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines()) for path in _modules()
    }
    long = {rel: n for rel, n in lines.items() if n > MAX_MODULE_LINES}
    unexpected = sorted(f"{rel}: {n} lines" for rel, n in long.items() if rel not in LONG_MODULES_ALLOWED)
    assert not unexpected, f"modules over {MAX_MODULE_LINES} lines (split them):\n" + "\n".join(unexpected)
    stale = sorted(set(LONG_MODULES_ALLOWED) - set(long))
    assert not stale, f"no longer over {MAX_MODULE_LINES} lines: remove from LONG_MODULES_ALLOWED: {stale}"


def test_functions_are_under_60_lines() -> None:
    long = {
        f"{path.relative_to(ROOT).as_posix()}:{name}": n
        for path in _modules()
        for name, n in _function_lengths(path).items()
        if n > MAX_FUNCTION_LINES
    }
    unexpected = sorted(f"{where}: {n} lines" for where, n in long.items() if where not in LONG_FUNCTIONS_ALLOWED)
    assert not unexpected, f"functions over {MAX_FUNCTION_LINES} lines (extract helpers):\n" + "\n".join(unexpected)
    stale = sorted(set(LONG_FUNCTIONS_ALLOWED) - set(long))
    assert not stale, f"no longer over {MAX_FUNCTION_LINES} lines: remove from LONG_FUNCTIONS_ALLOWED: {stale}"
