"""The direction of the arrows (ARCHITECTURE.md), checked on the imports of every module."""
import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# A feature may import the core and the features of a lower rank, never one to its right.
RANK = {"geo": 1, "taxonomy": 1, "accounts": 2, "organisations": 2, "offers": 3,
        "matching": 4, "bookings": 5, "moderation": 6, "privacy": 7,
        "administration": 8}
# Glue that may use every feature: the app factory, the command line, seeds, the home page.
GLUE = {"__init__", "models", "cli", "seeding", "public"}
PURE = ["geo/distance.py", "geo/names.py", "matching/rules.py", "matching/words.py",
        "bookings/rules.py", "organisations/rules.py", "offers/rules.py", "taxonomy/codes.py"]


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def portal_part(module):
    parts = module.split(".")
    return parts[1] if parts[0] == "portal" and len(parts) > 1 else None


def modules():
    return sorted(p for p in PORTAL.rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PORTAL)))
def test_imports_point_left(path):
    own = path.relative_to(PORTAL).parts[0].removesuffix(".py")
    if own in GLUE:
        return
    wrong = []
    for module in imported_modules(path):
        other = portal_part(module)
        if other is None or other == own or other not in RANK:
            if other in GLUE:
                wrong.append(module)  # nothing may lean on the glue
            continue
        if own not in RANK or RANK[other] >= RANK[own]:
            wrong.append(module)
    assert not wrong, f"{path.relative_to(PORTAL)} imports to its right: {wrong}"


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_import_neither_flask_nor_sqlalchemy(name):
    impure = [m for m in imported_modules(PORTAL / name)
              if m.split(".")[0] in {"flask", "flask_babel", "flask_login", "sqlalchemy",
                                     "flask_sqlalchemy", "wtforms"}]
    assert not impure, f"{name} imports {impure}"
