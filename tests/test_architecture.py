"""The rules that keep the package livable, checked on the source (no import needed).

- Dependencies point one way: each module imports only from its own layer or below
  (:data:`LAYERS`); nothing below imports plots, widgets, exercises, mi_lab or commands;
  the figures of chapter 05's laboratory (plots/, widgets/) sit above mi_lab.
- Only ``plots/`` and ``widgets/`` import matplotlib, ipywidgets or IPython's display.
- No import circle among the package's modules; ``data/`` does not import ``features/``.
- No module over 400 lines.
- One definition of ``MODALITIES``.
- The product speaks of the product only (no words about how the project is run).
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "mimml_edu"

#: layer of each part of the package: a module may import its own layer or lower ones.
LAYERS: dict[str, int] = {
    "errors": 0,
    "metrics": 0,
    "results": 0,
    "data": 1,
    "config": 2,
    "config_yaml": 2,
    "features": 2,
    "model": 3,
    "objectives": 4,
    "evaluate": 5,
    "checkpoints": 5,
    "train": 5,
    "analysis": 5,
    "explain": 6,
    "pretrained": 6,
    "component_map": 6,
    "reproduce": 6,
    "mi_lab": 7,
    "plots": 8,
    "widgets": 9,
    "exercises": 10,
    "envcheck": 10,
    "commands": 11,
    "cli": 11,
}
PRESENTATION = ("matplotlib", "ipywidgets", "IPython.display", "IPython.core.display")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import statement, lazy ones inside functions
    included, ``if TYPE_CHECKING:`` blocks excluded."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for child in node.body for n in ast.walk(child)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def _part(module: str) -> str:
    """The layer key of a package module (``mimml_edu.data.batch`` -> ``data``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _package_targets(path: Path) -> list[tuple[int, str]]:
    """The package modules a file imports (``from x import y`` names module y if it is one)."""
    out = []
    for line, name in _imports(path):
        if name in MODULES:
            out.append((line, name))
    return out


def test_layers_point_one_way():
    wrong = []
    for name, path in MODULES.items():
        own = _part(name)
        if own not in LAYERS:
            continue
        for line, target in _package_targets(path):
            other = _part(target)
            if other in LAYERS and LAYERS[other] > LAYERS[own]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({own}) imports {target}")
    unknown = sorted({_part(n) for n in MODULES if _part(n) and _part(n) not in LAYERS})
    assert not unknown, f"parts of the package without a layer: {unknown}"
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_only_plots_and_widgets_import_presentation_libraries():
    wrong = []
    for name, path in MODULES.items():
        if _part(name) in ("plots", "widgets"):
            continue
        for line, target in _imports(path):
            if target.startswith(PRESENTATION):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_no_import_circle():
    graph = {name: {t for _, t in _package_targets(path) if t != name}
             for name, path in MODULES.items()}  # fmt: skip
    # a module importing its own package's __init__ (re-exports) is not a circle of its own
    for name, targets in graph.items():
        targets.discard(name.rsplit(".", 1)[0])
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_data_does_not_import_features():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for name, path in MODULES.items()
        if _part(name) == "data"
        for line, target in _imports(path)
        if target.startswith("mimml_edu.features")
    ]
    assert not wrong, "\n".join(wrong)


def test_no_module_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in MODULES.values()
            if (n := len(p.read_text().splitlines())) > MAX_LINES}  # fmt: skip
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_one_definition_of_modalities():
    literal = re.compile(r"""\(\s*["']text["'],\s*["']audio["'],\s*["']video["'],?\s*\)""")
    defined = []
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                if literal.fullmatch(ast.unparse(node.value)):
                    defined.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert len(defined) == 1 and defined[0].startswith("mimml_edu/data/batch.py:"), (
        f"the three modalities are spelled out in several places: {defined}"
    )


WORDS = re.compile(
    r"\bissue [0-9]+\b|\bthe lead\b|\bmodel engineer\b|\bdata engineer\b|\bsubagents?\b",
    re.IGNORECASE,
)


def test_the_product_speaks_of_the_product_only():
    files = subprocess.run(
        ["git", "ls-files", "mimml_edu", "notebooks", "book", "bench", "docs", "README.md"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    hits = []
    for name in files:
        path = ROOT / name
        if path.suffix not in (".py", ".ipynb", ".md", ".yml", ".yaml", ".log", ".csv", ".txt"):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if WORDS.search(line):
                hits.append(f"{name}:{number}: {line.strip()[:100]}")
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _part(n) in LAYERS))
def test_docstrings_hold_no_measured_numbers(name):
    """A measured number in a docstring goes stale; cite the bench file instead. Numbers
    with three or more decimals (0.921, 1.234) and measured speed-ups are what measurements
    look like; constants of the design do not look like that."""
    measured = re.compile(r"\b\d\.\d{3,}\b(?!e)|\b\d+(\.\d+)?x real[- ]time\b")
    tree = ast.parse(MODULES[name].read_text())
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node) or ""
            bad += [m.group(0) for m in measured.finditer(doc)]
    assert not bad, f"{name}: numbers that look measured in docstrings: {bad}"


def test_bench_scripts_import_the_installed_package():
    """bench/ scripts import mimml_edu as installed; none puts the checkout on sys.path
    (a script may add its own folder, for the helper modules beside it)."""
    wrong = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "bench").glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"sys\.path\.(insert|append)", line) and "resolve().parent))" not in line
    ]
    assert not wrong, "sys.path edits in bench scripts: " + ", ".join(wrong)


def test_one_name_and_unit_per_phq_quantity():
    """The model regresses the scaled target under that name; every number a user reads
    (predictions, evaluation, the explained PHQ-8 target) is in PHQ-8 points."""
    import torch
    from model_testdata import small_batch, small_config

    from mimml_edu.data.batch import scale_phq, unscale_phq
    from mimml_edu.evaluate import predict_windows
    from mimml_edu.explain.inputs import target_value
    from mimml_edu.model import build_model

    torch.manual_seed(0)
    model = build_model(small_config().model).eval()
    batch = small_batch()
    with torch.no_grad():
        out = model(batch)
    assert not hasattr(out, "phq_hat")
    torch.testing.assert_close(out.phq_points, out.phq_scaled_hat * 4.75 + 9.5)
    torch.testing.assert_close(target_value(out, "phq"), out.phq_points)
    assert float(scale_phq(torch.tensor(9.5))) == 0.0 and float(unscale_phq(1.0)) == 14.25
    from model_testdata import random_sessions

    sessions = random_sessions(3, seed=3)
    pred = predict_windows(model, sessions, k=6)
    assert ((pred.phq_pred >= 0) & (pred.phq_pred <= 24)).all()  # points, clipped to 0..24
    words = re.compile(r"\bphq_hat\b")
    stale = [str(p.relative_to(ROOT)) for p in MODULES.values() if words.search(p.read_text())]
    assert not stale, f"the old unscaled-looking name phq_hat is used in {stale}"
