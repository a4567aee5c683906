"""The package follows its pipeline: page -> blocks -> features -> probabilities -> decisions ->
output, then the runner, the labelled data, evaluation, training, the command, and on top the
integrations with other frameworks (datatrove). A module imports only modules of its own stage
or of stages before it, and no import cycle exists; predicting imports no training, evaluation
or plotting code."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_TXT

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "boilersift"
# The stages in the order of the flow; a module's stage is its folder, or its name at the top.
STAGES = ("errors", "compiled", "blocks", "features", "model", "decide", "sites", "pipeline", "output", "runner",
          "labelled", "evaluation", "training", "cli", "integrations")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def runtime_imports(path: Path) -> set[str]:
    """The package's modules that `path` imports when it runs (imports for type checkers left out)."""
    module = module_name(path)
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node)
               for child in node.body for n in ast.walk(child)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = package[:len(package) - node.level + 1] if node.level > 1 else package
        target = [p for p in base + (node.module.split(".") if node.module else []) if p]
        for alias in node.names:
            candidate = ".".join(target + [alias.name])
            is_module = (PACKAGE.joinpath(*candidate.split(".")).with_suffix(".py").exists()
                         or PACKAGE.joinpath(*candidate.split(".")).is_dir()) if candidate else False
            found.add(candidate if is_module else ".".join(target))
    return {name for name in found if name}


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if module_name(p)}
GRAPH = {name: runtime_imports(path) for name, path in MODULES.items()}


def stage(module: str) -> int:
    return STAGES.index(module.split(".")[0])


def test_every_module_has_a_stage():
    assert all(module.split(".")[0] in STAGES for module in MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_upward_import(module):
    upward = sorted(t for t in GRAPH[module] if stage(t) > stage(module))
    assert not upward, f"{module} (stage {STAGES[stage(module)]}) imports later stages: {upward}"


def test_no_import_cycle():
    visiting, done = [], set()

    def visit(module: str) -> None:
        if module in visiting:
            raise AssertionError("import cycle: " + " -> ".join(visiting[visiting.index(module):] + [module]))
        if module in done:
            return
        visiting.append(module)
        for target in sorted(GRAPH.get(module, ())):
            visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(MODULES):
        visit(module)


def test_the_graph_sees_imports():
    """The parser finds real edges (so the two tests above can fail)."""
    assert "model.stages" in GRAPH["pipeline"] and "blocks.text" in GRAPH["model.stages"]
    assert "errors" in GRAPH["blocks.decode"]


@pytest.mark.parametrize("suffix, content", [
    (".txt", SAMPLE_TXT.read_text(encoding="utf-8")),
    (".html", "<html><body><nav>Home</nav><p>An article sentence, long enough to be prose.</p></body></html>"),
])
def test_predicting_imports_only_what_it_needs(tmp_path, suffix, content):
    page = tmp_path / f"page{suffix}"
    page.write_text(content, encoding="utf-8")
    code = ("import sys; from boilersift.cli import main; code = main(['predict', sys.argv[1]]); "
            "print(' '.join(sorted(sys.modules)), file=sys.stderr); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", code, str(page)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    loaded = set(proc.stderr.strip().splitlines()[-1].split())
    heavy = {"sklearn", "scipy", "joblib", "matplotlib", "pandas", "datasets", "boilersift.training",
             "boilersift.evaluation", "boilersift.labelled"}
    loaded -= {"boilersift.training", "boilersift.training.config"}  # the defaults of `train`, for --help
    assert not {m for m in loaded if m in heavy or m.split(".")[0] in heavy or
                any(m.startswith(h + ".") for h in heavy)}
