"""The instructor kit's course plan, project milestones and grading, with times that add up.

The plan (``kit/plan.yaml``) names, per week, the chapters, the objectives and the project
step. Every time in it is computed: a chapter's time is its own estimate (the
``**Time:** about N minutes`` line of its opening cell), its code exercises and its
questionnaire are counted from the exercise registry and the questionnaire source and
priced at the plan's rates, and the weekly meeting and the project step add theirs. A week's
total is the sum of its items and the course's total the sum of its weeks.

Public API:

- :func:`chapter_minutes` the estimate a chapter states; :func:`chapters` the chapters of a
  folder.
- :class:`Item`, :class:`Week`, :class:`CoursePlan`; :func:`build_plan`.
- :func:`plan_markdown`, :func:`rubric_markdown`, :func:`project_markdown`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mimml_edu.errors import ConfigError
from mimml_edu.exercises import EXERCISES, questionnaire

#: The kit's sources: the plan, the rubric and the brief's template (``kit/`` beside this
#: module, inside the installed package).
#:
#: :meta hide-value:
KIT = Path(__file__).resolve().parent / "kit"
N_WEEKS = 8
#: The opening cell's estimate, e.g. ``**Time:** about 30 minutes``.
TIME_LINE = re.compile(r"\*\*(?:Estimated time|Time):\*\*\s*(?:about\s+)?(\d+)\s+minutes")
GRADED = ("proposal", "prediction", "results", "report")
#: The project brief's template, with ``<<milestones>>`` where the plan's steps go.
BRIEF = "kit/project.md"


def chapters(folder: Path) -> dict[str, Path]:
    """``{"02": notebooks/02_data.ipynb, ...}`` for the chapters in ``folder``."""
    found = sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))
    return {questionnaire.chapter_of(p): p for p in found}


def chapter_minutes(path: Path) -> int:
    """The reading time a chapter states in its opening cell, in minutes.

    Raises:
        ConfigError: when the first cell has no ``**Time:** about N minutes`` line.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0].source if nb.cells else ""
    match = TIME_LINE.search(first)
    if not match:
        raise ConfigError(
            f"{path}: its opening cell states no time; add a line such as "
            "'**Time:** about 30 minutes'"
        )
    return int(match.group(1))


@dataclass(frozen=True)
class Item:
    """One line of a week: what, how many minutes, and how that number was computed."""

    what: str
    minutes: int
    how: str


@dataclass(frozen=True)
class Week:
    """One week: its number, title, objectives, chapters, project step and time items."""

    number: int
    title: str
    objectives: tuple[str, ...]
    chapters: tuple[str, ...]
    exercises: tuple[str, ...]
    project: str
    graded: str | None
    items: tuple[Item, ...]

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.items)


@dataclass(frozen=True)
class CoursePlan:
    """The weeks of the course and its title; ``minutes`` is the sum over the weeks."""

    title: str
    weeks: tuple[Week, ...]

    @property
    def minutes(self) -> int:
        return sum(week.minutes for week in self.weeks)


def _load(name: str, folder: Path) -> Any:
    import yaml

    path = Path(folder) / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")), path
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"{path}: cannot be read ({err})") from None


def _rate(rates: dict, key: str, path: Path) -> int:
    value = rates.get(key)
    if not isinstance(value, int) or value <= 0:
        raise ConfigError(
            f"{path}: rates.{key} must be a positive number of minutes, got {value!r}"
        )
    return value


def build_plan(
    notebooks: Path, *, kit: Path = KIT, sources: Path = questionnaire.SOURCES
) -> CoursePlan:
    """The course plan for the chapters in ``notebooks``, with every time computed.

    Raises:
        ConfigError: for a plan that is not 8 weeks, a chapter of the folder that no week
            teaches or that two weeks teach, a week naming a chapter the folder lacks, a
            missing rate, or a graded milestone that is missing or repeated.
    """
    data, path = _load("plan.yaml", kit)
    rates = data.get("rates") or {}
    per_exercise = _rate(rates, "minutes_per_code_exercise", path)
    per_question = _rate(rates, "minutes_per_question", path)
    meeting = _rate(rates, "meeting_minutes", path)
    found = chapters(notebooks)
    weeks_data = data.get("weeks") or []
    if len(weeks_data) != N_WEEKS:
        raise ConfigError(
            f"{path}: the course has {N_WEEKS} weeks, the plan has {len(weeks_data)}"
        )
    taught = [c for w in weeks_data for c in w.get("chapters", [])]
    twice = sorted({c for c in taught if taught.count(c) > 1})
    missing, unknown = sorted(set(found) - set(taught)), sorted(set(taught) - set(found))
    if twice or missing or unknown:
        raise ConfigError(
            f"{path}: every chapter in exactly one week; taught twice {twice}, in no week "
            f"{missing}, not in {notebooks} {unknown}"
        )
    graded = [w["project"].get("graded") for w in weeks_data if w["project"].get("graded")]
    if sorted(graded) != sorted(GRADED):
        raise ConfigError(
            f"{path}: the graded milestones must be {GRADED} once each, got {graded}"
        )
    weeks = []
    for number, w in enumerate(weeks_data, start=1):
        items, names = [], []
        for chapter in w["chapters"]:
            items.append(
                Item(
                    f"chapter {chapter}",
                    chapter_minutes(found[chapter]),
                    "the chapter's own estimate",
                )
            )
            ex = [n for n, e in EXERCISES.items() if e.chapter == chapter]
            names += ex
            if ex:
                items.append(
                    Item(
                        f"chapter {chapter}: {len(ex)} code exercises",
                        len(ex) * per_exercise,
                        f"{len(ex)} x {per_exercise} min",
                    )
                )
            n_q = len(questionnaire.load(chapter, sources).questions)
            items.append(
                Item(
                    f"chapter {chapter}: questionnaire",
                    n_q * per_question,
                    f"{n_q} questions x {per_question} min",
                )
            )
        items.append(Item("class meeting", meeting, "the plan's weekly meeting"))
        project = w["project"]
        items.append(Item("project", int(project["minutes"]), "the plan's project step"))
        weeks.append(
            Week(number, w["title"], tuple(w["objectives"]), tuple(w["chapters"]), tuple(names),
                 project["task"], project.get("graded"), tuple(items))
        )  # fmt: skip
    return CoursePlan(data["title"], tuple(weeks))


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f} h"


