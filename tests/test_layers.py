"""The layers of the README's "How it works", read from the code's own imports: arrows only point down.

    gapcheck   the application: CLI, store, runner, reports, batch, distributed mode
    checks     rules: judge the crawled site            spiders   Scrapy: record what was seen
    core       the site model, errors, URL identity, dates, patterns, redaction

`checks` and `spiders` stand side by side on `core` and never import each other; nothing below imports
what stands above it; no two modules import each other, directly or round a circle (a cycle hides which
one is the lower). Every import counts, those inside functions too: a lazy import is still an arrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "checks", "spiders", "gapcheck")
MAY_IMPORT = {
    "core": {"core"},
    "checks": {"core", "checks"},
    "spiders": {"core", "spiders"},
    "gapcheck": {"core", "checks", "spiders", "gapcheck"},
}
NEVER = {
    # Rules are pure: what they judge was crawled before they run; the model is what both sides share.
    "core": ("scrapy", "twisted", "playwright", "scrapy_playwright", "scrapy_redis", "redis"),
    "checks": ("scrapy", "twisted", "playwright", "scrapy_playwright", "scrapy_redis", "redis"),
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The modules `name` imports: its own packages' as module names, others by their top-level name."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            known = target
            while known and known not in MODULES:
                known = known.rpartition(".")[0]
            found.add(known or target.split(".")[0])
    found.discard(name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


@pytest.mark.parametrize(
    "package",
    [
        "core",
        "checks",
        "spiders",
        "gapcheck",
    ],
)
def test_a_layer_imports_only_what_stands_below_it(package):
    upward = sorted(
        f"{name} → {target}"
        for name, targets in GRAPH.items()
        if name.split(".")[0] == package
        for target in targets
        if target.split(".")[0] in PACKAGES and target.split(".")[0] not in MAY_IMPORT[package]
    )
    assert not upward, f"{package} may import only {sorted(MAY_IMPORT[package])}: " + "; ".join(upward)


@pytest.mark.parametrize("package", sorted(NEVER))
def test_rules_and_model_never_import_the_crawler(package):
    crawler = sorted(
        f"{name} → {target}"
        for name, targets in GRAPH.items()
        if name.split(".")[0] == package
        for target in targets
        if target.split(".")[0] in NEVER[package]
    )
    assert not crawler, "; ".join(crawler)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
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

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_two_modules_import_each_other():
    assert not _cycles(GRAPH), _cycles(GRAPH)


def test_the_check_sees_a_back_edge():
    """The test above would pass on a graph it cannot read: one made-up back-edge must fail it."""
    graph = {name: set(targets) for name, targets in GRAPH.items()}
    graph["core.model"].add("gapcheck.cli")
    assert _cycles(graph)
    assert "gapcheck.cli" in {t for t in graph["core.model"] if t.split(".")[0] not in MAY_IMPORT["core"]}


def test_judging_a_stored_run_imports_no_crawler(tmp_path):
    """`gapcheck report` (the rules and reports over the store) loads neither Scrapy, Twisted, Redis nor rich:
    a crawler's imports were a quarter of its memory (108 → 84 MB over a stored 3,000-page run)."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "import gapcheck.cli, gapcheck.runner, gapcheck.report, gapcheck.store, gapcheck.history, gapcheck.decisions\n"
        "print(sorted(m for m in ('scrapy', 'twisted', 'redis', 'rich', 'playwright') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert result.stdout.strip() == "[]", result.stdout
