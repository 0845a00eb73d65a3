"""The set-up cell every chapter opens with, written from the book's configuration.

    python book/setup_cell.py           # write the cell into every chapter
    python book/setup_cell.py --check   # exit 1 (and list them) if a chapter is out of date

The cell is the first code cell of each chapter. Where ``mimml_edu`` is not installed (Colab,
or another hosted Jupyter), it installs the package with pip from the repository named in
``book/_config.yml`` (``repository.url`` and ``repository.branch``: the one place that
names the install source; the book's launch buttons use it too). Everywhere it then does
the shared set-up: inline figures, and ``mimml_edu.plots``, which makes every returned
figure display as an image. A fork sets its own URL in ``_config.yml`` and runs this script.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
NOTEBOOKS = ROOT / "notebooks"
CONFIG = BOOK / "_config.yml"
TAGS = ["hide-input"]
MARKER = "# Set-up (the same in every chapter; written by book/setup_cell.py)"

TEMPLATE = """{marker}
import importlib.util

if importlib.util.find_spec("mimml_edu") is None:  # Colab, or a hosted Jupyter without it
    %pip install --quiet "{requirement}"
    importlib.invalidate_caches()

%matplotlib inline
import mimml_edu.plots  # figures returned by a cell display as images"""


def install_source(config_path: Path = CONFIG) -> str:
    """The pip requirement the set-up cell installs: ``mimml-edu @ git+URL@BRANCH``."""
    import yaml

    config = yaml.safe_load(config_path.read_text()) or {}
    repository = config.get("repository") or {}
    url = str(repository.get("url") or "").rstrip("/")
    if not url.startswith("https://"):
        raise SystemExit(f"{config_path}: repository.url must be an https URL, got {url!r}")
    branch = str(repository.get("branch") or "main")
    return f"mimml-edu @ git+{url.removesuffix('.git')}.git@{branch}"


def cell_source(config_path: Path = CONFIG) -> str:
    """The source of the set-up cell, for the repository configured in ``_config.yml``."""
    return TEMPLATE.format(marker=MARKER, requirement=install_source(config_path))


def chapters() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def first_code_cell(nb):
    return next((cell for cell in nb.cells if cell.cell_type == "code"), None)


def is_current(nb, source: str) -> bool:
    cell = first_code_cell(nb)
    return (
        cell is not None
        and cell.source == source
        and sorted(cell.metadata.get("tags", [])) == sorted(TAGS)
    )


def sync(nb, source: str) -> bool:
    """Make ``nb``'s first code cell the set-up cell; return whether ``nb`` changed.

    A first code cell that is an older set-up cell (it installs in Colab) is rewritten in
    place (its id is kept); otherwise a new cell is inserted before the first code cell.
    """
    import nbformat

    if is_current(nb, source):
        return False
    cell = first_code_cell(nb)
    if cell is not None and ("google.colab" in cell.source or cell.source.startswith(MARKER)):
        cell.source = source
    else:
        cell = nbformat.v4.new_code_cell(source)
        index = nb.cells.index(first_code_cell(nb)) if first_code_cell(nb) else len(nb.cells)
        nb.cells.insert(index, cell)
    cell.metadata["tags"] = list(TAGS)
    cell.outputs, cell.execution_count = [], None
    return True


def write(nb, path: Path) -> None:
    """Write in the repository's notebook style (nbformat's: indent 1, sorted keys)."""
    import nbformat

    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale chapters")
    args = parser.parse_args(argv)
    source = cell_source()
    stale = []
    for path in chapters():
        nb = nbformat.read(path, as_version=4)
        if is_current(nb, source):
            continue
        stale.append(path.name)
        if not args.check and sync(nb, source):
            write(nb, path)
    if args.check and stale:
        print("set-up cell out of date in: " + ", ".join(stale), file=sys.stderr)
        print("run: python book/setup_cell.py", file=sys.stderr)
        return 1
    for name in stale:
        print(f"{name}: set-up cell written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
