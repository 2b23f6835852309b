"""The dependency direction of DESIGN.md, checked on the code as it is."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_hold():
    """partners imports neither other app, negotiations never imports scorecards,
    and the kernel of cdmo_eval imports no app, through any chain of imports
    (pyproject.toml, [tool.importlinter])."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


# --- one write path -------------------------------------------------------------

WRITES = {
    "create",
    "save",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "add",
    "remove",
    "set",
    "clear",
}
"""ORM calls that write (on a queryset, a manager, an instance or a relation)."""
PYTHON_COLLECTIONS = {"seen", "found", "out", "errors", "names", "done", "fields"}
"""Local names of sets and dicts in those modules (their add/update are not ORM)."""
OUTSIDE_SERVICES = [
    "*/views.py",
    "*/views/*.py",
    "*/*/views.py",
    "*/management/commands/*.py",
    "*/tasks.py",
    "*/receivers.py",
    "scorecards/bundles/*.py",
    "bench/*.py",
]
"""Modules that write only by calling services: views, commands, the bundle
importer and exporter, jobs, signal receivers and the benchmarks."""


def _writes(path: Path) -> list[str]:
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, target = node.func.attr, node.func.value
        if name not in WRITES:
            continue
        # A form's save(commit=False) builds an instance without writing it.
        if name == "save" and any(
            k.arg == "commit" and getattr(k.value, "value", True) is False
            for k in node.keywords
        ):
            continue
        # Sets, dicts and sessions have add/update/clear too; ORM writes are made
        # on .objects, a relation, an instance or a queryset (never on a name
        # that is plainly a Python collection).
        if name in {"add", "remove", "set", "clear", "update"} and isinstance(
            target, ast.Name
        ):
            if target.id in PYTHON_COLLECTIONS:
                continue
        found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{name}()")
    return found


def test_views_commands_importer_jobs_and_bench_write_only_through_services():
    modules = sorted(
        {p for pattern in OUTSIDE_SERVICES for p in ROOT.glob(pattern)}
        - set(ROOT.glob(".venv/**"))
    )
    assert len(modules) > 15
    offenders = [w for path in modules for w in _writes(path)]
    assert offenders == []


def test_no_module_outside_migrations_and_tests_is_over_600_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in ROOT.glob("**/*.py")
        if not {".venv", "migrations", "tests", "node_modules"} & set(path.parts)
        and (n := len(path.read_text().splitlines())) > 600
    }
    assert long == {}
