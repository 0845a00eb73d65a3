"""The wheel, installed with plain pip into a fresh environment outside the checkout, runs
chapters 02 and 03: the sample data ships inside the package.

Installing the whole pinned set again would take minutes and gigabytes, so the fresh
environment sees the test environment's libraries through a path entry (a ``.pth`` line
naming its site-packages). Python processes ``.pth`` files only in real site directories,
so the test environment's own (editable) mimml-edu is not visible: the kernel imports the
wheel's copy, which the test checks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import nbformat
import pytest
from conftest import NETBLOCK, ROOT

pytestmark = pytest.mark.slow

CHAPTERS = ("02_data.ipynb", "03_features.ipynb")
WHERE = (
    "import mimml_edu, mimml_edu.data.samples as s, importlib.resources as r\n"
    "print('MIMML_EDU', mimml_edu.__file__)\n"
    "print('SAMPLES', s.samples_dir())\n"
    "print('RESOURCES', r.files('mimml_edu.samples'))"
)


def outside_env(**extra: str) -> dict[str, str]:
    """The environment without this checkout on PYTHONPATH (nothing leaks in from it)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "PYTHONNOUSERSITE": "1", **extra}


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    out = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, f"{cmd[:4]} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist and the wheel built from it, as `make dist` builds them."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)])
    return out


def test_sdist_and_wheel_hold_the_samples_once(dist):
    import tarfile
    import zipfile

    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    names = zipfile.ZipFile(wheel).namelist()
    samples = sorted(p.relative_to(ROOT / "data_samples").as_posix()
                     for p in (ROOT / "data_samples").rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts)  # fmt: skip
    assert {f"mimml_edu/samples/{s}" for s in samples} <= set(names)
    assert not [n for n in names if n.startswith("data_samples/")]
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    assert {f"data_samples/{s}" for s in samples} <= members
    assert not [m for m in members if m.startswith("mimml_edu/samples/")], "a second copy"


@pytest.fixture(scope="module")
def fresh_env(dist, tmp_path_factory) -> Path:
    """A new virtual environment outside the checkout with only the wheel installed."""
    home = tmp_path_factory.mktemp("fresh")
    assert ROOT not in home.parents
    env_dir = home / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    (wheel,) = dist.glob("*.whl")
    # plain pip, into the new environment only (it sees no other packages yet)
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--quiet", str(wheel)], env=outside_env(), cwd=home)  # fmt: skip
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
                .stdout.strip())  # fmt: skip
    (site / "shared_libraries.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python


def execute_in(python: Path, chapter: Path, workdir: Path) -> nbformat.NotebookNode:
    """Run a copy of ``chapter`` in ``workdir`` with a kernel of ``python``; return it."""
    nb = nbformat.read(chapter, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(WHERE))
    copy = workdir / chapter.name
    nbformat.write(nb, copy)
    runner = (
        "import sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "NotebookClient(nb, timeout=int(sys.argv[2]), kernel_name='python3',\n"
        "               resources={'metadata': {'path': sys.argv[3]}}).execute()\n"
        "nbformat.write(nb, sys.argv[1])\n"
    )
    limit = 2 * int(nb.metadata.get("mimml", {}).get("timeout", 180))
    env = outside_env(PYTHONPATH=str(NETBLOCK), MPLBACKEND="Agg")
    run([str(python), "-c", runner, str(copy), str(limit), str(workdir)],
        cwd=workdir, env=env, timeout=limit + 120)  # fmt: skip
    return nbformat.read(copy, as_version=4)


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_runs_from_the_installed_wheel(name, fresh_env, tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir()
    nb = execute_in(fresh_env, ROOT / "notebooks" / name, workdir)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    where = dict(line.split(" ", 1) for line in text.splitlines() if " " in line)
    site = fresh_env.parents[1]
    for key in ("MIMML_EDU", "SAMPLES", "RESOURCES"):
        path = Path(where[key])
        assert site in path.parents, f"{key} {path} is not the wheel's copy in {site}"
        assert ROOT not in path.parents, f"{key} {path} comes from the checkout"
    assert Path(where["SAMPLES"]) == Path(where["RESOURCES"])
