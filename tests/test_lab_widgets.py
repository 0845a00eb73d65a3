"""Every widget of the book, live in JupyterLab: each control changes the widget's figure.

JupyterLab runs on loopback with a token, serving a copy of notebooks/ (autosave must not
touch the committed chapters). For each chapter with widget cells (found from its code, see
tests/lab.py) the test opens it in headless Chromium, runs all cells, then changes every
control of every widget app and checks that the app's figure (the PNG of its
``mimml-widget-figure`` image) changed. Screenshots before and after each change are saved
under the test's temporary folder; their paths are printed on failure.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import browser
import lab
import nbformat
import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WITH_WIDGETS = [p for p in CHAPTERS if lab.widget_cells(nbformat.read(p, as_version=4))]
#: seconds a changed control may take to redraw (attributions are recomputed)
REDRAW_SECONDS = 240

OPEN_AND_RUN = """
const [name, done] = [arguments[0], arguments[arguments.length - 1]];
const app = window.jupyterapp;
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  await app.started; await app.restored;
  const panel = await app.commands.execute('docmanager:open', {path: name});
  await panel.context.ready; await panel.sessionContext.ready;
  while (!panel.sessionContext.session || !panel.sessionContext.session.kernel) await wait(200);
  await app.commands.execute('notebook:run-all-cells');
  while (panel.sessionContext.session.kernel.status !== 'idle') await wait(250);
  const errors = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    for (const out of cell.model.outputs.toJSON()) {
      if (out.output_type === 'error') errors.push(out.ename + ': ' + out.evalue);
    }
    if (cell.model.executionCount === null) errors.push('a cell did not run');
  }
  done({errors: errors.slice(0, 5), id: panel.id});
})().catch((e) => done({errors: ['' + e], id: null}));
"""

FIGURE_BYTES = """
const [img, done] = [arguments[0], arguments[arguments.length - 1]];
if (!img.src) { done(''); return; }
fetch(img.src).then((r) => r.arrayBuffer()).then((b) => {
  const bytes = new Uint8Array(b); let s = '';
  for (let i = 0; i < bytes.length; i += 1) s += String.fromCharCode(bytes[i]);
  done(btoa(s));
}, () => done(''));
"""

#: containers and displays (not controls) that a widget app may hold
LAYOUT = {
    "widget-box", "widget-hbox", "widget-vbox", "widget-gridbox", "widget-image",
    "widget-label", "widget-html", "widget-htmlmath", "widget-output", "widget-valid",
    "widget-tab", "widget-accordion", "widget-stack", "widget-progress",
}  # fmt: skip
#: the ipywidgets control kinds the test can change, by the CSS class of their element
CONTROLS = (
    "widget-dropdown", "widget-select", "widget-toggle-buttons", "widget-radio",
    "widget-checkbox", "widget-toggle-button", "widget-button", "widget-slider",
    "widget-text", "widget-textarea",
)  # fmt: skip


def controls_of(app) -> list[tuple[str, object]]:
    """(kind, element) of every control in a widget app, in page order.

    Every ipywidgets view is a Lumino widget (``lm-Widget``; not all of them carry the
    ``jupyter-widgets`` class). A control the test cannot operate fails the test, and so
    does any element of a control kind that was not listed.
    """
    found: list[tuple[str, object]] = []
    for element in app.find_elements("css selector", ".lm-Widget"):
        classes = set((element.get_attribute("class") or "").split())
        if classes & LAYOUT or any(_contains(outer, element) for _, outer in found):
            continue  # a container, a display, or a part of a control already listed
        kind = next((c for c in CONTROLS if c in classes), None)
        assert kind is not None, f"a widget control the test cannot operate: {sorted(classes)}"
        found.append((kind, element))
    selector = ", ".join(f".{kind}" for kind in CONTROLS)
    for element in app.find_elements("css selector", selector):
        listed = any(e == element or _contains(e, element) for _, e in found)
        assert listed, f"a control the test missed: {element.get_attribute('class')}"
    return found


def _contains(outer, inner) -> bool:
    script = "return arguments[0] !== arguments[1] && arguments[0].contains(arguments[1]);"
    return bool(outer.parent.execute_script(script, outer, inner))


def change(kind: str, element) -> str:
    """Give the control another value, as a person would; return what was done."""
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    if kind in ("widget-dropdown", "widget-select"):
        select = Select(element.find_element("css selector", "select"))
        options = select.options
        current = next(i for i, o in enumerate(options) if o.is_selected())
        choice = (current + 1) % len(options)
        select.select_by_index(choice)
        return f"chose {options[choice].text!r}"
    if kind == "widget-toggle-buttons":
        buttons = element.find_elements("css selector", "button")
        active = next(i for i, b in enumerate(buttons) if "mod-active" in b.get_attribute("class"))
        target = buttons[(active + 1) % len(buttons)]
        target.click()
        return f"clicked {target.text!r}"
    if kind == "widget-radio":
        inputs = element.find_elements("css selector", "input[type=radio]")
        current = next(i for i, b in enumerate(inputs) if b.is_selected())
        inputs[(current + 1) % len(inputs)].click()
        return "chose the next option"
    if kind in ("widget-checkbox",):
        element.find_element("css selector", "input").click()
        return "toggled"
    if kind in ("widget-toggle-button", "widget-button"):
        element.click()
        return "clicked"
    if kind == "widget-slider":
        handle = element.find_element("css selector", ".noUi-handle")
        now = float(handle.get_attribute("aria-valuenow"))
        top = float(handle.get_attribute("aria-valuemax"))
        key = Keys.ARROW_LEFT if now >= top else Keys.ARROW_RIGHT
        handle.send_keys(key)
        return f"moved the slider from {now:g}"
    if kind in ("widget-text", "widget-textarea"):
        field = element.find_element("css selector", "input, textarea")
        value = field.get_attribute("value") or ""
        new = str(float(value) + 1) if re.fullmatch(r"-?[\d.]+", value) else value + "x"
        field.clear()
        field.send_keys(new, Keys.ENTER)
        return f"typed {new!r}"
    raise AssertionError(kind)


def figure_png(driver, app) -> str:
    image = app.find_element("css selector", f"img.{lab.FIGURE_CLASS}")
    return driver.execute_async_script(FIGURE_BYTES, image)


def test_the_book_has_widgets():
    assert WITH_WIDGETS, "no chapter calls a mimml_edu widget"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", symlinks=True)
    with lab.jupyterlab(root / "notebooks", root / "state") as running:
        yield running


@pytest.mark.parametrize("chapter", WITH_WIDGETS, ids=lambda p: p.stem)
def test_every_control_changes_the_figure(chapter, server, tmp_path):
    nb = nbformat.read(chapter, as_version=4)
    expected = len(lab.widget_cells(nb))
    limit = 3 * int(nb.metadata.get("mimml", {}).get("timeout", 180))
    shots: list[Path] = []

    def shoot(driver, element, name: str) -> Path:
        path = tmp_path / "shots" / f"{chapter.stem}_{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        element.screenshot(str(path))
        shots.append(path)
        return path

    with browser.chromium(tmp_path / "profile", width=1400, height=1100) as driver:
        try:
            driver.get(server.url("lab"))
            driver.set_script_timeout(limit)
            started = time.monotonic()
            result = driver.execute_async_script(OPEN_AND_RUN, chapter.name)
            print(f"{chapter.name}: ran all cells in {time.monotonic() - started:.0f} s")
            assert not result["errors"], f"{chapter.name} failed in JupyterLab: {result['errors']}"
            driver.set_script_timeout(30)
            apps = driver.find_elements("css selector", f".jp-NotebookPanel .{lab.APP_CLASS}")
            assert len(apps) == expected, (
                f"{chapter.name}: {expected} widget cells, {len(apps)} widget apps "
                f"(elements with class {lab.APP_CLASS}) on the page"
            )
            for number, app in enumerate(apps):
                driver.execute_script("arguments[0].scrollIntoView();", app)
                controls = controls_of(app)
                assert controls, f"widget {number} of {chapter.name} has no control"
                before = figure_png(driver, app)
                assert before, f"widget {number} of {chapter.name} shows no figure"
                shoot(driver, app, f"widget{number}_0_before")
                for step, (kind, element) in enumerate(controls, start=1):
                    done = change(kind, element)
                    deadline = time.monotonic() + REDRAW_SECONDS
                    while (after := figure_png(driver, app)) in ("", before):
                        assert time.monotonic() < deadline, (
                            f"widget {number} of {chapter.name}: the figure did not change "
                            f"after control {step} ({kind}: {done})"
                        )
                        time.sleep(0.5)
                    before = after
                    shoot(driver, app, f"widget{number}_{step}_after_{kind}")
        except BaseException:
            shots.append(browser.screenshot(driver, tmp_path / "shots" / "failed_page.png"))
            print("screenshots:\n" + "\n".join(map(str, shots)))
            raise
        finally:
            server.shutdown_kernels()
    print("screenshots:\n" + "\n".join(map(str, shots)))
