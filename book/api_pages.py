"""The API reference: one page per package area, listing every module of ``mimml_edu``.

    python book/api_pages.py           # (re)write book/api.md and book/api/*.md
    python book/api_pages.py --check   # exit 1 if a page is missing, stale or extra

Each module goes to the first area whose patterns match its dotted name (``fnmatch``), so
a module added or moved inside an area's package lands on that area's page when the pages
are rewritten; a module that matches no area is an error that names it. An area without
modules gets no page. ``tests/test_api_pages.py`` fails when the pages and the package
disagree, so a new module cannot go without its page.

``mimml_edu.samples`` (``data_samples/`` of the repository) is data, not code: the data page
documents :func:`mimml_edu.data.samples.samples_dir`, which finds it.
"""

from __future__ import annotations

import argparse
import fnmatch
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
API_DIR = BOOK / "api"
INDEX = BOOK / "api.md"
PACKAGE = "mimml_edu"


@dataclass(frozen=True)
class Area:
    slug: str
    title: str
    about: str
    patterns: tuple[str, ...]

    def page(self, number: int) -> str:
        """The page's file name; the number keeps the reading order in the glob toc."""
        return f"{number:02d}_{self.slug}.md"


def _package(name: str) -> tuple[str, str]:
    return (name, f"{name}.*")


#: In reading order. A module goes to the first area that claims it: first the areas whose
#: patterns reach into every package (``*plots*``: a figure module is a plot wherever it
#: lives), then the others.
AREAS: tuple[Area, ...] = (
    Area(
        "core",
        "Core: configuration, errors, metrics, measured results, environment",
        "The package's top level: dataclass configs and their strict YAML files, the error "
        "types, the metrics every chapter reports, the reader of the measured results in "
        "bench/results/, the environment check.",
        (
            "mimml_edu",
            *(
                f"mimml_edu.{name}"
                for name in ("config", "config_yaml", "errors", "metrics", "results", "envcheck")
            ),
        ),
    ),
    Area(
        "data",
        "Data",
        "Sessions, windows and batches; the synthetic teaching corpus and its oracle; the "
        "DAIC-WOZ, E-DAIC and raw-recording readers; splits, leakage checks, shipped samples.",
        _package("mimml_edu.data"),
    ),
    Area(
        "features",
        "Features from raw media",
        "Speech (librosa), faces (MediaPipe) and words (transformers) reduced to one vector "
        "per turn, with their cache.",
        _package("mimml_edu.features"),
    ),
    Area(
        "model",
        "Model",
        "The gated BiGRU + CNN blocks, the encoders, the fusion, MIMML and its baselines.",
        _package("mimml_edu.model"),
    ),
    Area(
        "objectives",
        "Objectives",
        "What trains MIMML: mutual-information estimators and critics, the multi-task "
        "labels, the joint loss.",
        _package("mimml_edu.objectives"),
    ),
    Area(
        "mi_lab",
        "Mutual-information laboratory",
        "Chapter 05's laboratory: the Gaussian benchmark, staircase training, optimal critics.",
        _package("mimml_edu.mi_lab"),
    ),
    Area(
        "training",
        "Training and evaluation",
        "Two-stage training with early stopping and checkpoints, session-level evaluation "
        "with intervals, the chapters' measurements, pretrained checkpoints, the "
        "component-effect map (when each part of MIMML helps), and the paper's protocol on "
        "DAIC-WOZ, E-DAIC or own recordings.",
        tuple(
            pattern
            for name in (
                "train",
                "checkpoints",
                "evaluate",
                "analysis",
                "pretrained",
                "component_map",
                "reproduce",
            )
            for pattern in _package(f"mimml_edu.{name}")
        ),
    ),
    Area(
        "explain",
        "Explanations",
        "Captum attributions (modality, turn, channel) and their faithfulness scores.",
        _package("mimml_edu.explain"),
    ),
    Area(
        "plots",
        "Plots",
        "Every figure of the package; each function returns a matplotlib Figure.",
        (*_package("mimml_edu.plots"), "*plots*"),
    ),
    Area(
        "widgets",
        "Widgets",
        "The ipywidgets apps of the chapters, each a thin wrapper over a plotting function "
        "(its static twin, which the book shows).",
        (*_package("mimml_edu.widgets"), "*widgets*"),
    ),
    Area(
        "exercises",
        "Exercises",
        "The checkers of the chapters' exercises (each tells whether an answer is right), the "
        "questionnaires at the end of every chapter, and the course build (`make course`).",
        (*_package("mimml_edu.exercises"), "*exercises*"),
    ),
    Area(
        "commands",
        "Commands",
        "The modules behind the `mimml-edu` command (its options: see the command-line "
        "reference).",
        ("mimml_edu.cli", *_package("mimml_edu.commands")),
    ),
)


