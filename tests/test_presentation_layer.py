"""Presentation sits above the science: only plots/ and widgets/ draw or build widgets.

Every import statement of the package is read (also those inside functions): matplotlib,
ipywidgets and IPython are imported only under ``mimml_edu/plots/`` and
``mimml_edu/widgets/``; the science layers never import plots or widgets; plots never
import widgets; both stay within the package's module size.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "mimml_edu"
PRESENTATION = ("plots", "widgets")
DRAWING = ("matplotlib", "ipywidgets", "IPython")
SCIENCE = ("data", "features", "model", "objectives", "mi_lab", "train", "evaluate", "explain")
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, imported module) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.append((node.lineno, base))
            # ``from mimml_edu import plots`` imports the plots package
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _area(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _is(module: str, roots: tuple[str, ...]) -> bool:
    return any(module == r or module.startswith(r + ".") for r in roots)


def test_only_plots_and_widgets_import_drawing_libraries():
    wrong = [
        f"{p.relative_to(ROOT)}:{line} imports {module}"
        for p in _modules()
        if _area(p) not in PRESENTATION
        for line, module in _imports(p)
        if _is(module, DRAWING)
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("layer", SCIENCE)
def test_science_never_imports_presentation(layer):
    above = tuple(f"mimml_edu.{name}" for name in PRESENTATION)
    files = [p for p in _modules() if _area(p) == layer]
    assert files, f"no module found for {layer}"
    wrong = [
        f"{p.relative_to(ROOT)}:{line} imports {module}"
        for p in files
        for line, module in _imports(p)
        if _is(module, above)
    ]
    assert not wrong, "\n".join(wrong)


def test_plots_never_import_widgets():
    wrong = [
        f"{p.relative_to(ROOT)}:{line} imports {module}"
        for p in _modules()
        if _area(p) == "plots"
        for line, module in _imports(p)
        if _is(module, ("mimml_edu.widgets",))
    ]
    assert not wrong, "\n".join(wrong)


def test_the_rule_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "mimml_edu" / "data" / "x.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("def f():\n    from .. import plots\n    import matplotlib.pyplot\n")
    found = {m for _, m in _imports(sample, tmp_path)}
    assert {"mimml_edu.plots", "matplotlib.pyplot"} <= found


def test_presentation_modules_stay_small():
    long = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for p in _modules()
        if _area(p) in PRESENTATION and (n := len(p.read_text().splitlines())) > MAX_LINES
    ]
    assert not long, long
