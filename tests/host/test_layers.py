"""The rooms and their floors: every import runs down the list in DESIGN.md ("Where 0.3 lives"), none in a circle.

An AST walk of every module, imports inside functions included (a lazy import is
still a dependency).  The core (everything up to `history`) imports nothing but
attrs, pendulum, the stdlib and lower core modules.
"""

import ast
import pathlib
import sys

import pytest

import scorekit

PACKAGE = pathlib.Path(scorekit.__file__).parent

# Bottom to top.  A module may import only modules listed before it (or outside scorekit,
# for the shell).  Modules not listed here (the adapters, the command, the optional
# extras' modules, the contract suites) sit above all of these.
FLOORS = (
    "errors",
    "numbers",
    "_identifiers",
    "_extras",
    "_display",
    "period",
    "calendar",
    "status",
    "weight",
    "plan",
    "parameter",
    "achievement",
    "window",
    "scorecard",
    "measurement",
    "adjustment",
    "scores",
    "rollup",
    "alerts",
    "grouping",
    "batch",
    "scoring",
    "history",
    "codec",
    "ports",
    "asking",
    "_access",
    "_reading",
    "_periods",
    "service",
)
CORE = FLOORS[: FLOORS.index("history") + 1]
CORE_MAY_IMPORT = {"attrs", "pendulum", "scorekit", "__future__"} | set(sys.stdlib_module_names)


def module_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def imports_of(path):
    """Every module `path` imports, anywhere in it, as dotted names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "scorekit":
                found.update(f"scorekit.{alias.name}" for alias in node.names)
    return found


def own(name):
    """`scorekit.x.y` -> `x.y`; None for another package."""
    if name == "scorekit" or not name.startswith("scorekit."):
        return None
    return name.removeprefix("scorekit.")


def floor(name):
    top = name.split(".")[0]
    return FLOORS.index(name) if name in FLOORS else (FLOORS.index(top) if top in FLOORS else len(FLOORS))


MODULES = dict(module_files())


def test_every_listed_floor_is_a_module():
    assert set(FLOORS) <= set(MODULES)


@pytest.mark.parametrize("name", [n for n in MODULES if n])
def test_imports_run_down_the_floors(name):
    mine = floor(name)
    for imported in imports_of(MODULES[name]):
        target = own(imported)
        if target is None or target == name or target in ("", "__init__"):
            continue
        assert floor(target) < mine or (mine == len(FLOORS) and floor(target) <= mine), (
            f"scorekit.{name} (floor {mine}) imports scorekit.{target} (floor {floor(target)}), which is not below it"
        )


@pytest.mark.parametrize("name", CORE)
def test_the_core_imports_only_attrs_pendulum_and_the_stdlib(name):
    for imported in imports_of(MODULES[name]):
        assert imported.split(".")[0] in CORE_MAY_IMPORT, f"core module scorekit.{name} imports {imported}"
        target = own(imported)
        if target is not None:
            assert target.split(".")[0] in CORE, f"core module scorekit.{name} imports scorekit.{target}"


def test_no_circles():
    graph = {name: {own(i) for i in imports_of(path)} - {None, name, ""} for name, path in MODULES.items()}
    seen, done = set(), set()

    def visit(node, trail):
        if node in done:
            return
        assert node not in seen, f"an import circle: {' -> '.join([*trail, node])}"
        seen.add(node)
        for target in sorted(graph.get(node, ())):
            if target in graph:
                visit(target, [*trail, node])
        done.add(node)

    for name in sorted(graph):
        visit(name, [])


def test_a_moved_name_still_imports_from_its_old_place():
    from scorekit import codec, history, measurement, period, scorecard, scores, scoring, window

    assert scoring.CardScore is scores.CardScore
    assert scorecard.ParameterWindow is window.ParameterWindow
    assert measurement.as_instant is period.as_instant
    with pytest.warns(DeprecationWarning, match=r"scorekit\.codec\.fingerprint"):
        assert history.fingerprint is codec.fingerprint