def plan_markdown(plan: CoursePlan) -> str:
    """The course plan as a document: a summary table, then one section per week."""
    lines = [
        f"# {plan.title}",
        "",
        "| week | title | chapters | time |",
        "| --- | --- | --- | --- |",
    ]
    for w in plan.weeks:
        taught = ", ".join(w.chapters) or "project"
        lines.append(f"| {w.number} | {w.title} | {taught} | {_hours(w.minutes)} |")
    lines += [f"| | **total** | | **{_hours(plan.minutes)}** ({plan.minutes} min) |", ""]
    lines += [
        "Times are computed by the course build: each chapter's own estimate, the code "
        "exercises and questionnaire questions counted and priced at the plan's rates, the "
        "weekly meeting and the project step; each week's total is the sum of its lines.",
        "",
    ]
    for w in plan.weeks:
        lines += [f"## Week {w.number}: {w.title}", "", "Objectives:", ""]
        lines += [f"- {o}" for o in w.objectives] + [""]
        if w.chapters:
            lines += [f"Chapters: {', '.join(w.chapters)}. Code exercises (auto-checked): "
                      f"{', '.join(f'`{n}`' for n in w.exercises) or 'none'}.", ""]  # fmt: skip
        else:
            lines += ["No new chapter: the week belongs to the project.", ""]
        graded = f" **Graded milestone: {w.graded}.**" if w.graded else ""
        lines += [f"Project: {w.project}.{graded}", "", "| item | minutes | computed as |"]
        lines += ["| --- | ---: | --- |"]
        lines += [f"| {i.what} | {i.minutes} | {i.how} |" for i in w.items]
        lines += [f"| **week total** | **{w.minutes}** | {_hours(w.minutes)} |", ""]
    return "\n".join(lines)


def rubric(kit: Path = KIT) -> dict:
    """The grading scheme (``kit/rubric.yaml``), checked: the course grade's percentages and
    the report's points each add up to 100.

    Raises:
        ConfigError: when they do not.
    """
    data, path = _load("rubric.yaml", kit)
    for part, key in (("course_grade", "percent"), ("report", "points")):
        total = sum(int(row[key]) for row in data[part])
        if total != 100:
            raise ConfigError(f"{path}: the {key} of {part} add up to {total}, not 100")
    return data


def rubric_markdown(data: dict) -> str:
    """The grading scheme and the report rubric as a document."""
    lines = ["# Grading", "", "| part of the grade | percent | how it is marked |"]
    lines += ["| --- | ---: | --- |"]
    lines += [f"| {r['part']} | {r['percent']} | {r['how']} |" for r in data["course_grade"]]
    lines += ["", "## The project report (100 points)", ""]
    lines += [
        "| criterion | points | excellent | adequate | weak |",
        "| --- | ---: | --- | --- | --- |",
    ]
    cols = ("criterion", "points", "excellent", "adequate", "weak")
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |"
              for r in data["report"]]  # fmt: skip
    return "\n".join(lines) + "\n"


def project_markdown(plan: CoursePlan, kit: Path = KIT) -> str:
    """The project brief, with its milestones taken from the plan's weeks."""
    text = (Path(kit) / Path(BRIEF).name).read_text(encoding="utf-8")
    rows = ["| week | project step | graded | minutes |", "| --- | --- | --- | ---: |"]
    for w in plan.weeks:
        minutes = next(i.minutes for i in w.items if i.what == "project")
        rows.append(f"| {w.number} | {w.project} | {w.graded or ''} | {minutes} |")
    total = sum(next(i.minutes for i in w.items if i.what == "project") for w in plan.weeks)
    rows.append(f"| | **total** | | **{total}** ({_hours(total)}) |")
    return text.replace("<<milestones>>", "\n".join(rows))
