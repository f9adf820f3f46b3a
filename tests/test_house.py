"""The rules of the house, read from the code with `ast`: each test names every breach.

Imports go one way, `screening` <- `archive` <- `casework` <- `web`, and `migrations/` uses
`archive` only; nothing below `web` imports Flask; `screening` imports no database, web or
queue library. No import circles between modules, no wiring by module name, no module
over 600 lines and no function over 80 lines unless a comment line in it starting with
`# long:` says why. Imports inside function bodies count like any other; only those under
`if TYPE_CHECKING:` are exempt. The tests at the end run the same checks on a small tree
of their own, so that each check is seen to fail when the rule is broken. Last, tests
never skip because a module of this repository is missing (`importorskip`).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Lowest first: each package may import those before it.
PACKAGES = ("screening", "archive", "casework", "web")
ROOTS = (*PACKAGES, "migrations")
GENERATED = ("migrations", "versions")  # Alembic revisions: long by nature
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
LONG_MARKER = "# long:"
NOT_IN_SCREENING = ("sqlalchemy", "flask", "rq", "redis", "alembic", "psycopg")
BY_NAME = ("import_module", "__import__", "find_spec", "module_exists")


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what, where, and in which scope."""

    module: str  # the importing module, e.g. "archive.records.cli"
    path: str  # its file, relative to the root
    line: int
    target: str  # the absolute module named, e.g. "web.cli"
    names: tuple[str, ...]  # for `from X import a, b`: ("a", "b")
    in_function: bool

    def where(self) -> str:
        """`file:line`, for failure messages."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Module:
    """A parsed module of the project."""

    name: str
    path: str
    source: str
    tree: ast.Module

    @property
    def package(self) -> str:
        """The top-level package (`archive`, `web`, `migrations`, ...)."""
        return self.name.split(".")[0]

    @property
    def is_generated(self) -> bool:
        """A migration revision (left out of the length rules)."""
        parts = tuple(self.path.split("/"))
        return parts[: len(GENERATED)] == GENERATED


# ------------------------------------------------------------------------- reading
def read_modules(root: Path) -> dict[str, Module]:
    """Every Python module of the project's packages under root, by dotted name."""
    out: dict[str, Module] = {}
    files = sorted(f for top in ROOTS for f in (root / top).rglob("*.py"))
    for file in files:
        rel = file.relative_to(root)
        name = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        source = file.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(rel))
        out[name] = Module(name, rel.as_posix(), source, tree)
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(
    node: ast.AST, *, in_function: bool = False
) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below node with whether it sits in a function body; skips the body
    of `if TYPE_CHECKING:` (its `else:` still counts)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield other, in_function
                yield from _walk(other, in_function=in_function)
            continue
        yield child, in_function
        inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        yield from _walk(child, in_function=inner)


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.name.split(".")
    is_package = module.path.endswith("__init__.py")
    keep = len(parts) - node.level + (1 if is_package else 0)
    return ".".join(parts[:keep] + ([node.module] if node.module else []))


def imports_of(module: Module) -> list[Import]:
    """Every import in the module (function bodies included, TYPE_CHECKING left out)."""
    out: list[Import] = []
    for node, in_function in _walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append(
                    Import(
                        module.name,
                        module.path,
                        node.lineno,
                        alias.name,
                        (),
                        in_function,
                    )
                )
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            target = _absolute(module, node)
            out.append(
                Import(
                    module.name, module.path, node.lineno, target, names, in_function
                )
            )
    return out


@dataclass(frozen=True)
class House:
    """The modules of a tree and their imports."""

    modules: dict[str, Module]
    imports: tuple[Import, ...]


def read_house(root: Path) -> House:
    """Parse every module under root once."""
    modules = read_modules(root)
    imports = tuple(
        sorted(
            (i for m in modules.values() for i in imports_of(m)),
            key=lambda i: (i.path, i.line),
        )
    )
    return House(modules, imports)


@functools.cache
def this_house() -> House:
    """The repository's own modules (read once per run)."""
    return read_house(REPO)


# ------------------------------------------------------------------------- checks
def _top(name: str) -> str:
    return name.split(".")[0]


