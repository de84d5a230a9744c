"""The layering (ui → app → db, no Qt in the core), the packages' public modules, no import circles and lint
cleanliness, checked as tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed in the environment"
    return found


def test_import_contracts() -> None:
    result = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_clean() -> None:
    result = subprocess.run([_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _graph():  # type: ignore[no-untyped-def]
    import grimp  # import-linter's own graph builder

    return grimp.build_graph("app", "ui", "db", "server")


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else None


def test_other_packages_import_only_public_modules() -> None:
    """A package's private modules (not in its __init__'s __all__) are imported from inside it alone."""
    import importlib

    graph = _graph()
    public: dict[str, set[str]] = {}
    broken = []
    for importer in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(importer):
            package = _package_of(imported)
            if package is None or importer.startswith(package + ".") or importer == package:
                continue
            if package not in public:
                public[package] = set(getattr(importlib.import_module(package), "__all__", ()))
            if imported.split(".")[2] not in public[package]:
                broken.append(f"{importer} -> {imported}")
    assert not broken, "private modules imported from outside their package:\n" + "\n".join(broken)


def test_no_import_circles() -> None:
    """No module reaches itself through its imports, lazy imports inside functions included."""
    graph = _graph()
    circles = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                circles.add(" -> ".join((importer, *back)))
    assert not circles, "import circles:\n" + "\n".join(sorted(circles))


def test_modules_stay_small() -> None:
    """A module over 400 lines says at its top why it is one piece."""
    long = []
    for folder in ("app", "ui", "server", "db"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if text.count("\n") > 400 and "One piece because" not in text[:2000]:
                long.append(f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines")
    assert not long, "\n".join(long)
