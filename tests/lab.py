"""A JupyterLab server on loopback for the widget tests, and the widget cells of a chapter.

Widget apps follow one contract: an ``ipywidgets.VBox`` with the CSS class ``mimml-widget``
whose figure is an ``ipywidgets.Image`` (PNG) with the class ``mimml-widget-figure``, and
standard ipywidgets controls. A chapter's widget cells are found from its code: a cell that
calls a function imported from a ``mimml_edu`` widgets module.
"""

from __future__ import annotations

import ast
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

APP_CLASS = "mimml-widget"
FIGURE_CLASS = "mimml-widget-figure"


def _is_widget_module(name: str | None) -> bool:
    return bool(name) and name.split(".")[0] == "mimml_edu" and "widgets" in name


def _python(source: str) -> ast.Module | None:
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return None


def widget_cells(nb) -> list[int]:
    """Indices of the code cells that call a function of a mimml_edu widgets module."""
    functions: set[str] = set()  # bare names: from mimml_edu.widgets import explorer
    modules: set[str] = set()  # aliases of widget modules: from mimml_edu import widgets
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or (tree := _python(cell.source)) is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    name = alias.asname or alias.name
                    if _is_widget_module(node.module):  # a widget function (or submodule)
                        functions.add(name)
                        modules.add(name)
                    elif _is_widget_module(f"{node.module}.{alias.name}"):
                        modules.add(name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if _is_widget_module(alias.name) and alias.asname:
                        modules.add(alias.asname)
        calls = [node.func for node in ast.walk(tree) if isinstance(node, ast.Call)]
        if any(
            (isinstance(f, ast.Name) and f.id in functions)
            or (
                isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name)
                and f.value.id in modules
            )
            or (isinstance(f, ast.Attribute) and _is_widget_module(ast.unparse(f.value)))
            for f in calls
        ):
            cells.append(index)
    return cells


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab: its URL, token and REST helpers."""

    def __init__(self, port: int, token: str, process: subprocess.Popen, log: Path):
        self.port, self.token, self.process, self.log = port, token, process, log
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(
            f"{self.base}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")


@contextmanager
def jupyterlab(root_dir: Path, state_dir: Path) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 with a random token, serving ``root_dir``."""
    port, token = _free_port(), secrets.token_hex(16)
    state_dir.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(state_dir / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(state_dir / "workspaces"),
        JUPYTER_CONFIG_DIR=str(state_dir / "config"),
    )
    cmd = [
        str(Path(sys.executable).with_name("jupyter-lab")),
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = state_dir / "jupyterlab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    lab = Lab(port, token, process, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                lab.api("status")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"JupyterLab did not start; its log:\n{log.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.5)
        yield lab
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