def upward_imports(house: House) -> list[str]:
    """Imports from a lower package to a higher one, and from migrations to anything
    but archive."""
    rank = {p: i for i, p in enumerate(PACKAGES)}
    out = []
    for imp in house.imports:
        a, b = _top(imp.module), _top(imp.target)
        if b not in ROOTS or a == b:
            continue
        if a == "migrations" and b != "archive":
            out.append(
                f"{imp.where()} imports {imp.target} (migrations use archive only)"
            )
        elif a in rank and (b == "migrations" or rank[b] > rank[a]):
            out.append(f"{imp.where()} imports {imp.target} ({a} is below {b})")
    return out


def _third_party_top(name: str) -> str:
    top = _top(name)
    return "flask" if top.startswith("flask_") else top


def flask_below_web(house: House) -> list[str]:
    """Imports of Flask (or its extensions) outside web."""
    return [
        f"{imp.where()} imports {imp.target}"
        for imp in house.imports
        if _top(imp.module) != "web" and _third_party_top(imp.target) == "flask"
    ]


def screening_dependencies(house: House) -> list[str]:
    """Imports of database, web, queue or migration libraries inside screening."""
    return [
        f"{imp.where()} imports {imp.target}"
        for imp in house.imports
        if _top(imp.module) == "screening"
        and _third_party_top(imp.target) in NOT_IN_SCREENING
    ]


def import_graph(house: House) -> dict[str, dict[str, list[Import]]]:
    """module -> imported project module -> the imports that make the edge.

    `from X import a` depends on X and, when `X.a` is a module, on `X.a` as well (so a
    submodule that imports its own package's facade closes a circle)."""
    graph: dict[str, dict[str, list[Import]]] = {m: {} for m in house.modules}
    for imp in house.imports:
        for target in (imp.target, *(f"{imp.target}.{n}" for n in imp.names)):
            if target in house.modules and target != imp.module:
                graph[imp.module].setdefault(target, []).append(imp)
    return graph


