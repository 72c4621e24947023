"""The package's shape, held: ``ls ratchet/`` draws the pipeline, imports run one way down
it, and no module or function grows past what a reader takes in at once (CONTRIBUTING.md,
"The layout")."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from tests.conftest import nodes

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parent.parent / "ratchet"

# Lowest first: a module may import its own layer and the layers below it, never above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("ratchet", "ratchet.errors"),
    ("ratchet.core",),
    ("ratchet.readers",),
    ("ratchet.store",),
    ("ratchet.intake", "ratchet.checking"),
    ("ratchet.render",),
    ("ratchet.github",),
    ("ratchet.commands",),
    ("ratchet.cli", "ratchet.__main__"),
)
MAX_TOP_LEVEL = 10  # modules beside cli.py
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
# Tests mirror the package: ratchet/<folder>/<module>.py has tests/<folder>/test_<module>.py.
MIN_MIRRORED = 0.85


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _layer(module: str) -> int:
    best = None
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            within = module == prefix or module.startswith(prefix + ".")
            if within and (best is None or len(prefix) > best[1]):
                best = (rank, len(prefix))
    assert best is not None, f"{module} belongs to no layer: add it to LAYERS"
    return best[0]


@functools.cache
def _imports(module: str, path: Path) -> frozenset[str]:
    """The ratchet modules ``module`` imports (at any depth of the file, lazily or not)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in nodes(path):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "ratchet")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.split(".")[0] != "ratchet":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.add(sub if sub in MODULES else base)
    return frozenset(out)


def test_imports_run_down_the_pipeline():
    upward = [
        f"{module} imports {target}"
        for module, path in MODULES.items()
        for target in _imports(module, path)
        if _layer(target) > _layer(module)
    ]
    assert upward == []


def test_no_import_cycles():
    graph = {m: {t for t in _imports(m, p) if t in MODULES and t != m} for m, p in MODULES.items()}
    # A package's __init__ importing its own modules is how a package is built, not a cycle.
    for m in graph:
        graph[m] = {t for t in graph[m] if not t.startswith(m + ".")}
    state: dict[str, int] = {}
    cycles = []

    def visit(m: str, trail: list[str]) -> None:
        state[m] = 1
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                cycles.append(" -> ".join([*trail[trail.index(t) :], t]))
            elif t not in state:
                visit(t, [*trail, t])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_the_top_level_draws_the_pipeline():
    top = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "cli.py")
    assert len(top) <= MAX_TOP_LEVEL, top
    rooms = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert rooms == {"commands", "core", "github", "readers", "render", "store"}


def test_no_module_over_500_lines():
    long = {
        str(p.relative_to(PACKAGE.parent)): n
        for p in MODULES.values()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_over_80_lines():
    long: dict[str, int] = {}
    for path in MODULES.values():
        for node in nodes(path):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                assert node.end_lineno is not None
                n = node.end_lineno - start + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(PACKAGE.parent).as_posix()} {node.name}"] = n
    # Decorators and docstring included.
    assert long == {}


def test_tests_mirror_the_package():
    # __init__ and __main__ are how a package is built and started, not modules to test.
    modules = [p for p in MODULES.values() if p.name not in ("__init__.py", "__main__.py")]
    tests = PACKAGE.parent / "tests"
    missing = sorted(
        p.relative_to(PACKAGE).as_posix()
        for p in modules
        if not (tests / p.relative_to(PACKAGE).parent / f"test_{p.name}").is_file()
    )
    assert len(modules) - len(missing) >= MIN_MIRRORED * len(modules), missing


@pytest.mark.parametrize(
    ("module", "target", "upward"),
    [
        ("ratchet.core.rules", "ratchet.store.git", True),
        ("ratchet.store.git", "ratchet.errors", False),
    ],
)
def test_layer__ranks_the_pipeline(module, target, upward):
    assert (_layer(target) > _layer(module)) is upward
