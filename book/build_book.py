"""Execute the chapters and build the book.

    python book/build_book.py            # execute every chapter (reusing the cache) and build HTML
    python book/build_book.py --execute  # only execute chapters into the cache

Each chapter runs in a fresh kernel with a per-notebook time limit, read from the
notebook's metadata (``metadata.mimml.timeout``, seconds; default 180). Executed
notebooks are stored in the jupyter-cache that jupyter-book's ``cache`` mode reads,
keyed on the code of the notebook, so a chapter whose code has not changed is not
executed twice (the test suite fills the cache; the book build reuses it).
A cell error fails the build (``allow_errors: false``); the ``raises-exception``
tag marks the cells that are meant to raise.

Widgets: the live widget is for Jupyter; the book shows its static twin. Before an
executed chapter is stored, each widget output gets the PNG that the widget's figure
(its ``ipywidgets.Image`` with the CSS class ``mimml-widget-figure``) shows after the
chapter ran, and the widget state is dropped, so no page needs the widget manager's
JavaScript.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
NOTEBOOKS = ROOT / "notebooks"
BUILD = BOOK / "_build"
CACHE = BUILD / ".jupyter_cache"
DEFAULT_TIMEOUT = 180
CELL_TIMEOUT = 300
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: the CSS class of a widget app's figure (an ipywidgets.Image holding a PNG)
FIGURE_CLASS = "mimml-widget-figure"


def chapters() -> list[Path]:
    """The chapter notebooks in reading order."""
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def notebook_timeout(nb) -> int:
    return int(nb.metadata.get("mimml", {}).get("timeout", DEFAULT_TIMEOUT))


@contextmanager
def _time_limit(seconds: int, what: str):
    def _raise(signum, frame):
        raise TimeoutError(f"{what} did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def source_fingerprint() -> str:
    """A hash of everything a chapter's outputs depend on besides its own code.

    jupyter-cache keys an execution on the notebook's code cells only; a change in the
    package, the shipped samples or the pinned environment must invalidate it too.
    """
    import hashlib

    digest = hashlib.sha256()
    pins = [ROOT / "requirements" / "lock.txt", ROOT / "pyproject.toml"]
    files = sorted([*ROOT.glob("mimml_edu/**/*"), *ROOT.glob("data_samples/**/*"), *pins])
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_cache_fresh() -> None:
    """Empty the execution cache when the package, samples or pins changed."""
    stamp = CACHE / "mimml-source.sha256"
    current = source_fingerprint()
    if CACHE.exists() and (not stamp.exists() or stamp.read_text() != current):
        shutil.rmtree(CACHE)
    CACHE.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current)


def cached(path: Path) -> bool:
    """Whether the cache already holds an execution of this notebook's current code."""
    import nbformat
    from jupyter_cache import get_cache

    nb = nbformat.read(path, as_version=4)
    try:
        get_cache(CACHE).match_cache_notebook(nb)
    except KeyError:
        return False
    return True


def _widget_png(state: dict, model_id: str, seen: set[str] | None = None) -> str | None:
    """The base64 PNG of the figure inside widget ``model_id`` (depth first), or None."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return None
    seen.add(model_id)
    model = state[model_id]
    values = model.get("state", {})
    if model.get("model_name") == "ImageModel" and FIGURE_CLASS in values.get("_dom_classes", ()):
        for buffer in model.get("buffers", ()):
            if list(buffer.get("path", ())) == ["value"] and buffer.get("encoding") == "base64":
                return buffer["data"]
        return None
    for child in values.get("children", ()):
        found = _widget_png(state, str(child).removeprefix("IPY_MODEL_"), seen)
        if found is not None:
            return found
    return None


def static_widgets(nb) -> int:
    """Replace each widget view in ``nb``'s outputs by its figure's PNG; drop widget state.

    An output whose widget holds no figure keeps only its text (its repr), which
    ``tests/test_book_outputs.py`` reports. Returns the number of widget figures kept.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    kept = 0
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            view = data.pop(WIDGET_VIEW, None)
            if view is None:
                continue
            png = _widget_png(state, view.get("model_id", ""))
            if png is not None:
                data["image/png"] = png
                kept += 1
    nb.metadata.pop("widgets", None)
    return kept


def execute(path: Path, *, timeout: int | None = None, store: bool = True):
    """Run one notebook top to bottom in a fresh kernel; return (executed nb, seconds).

    Raises ``nbclient.exceptions.CellExecutionError`` on a cell error and
    ``TimeoutError`` when the notebook runs past its limit.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    limit = timeout or notebook_timeout(nb)
    client = NotebookClient(
        nb,
        timeout=min(CELL_TIMEOUT, limit),
        kernel_name="python3",
        allow_errors=False,
        # jupyter-cache hashes cell metadata too: timing metadata would make the stored
        # execution miss when jupyter-book looks up the (unexecuted) source notebook.
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    with _time_limit(limit, f"notebook {path.name}"):
        client.execute()
    seconds = time.perf_counter() - start
    static_widgets(nb)
    if store:
        # Store under the source notebook's hash (what jupyter-book will look up).
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn

        ensure_cache_fresh()
        get_cache(CACHE).cache_notebook_bundle(
            CacheBundleIn(nb, str(path), data={"execution_seconds": seconds}),
            check_validity=False,
            overwrite=True,
        )
    return nb, seconds


def execute_missing() -> None:
    """Execute into the cache every chapter whose current code it does not hold yet."""
    ensure_cache_fresh()
    for path in chapters():
        if cached(path):
            print(f"{path.name}: cached", flush=True)
            continue
        _, seconds = execute(path)
        print(f"{path.name}: executed in {seconds:.1f} s", flush=True)


def cached_notebook(path: Path):
    """The executed notebook the cache holds for ``path``'s current code (KeyError if none)."""
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(CACHE)
    record = cache.match_cache_notebook(nbformat.read(path, as_version=4))
    return cache.get_cache_bundle(record.pk).nb


def build_html() -> Path:
    """Run jupyter-book on book/; fail on any warning (a failed cell is one)."""
    jb = Path(sys.executable).with_name("jupyter-book")
    shutil.rmtree(BUILD / "html", ignore_errors=True)
    shutil.rmtree(BUILD / "jupyter_execute", ignore_errors=True)
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
    cmd = [str(jb), "build", str(BOOK), "--builder", "html", "-W", "--keep-going"]
    result = subprocess.run(cmd, env=env, text=True, capture_output=True)
    reports = sorted((BUILD / "html" / "reports").glob("*.log"))
    if result.returncode != 0 or reports:
        sys.stdout.write(result.stdout[-20000:])
        sys.stderr.write(result.stderr[-20000:])
        for report in reports:
            sys.stderr.write(f"\n--- {report.name}\n{report.read_text()[-5000:]}")
        raise SystemExit(f"book build failed (jupyter-book exit status {result.returncode})")
    index = BUILD / "html" / "index.html"
    if not index.exists():
        raise SystemExit(f"book build produced no {index}")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execute", action="store_true", help="only execute into the cache")
    args = parser.parse_args(argv)
    execute_missing()
    if not args.execute:
        index = build_html()
        print(f"Book: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