def package_modules() -> list[str]:
    """Every importable module of the ``mimml_edu`` source tree, packages included."""
    import importlib

    package = importlib.import_module(PACKAGE)
    found = [PACKAGE]

    def fail(name: str) -> None:
        raise ImportError(f"{name} cannot be imported while listing the API modules")

    for info in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.", onerror=fail):
        found.append(info.name)
    return sorted(found)


def _claims_anywhere(area: Area) -> bool:
    return any(pattern.startswith("*") for pattern in area.patterns)


def area_of(module: str) -> Area:
    for area in sorted(AREAS, key=lambda a: not _claims_anywhere(a)):
        if any(fnmatch.fnmatchcase(module, pattern) for pattern in area.patterns):
            return area
    raise SystemExit(
        f"{module}: no API area matches it; add a pattern for it to AREAS in book/api_pages.py"
    )


def is_package(module: str) -> bool:
    import importlib.util

    spec = importlib.util.find_spec(module)
    return spec is not None and spec.submodule_search_locations is not None


def module_block(module: str) -> str:
    """A heading and the autodoc directive for one module.

    Every object is documented once, in the module that defines it: a package shows its
    docstring only, and a module's ``__all__`` is ignored (it may re-export names defined
    elsewhere, which would make a second entry and send source links to the wrong page).
    """
    options = "" if is_package(module) else "\n   :members:\n   :ignore-module-all:"
    return f"## `{module}`\n\n```{{eval-rst}}\n.. automodule:: {module}{options}\n```\n"


def render(modules: list[str]) -> dict[Path, str]:
    """The text of every API page, keyed by path (the index and one page per area)."""
    by_area: dict[str, list[str]] = {}
    for module in modules:
        by_area.setdefault(area_of(module).slug, []).append(module)
    pages: dict[Path, str] = {}
    index = [
        "# API reference",
        "",
        "Generated from the docstrings of the `mimml_edu` package, one page per area. The "
        "`mimml-edu` command's options are in the [command-line reference](cli.md).",
        "",
    ]
    for number, area in enumerate(AREAS, start=1):
        members = by_area.get(area.slug)
        if not members:
            continue
        path = API_DIR / area.page(number)
        blocks = "\n".join(module_block(m) for m in members)
        pages[path] = f"# {area.title}\n\n{area.about}\n\n{blocks}"
        index.append(f"- [{area.title}](api/{path.name}): {area.about}")
    pages[INDEX] = "\n".join(index) + "\n"
    return pages


def stale_pages(pages: dict[Path, str]) -> list[str]:
    """Pages that differ from ``pages``, are missing, or should not be there."""
    stale = [p.name for p, text in pages.items() if not p.exists() or p.read_text() != text]
    extra = [p.name for p in API_DIR.glob("*.md") if p not in pages]
    return sorted(stale + extra)


def write(pages: dict[Path, str]) -> list[str]:
    changed = stale_pages(pages)
    API_DIR.mkdir(exist_ok=True)
    for path in API_DIR.glob("*.md"):
        if path not in pages:
            path.unlink()
    for path, text in pages.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale pages")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    pages = render(package_modules())
    if args.check:
        stale = stale_pages(pages)
        if stale:
            print("API pages out of date: " + ", ".join(stale), file=sys.stderr)
            print("run: python book/api_pages.py", file=sys.stderr)
            return 1
        return 0
    for name in write(pages):
        print(f"{name}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
