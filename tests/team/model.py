"""A tiny project whose coverage is known without running it: modules of plain functions,
test files that import and call them. ``lcov(tree)`` is the report ``coverage run
--source=pkg`` then ``coverage lcov`` writes for the tree's tests (coverage.py 7.18;
``test_model.py`` holds the two equal on real runs), so a simulation of many merges can have
a real-format report for every commit without a coverage.py run each.

What coverage.py does with such code: a module a test imports runs its ``def`` lines; a
function a test calls runs its body; a module no test imports is reported with every line
unrun (``--source`` names the package, so it is listed all the same).

The tree is read back from the files, not kept beside them: after git merged two branches,
what is on disk is the truth.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass, field
from pathlib import Path

PKG = "pkg"
TESTS = "tests"

# The script the real runs use: imports each test module named, calls its test_ functions.
RUNNER = """\
import importlib
import sys

sys.path.insert(0, ".")
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    for attr in sorted(dir(module)):
        if attr.startswith("test_"):
            getattr(module, attr)()
"""


@dataclass
class Tree:
    """The project's code: ``modules`` (name -> each function's name and body length),
    ``tests`` (file stem -> the functions it calls, as ``module.function``)."""

    modules: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    tests: dict[str, list[str]] = field(default_factory=dict)

    def functions(self) -> dict[str, str]:
        """Every function, ``module.function`` -> module."""
        return {f"{m}.{f}": m for m, fs in self.modules.items() for f, _ in fs}


class Broken(Exception):
    """The tests cannot run: a test calls a function that is not there (two changes that
    each pass alone, merged). CI fails before any report."""


def module_text(functions: list[tuple[str, int]]) -> str:
    return "\n\n".join(
        f"def {name}():\n" + "".join(f"    x{i} = {i}\n" for i in range(body))
        for name, body in functions
    )


def test_text(calls: list[str]) -> str:
    by_module: dict[str, list[str]] = {}
    for call in calls:
        module, name = call.split(".")
        by_module.setdefault(module, []).append(name)
    imports = "".join(
        f"from {PKG}.{m} import {', '.join(sorted(set(ns)))}\n"
        for m, ns in sorted(by_module.items())
    )
    body = "".join(f"    {c.split('.')[1]}()\n" for c in calls) or "    pass\n"
    return f"{imports}\n\ndef test_it():\n{body}"


def write(root: Path, tree: Tree) -> None:
    """The tree as files under ``root`` (``pkg/``, ``tests/``), replacing what was there."""
    for sub in (PKG, TESTS):
        shutil.rmtree(root / sub, ignore_errors=True)
        (root / sub).mkdir()
        (root / sub / "__init__.py").write_text("")
    for name, functions in tree.modules.items():
        (root / PKG / f"{name}.py").write_text(module_text(functions))
    for name, calls in tree.tests.items():
        (root / TESTS / f"test_{name}.py").write_text(test_text(calls))


def read(root: Path) -> Tree:
    """The tree on disk (``write``'s layout), as the model sees it."""
    tree = Tree()
    for path in sorted((root / PKG).glob("*.py")):
        if path.name == "__init__.py":
            continue
        fns = ast.parse(path.read_text()).body
        tree.modules[path.stem] = [
            (f.name, len(f.body)) for f in fns if isinstance(f, ast.FunctionDef)
        ]
    for path in sorted((root / TESTS).glob("test_*.py")):
        calls: list[str] = []
        where: dict[str, str] = {}
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    where[alias.name] = node.module.removeprefix(f"{PKG}.")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                # A name no import brings (git merged two edits of one test): a NameError
                # when it runs, which ``lcov`` reports as broken tests.
                calls.append(f"{where.get(node.func.id, '?')}.{node.func.id}")
        tree.tests[path.stem.removeprefix("test_")] = calls
    return tree


def lcov(tree: Tree) -> str:
    """What ``coverage run --source=pkg RUNNER tests...`` and ``coverage lcov`` write."""
    known = tree.functions()
    imported: set[str] = set()
    called: set[str] = set()
    for calls in tree.tests.values():
        for call in calls:
            if call not in known:
                raise Broken(f"a test calls {call}, which is not there")
            imported.add(known[call])
            called.add(call)
    out = [f"SF:{PKG}/__init__.py\nend_of_record\n"]
    for name in sorted(tree.modules):
        functions = tree.modules[name]
        if not functions:
            out.append(f"SF:{PKG}/{name}.py\nend_of_record\n")
            continue
        da, fn = [], []
        line = 1
        hit_lines = 0
        for fname, body in functions:
            ran = f"{name}.{fname}" in called
            da.append(f"DA:{line},{1 if name in imported else 0}\n")
            da += [f"DA:{line + i},{1 if ran else 0}\n" for i in range(1, body + 1)]
            hit_lines += (name in imported) + (body if ran else 0)
            fn.append((line + 1, line + body, fname, ran))
            line += body + 3  # the body, then two blank lines
        out.append(f"SF:{PKG}/{name}.py\n" + "".join(da))
        out.append(f"LF:{sum(1 + b for _, b in functions)}\nLH:{hit_lines}\n")
        for start, end, fname, ran in fn:
            out.append(f"FN:{start},{end},{fname}\nFNDA:{1 if ran else 0},{fname}\n")
        ran_fns = sum(1 for *_, ran in fn if ran)
        out.append(f"FNF:{len(fn)}\nFNH:{ran_fns}\nend_of_record\n")
    return "".join(out)
