"""Every chapter opens with the same set-up cell, installing from the one configured URL."""

from __future__ import annotations

import sys

import nbformat
import pytest
import yaml
from conftest import ROOT

sys.path.insert(0, str(ROOT / "book"))
import setup_cell

CHAPTERS = setup_cell.chapters()


def test_every_chapter_is_covered():
    assert {p.name for p in CHAPTERS} == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_first_code_cell_is_the_set_up_cell(path):
    nb = nbformat.read(path, as_version=4)
    assert setup_cell.is_current(nb, setup_cell.cell_source()), (
        f"{path.name}: the first code cell is not the current set-up cell; "
        "run `python book/setup_cell.py`"
    )


def test_install_source_is_the_repository_of_the_book_config():
    config = yaml.safe_load(setup_cell.CONFIG.read_text())["repository"]
    source = setup_cell.cell_source()
    assert f"git+{config['url']}.git@{config['branch']}" in source
    assert source.count("git+") == 1


def test_a_fork_changes_one_place(tmp_path):
    """Another URL in _config.yml gives a cell that installs from it, and only from it."""
    config = yaml.safe_load(setup_cell.CONFIG.read_text())
    config["repository"] = {"url": "https://example.org/someone/fork/", "branch": "dev"}
    path = tmp_path / "_config.yml"
    path.write_text(yaml.safe_dump(config))
    source = setup_cell.cell_source(path)
    assert '"mimml-edu @ git+https://example.org/someone/fork.git@dev"' in source
    assert "github.com/mimml-edu" not in source
    nb = nbformat.read(CHAPTERS[0], as_version=4)
    assert setup_cell.sync(nb, source)
    assert setup_cell.is_current(nb, source)
    assert not setup_cell.sync(nb, source), "a synced notebook must not change again"
    ids = [c.id for c in nb.cells]
    assert len(ids) == len(set(ids))


def test_a_chapter_without_a_set_up_cell_gets_one_first():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 99 · T"), nbformat.v4.new_code_cell("x = 1")]
    assert setup_cell.sync(nb, setup_cell.cell_source())
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[1].metadata["tags"] == setup_cell.TAGS
    assert nb.cells[2].source == "x = 1"


def test_a_config_without_an_https_url_is_refused(tmp_path):
    path = tmp_path / "_config.yml"
    path.write_text("repository:\n  url: git@github.com:x/y\n")
    with pytest.raises(SystemExit, match=r"repository\.url must be an https URL"):
        setup_cell.cell_source(path)


def test_check_mode_reports_and_does_not_write(tmp_path, monkeypatch, capsys):
    for path in CHAPTERS[:2]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    nb = nbformat.read(tmp_path / CHAPTERS[0].name, as_version=4)
    setup_cell.first_code_cell(nb).source = "# an old set-up cell\nimport google.colab"
    setup_cell.write(nb, tmp_path / CHAPTERS[0].name)
    before = (tmp_path / CHAPTERS[0].name).read_bytes()
    monkeypatch.setattr(setup_cell, "NOTEBOOKS", tmp_path)
    assert setup_cell.main(["--check"]) == 1
    assert CHAPTERS[0].name in capsys.readouterr().err
    assert (tmp_path / CHAPTERS[0].name).read_bytes() == before
    assert setup_cell.main([]) == 0
    assert setup_cell.main(["--check"]) == 0
