"""The import rules of docs/architecture.md hold for every module, lazy imports included."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "carellm"
RULES_DOC = ROOT / "docs" / "architecture.md"
ROW = re.compile(r"^\|\s*`(carellm[\w.]*)`\s*\|(.*)\|\s*$")
FOUNDATION = re.compile(r"^Foundation modules:(.*)$", re.M)


class Rules:
    """The table under '## Import rules': module prefix -> what it may import."""

    def __init__(self, text: str) -> None:
        section = text.split("## Import rules", 1)[1]
        self.foundation = [m.strip().strip("`") for m in FOUNDATION.search(section).group(1).split(",")]
        self.table: dict[str, list[str]] = {}
        for line in section.splitlines():
            if match := ROW.match(line):
                self.table[match.group(1)] = [part.strip().strip("`") for part in match.group(2).split(",")]

    def row(self, module: str) -> str:
        matches = [prefix for prefix in self.table if under(module, prefix)]
        assert matches, f"{module} has no row in docs/architecture.md's import rules; add one."
        return max(matches, key=len)

    def allows(self, module: str, target: str) -> bool:
        own = self.row(module)
        if under(target, own):
            return True
        for entry in self.table[own]:
            if entry == "anything" or under(target, entry):
                return True
            if entry == "foundation" and any(under(target, f) for f in self.foundation):
                return True
        return False


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    # carellm/__init__.py is the row `carellm.__init__`; a subpackage's __init__ is the package.
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 2 else parts)


def imports(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Every carellm module the source imports, wherever the statement is (functions, TYPE_CHECKING)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                name = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, name))
    hits = [(line, "carellm.__init__" if name == "carellm" else name) for line, name in found]
    return sorted(hit for hit in hits if hit[1].startswith("carellm."))


def test_every_package_has_a_rule():
    rules = Rules(RULES_DOC.read_text(encoding="utf-8"))
    for path in sorted(PACKAGE.rglob("*.py")):
        rules.row(module_name(path))


def test_every_import_follows_the_rules():
    rules = Rules(RULES_DOC.read_text(encoding="utf-8"))
    broken = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        for line, target in imports(path.read_text(encoding="utf-8"), module, path.name == "__init__.py"):
            if not rules.allows(module, target):
                broken.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {target}")
    assert not broken, "Imports against docs/architecture.md:\n" + "\n".join(broken)


def test_lazy_and_type_checking_imports_are_read():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from carellm.counseling.session import Session\n"
        "def f():\n    import carellm.serve.app\n"
        "from . import schema\n"
    )
    assert [name for _, name in imports(source, "carellm.store", is_package=True)] == [
        "carellm.counseling.session",
        "carellm.serve.app",
        "carellm.store",
    ]


def test_the_rules_refuse_what_the_architecture_forbids():
    rules = Rules(RULES_DOC.read_text(encoding="utf-8"))
    assert not rules.allows("carellm.store.store", "carellm.counseling.session")
    assert not rules.allows("carellm.store.store", "carellm.counseling.counselor")
    assert not rules.allows("carellm.safety.gate", "carellm.backends.omni")
    assert not rules.allows("carellm.counseling.session", "carellm.store")
    assert not rules.allows("carellm.serve.turns", "carellm.backends.omni")
    assert not rules.allows("carellm.config", "carellm.counseling")
    assert rules.allows("carellm.store.store", "carellm.counseling.hooks")
    assert rules.allows("carellm.backends.omni", "carellm.media")