def strongly_connected(graph: dict[str, dict[str, list[Import]]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def import_circles(house: House) -> list[str]:
    """Each circle with the import lines inside it."""
    graph = import_graph(house)
    out = []
    for component in strongly_connected(graph):
        members = set(component)
        closing = sorted(
            (imp.path, imp.line, target)
            for module in component
            for target, imps in graph[module].items()
            if target in members
            for imp in imps
        )
        lines = [
            f"    {path}:{line} imports {target}" for path, line, target in closing
        ]
        out.append("circle: " + " <-> ".join(component) + "\n" + "\n".join(lines))
    return out


def _by_name_argument_is_third_party(call: ast.Call, name: str) -> bool:
    """`find_spec("weasyprint")` asks about a library; a project or computed name is
    wiring by name."""
    if name == "module_exists" or not call.args:
        return False
    first = call.args[0]
    return (
        isinstance(first, ast.Constant)
        and isinstance(first.value, str)
        and _top(first.value.lstrip(".")) not in ROOTS
        and not first.value.startswith(".")
    )


def wiring_by_name(house: House) -> list[str]:
    """importlib / __import__ / find_spec / module_exists on the project's own modules
    (or on a name computed at run time)."""
    out = []
    for module in house.modules.values():
        for node, _ in _walk(module.tree):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name in BY_NAME and not _by_name_argument_is_third_party(node, name):
                out.append(f"{module.path}:{node.lineno} {ast.unparse(node)[:100]}")
    return out


def long_modules(house: House) -> list[str]:
    """Modules over MAX_MODULE_LINES (generated migrations left out)."""
    out = []
    for module in house.modules.values():
        n = len(module.source.splitlines())
        if n > MAX_MODULE_LINES and not module.is_generated:
            out.append(f"{module.path}: {n} lines")
    return out


def long_functions(house: House) -> list[str]:
    """Functions over MAX_FUNCTION_LINES without a `# long:` comment line saying why."""
    out = []
    for module in house.modules.values():
        if module.is_generated:
            continue
        lines = module.source.splitlines()
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            end = node.end_lineno or node.lineno
            n = end - node.lineno + 1
            if n <= MAX_FUNCTION_LINES:
                continue
            body = lines[node.lineno - 1 : end]
            if any(
                line.strip().startswith(LONG_MARKER)
                and line.strip()[len(LONG_MARKER) :].strip()
                for line in body
            ):
                continue
            out.append(f"{module.path}:{node.lineno} {node.name}() {n} lines")
    return out


def project_imports_in_functions(house: House) -> list[str]:
    """Imports of the project's own modules inside function bodies (they belong at the
    top of the module, where the dependency can be seen)."""
    return [
        f"{imp.where()} imports {imp.target}"
        for imp in house.imports
        if imp.in_function and _top(imp.target) in ROOTS
    ]


def skips_on_own_modules(root: Path) -> list[str]:
    """`pytest.importorskip` of the repository's own modules in tests/ (a missing module
    of ours is a failure, never a skip)."""
    own = (*ROOTS, "benchmarks", "tests")
    out = []
    for file in sorted((root / "tests").rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            first = node.args[0]
            if (
                name == "importorskip"
                and isinstance(first, ast.Constant)
                and _top(str(first.value)) in own
            ):
                rel = file.relative_to(root).as_posix()
                out.append(f"{rel}:{node.lineno} importorskip({first.value!r})")
    return out


def _report(title: str, breaches: list[str]) -> str:
    return f"{len(breaches)} {title}:\n" + "\n".join(breaches)


# ------------------------------------------------------------------------- the house
def test_no_package_imports_a_higher_one() -> None:
    breaches = upward_imports(this_house())
    assert not breaches, _report(
        "imports against screening <- archive <- casework <- web", breaches
    )


def test_nothing_below_web_imports_flask() -> None:
    breaches = flask_below_web(this_house())
    assert not breaches, _report("imports of Flask outside web", breaches)


def test_screening_imports_no_database_web_or_queue_library() -> None:
    breaches = screening_dependencies(this_house())
    assert not breaches, _report(
        f"imports in screening of {', '.join(NOT_IN_SCREENING)}", breaches
    )


def test_no_import_circles() -> None:
    breaches = import_circles(this_house())
    assert not breaches, _report("import circles", breaches)


def test_no_wiring_by_module_name() -> None:
    breaches = wiring_by_name(this_house())
    assert not breaches, _report("modules wired by name", breaches)


def test_no_module_over_600_lines() -> None:
    breaches = long_modules(this_house())
    assert not breaches, _report(f"modules over {MAX_MODULE_LINES} lines", breaches)


def test_no_function_over_80_lines_without_a_reason() -> None:
    breaches = long_functions(this_house())
    assert not breaches, _report(
        f"functions over {MAX_FUNCTION_LINES} lines with no `{LONG_MARKER} why` "
        "comment line",
        breaches,
    )


def test_project_modules_are_imported_at_the_top() -> None:
    breaches = project_imports_in_functions(this_house())
    assert not breaches, _report(
        "imports of the project's own modules inside functions", breaches
    )


def test_tests_do_not_skip_on_the_projects_own_modules() -> None:
    breaches = skips_on_own_modules(REPO)
    assert not breaches, _report("skips on a module of this repository", breaches)


def test_the_checks_read_every_package() -> None:
    house = this_house()
    assert {m.package for m in house.modules.values()} == set(ROOTS)
    assert "web.app" in house.modules and "migrations.env" in house.modules
    assert len(house.imports) > 100


# ------------------------------------------------------------------------- the checks fail
def _tree(root: Path, files: dict[str, str]) -> House:
    for path, source in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(source, encoding="utf-8")
    return read_house(root)


def test_an_upward_import_in_a_function_is_named_with_its_line(tmp_path: Path) -> None:
    house = _tree(
        tmp_path,
        {
            "archive/__init__.py": "",
            "archive/cli.py": "import click\n\n\ndef run():\n    from web.cli import main\n",
            "archive/typed.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from casework.models import Case\n"
            ),
            "screening/text.py": "from archive.cli import run\n",
            "migrations/env.py": "from web.schema import load_models\n",
            "web/__init__.py": "from casework import models\n",
        },
    )
    assert upward_imports(house) == [
        "archive/cli.py:5 imports web.cli (archive is below web)",
        "migrations/env.py:1 imports web.schema (migrations use archive only)",
        "screening/text.py:1 imports archive.cli (screening is below archive)",
    ]
    assert project_imports_in_functions(house) == ["archive/cli.py:5 imports web.cli"]


def test_flask_and_libraries_below_their_level_are_named(tmp_path: Path) -> None:
    house = _tree(
        tmp_path,
        {
            "casework/jobs.py": "import flask_babel\n",
            "screening/index.py": "import numpy\nfrom redis import Redis\n",
            "web/app.py": "from flask import Flask\n",
        },
    )
    assert flask_below_web(house) == ["casework/jobs.py:1 imports flask_babel"]
    assert screening_dependencies(house) == ["screening/index.py:2 imports redis"]


def test_a_circle_is_named_with_the_imports_that_close_it(tmp_path: Path) -> None:
    house = _tree(
        tmp_path,
        {
            "archive/__init__.py": "",
            "archive/a.py": "from archive import b\n",
            "archive/b.py": "def f():\n    from archive.c import x\n",
            "archive/c.py": "import archive.a\n",
            "archive/d.py": "from archive import a\n",
            "web/cli/__init__.py": "from web.cli import scale\n",
            "web/cli/scale.py": "import click\n",
        },
    )
    (circle,) = import_circles(house)
    assert circle.splitlines() == [
        "circle: archive.a <-> archive.b <-> archive.c",
        "    archive/a.py:1 imports archive.b",
        "    archive/b.py:2 imports archive.c",
        "    archive/c.py:1 imports archive.a",
    ]


def test_a_facade_imported_by_its_own_submodule_is_a_circle(tmp_path: Path) -> None:
    house = _tree(
        tmp_path,
        {
            "screening/extract/__init__.py": "from .pdf import read_pdf\n",
            "screening/extract/pdf.py": "from screening.extract import base\n",
            "screening/extract/base.py": "",
        },
    )
    assert [c.splitlines()[0] for c in import_circles(house)] == [
        "circle: screening.extract <-> screening.extract.pdf"
    ]


def test_wiring_by_name_is_named_but_a_library_probe_is_not(tmp_path: Path) -> None:
    house = _tree(
        tmp_path,
        {
            "web/app.py": (
                "import importlib\nfrom importlib.util import find_spec\n"
                "HAS_PDF = find_spec('weasyprint') is not None\n"
                "for name in AREAS:\n    importlib.import_module(name)\n"
                "cases = __import__('web.cases')\n"
                "if module_exists('casework.credit'):\n    pass\n"
            ),
        },
    )
    assert [b.split(" ")[0] for b in wiring_by_name(house)] == [
        "web/app.py:5",
        "web/app.py:6",
        "web/app.py:7",
    ]


def test_a_skip_on_our_own_module_is_named(tmp_path: Path) -> None:
    (tmp_path / "tests" / "web").mkdir(parents=True)
    (tmp_path / "tests" / "web" / "test_x.py").write_text(
        "import pytest\n\npdf = pytest.importorskip('weasyprint')\n"
        "jobs = pytest.importorskip('archive.records.jobs')\n",
        encoding="utf-8",
    )
    assert skips_on_own_modules(tmp_path) == [
        "tests/web/test_x.py:4 importorskip('archive.records.jobs')"
    ]


def test_long_modules_and_functions_are_named_unless_they_say_why(
    tmp_path: Path,
) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(85))
    house = _tree(
        tmp_path,
        {
            "casework/long.py": "def plain():\n" + body + "\n" * 600,
            "casework/said.py": f"def said():\n    {LONG_MARKER} one table\n" + body,
            "casework/empty.py": f"def empty():\n    {LONG_MARKER}\n" + body,
            "migrations/versions/0001_x.py": "def upgrade():\n" + body + "\n" * 600,
        },
    )
    assert long_modules(house) == ["casework/long.py: 686 lines"]
    assert sorted(long_functions(house)) == [
        "casework/empty.py:1 empty() 87 lines",
        "casework/long.py:1 plain() 86 lines",
    ]
