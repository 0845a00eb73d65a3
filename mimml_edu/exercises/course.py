"""Build a course from the chapters: a student copy, an instructor copy and a kit.

    python -m mimml_edu.exercises.course --notebooks notebooks --out course   # make course

- ``student/``: every chapter as it is committed. A chapter is already a student copy:
  its exercise cells start from stubs that raise ``NotImplementedError`` (their checkers
  say "not yet"), it imports no solution, and its questionnaire shows questions only. The
  build checks all three and refuses a chapter that breaks one.
- ``instructor/``: every chapter with each exercise stub replaced by its reference
  solution (:func:`mimml_edu.exercises.instructor_notebook`: every checker then says
  "correct") and the questionnaire shown with its answers; beside them the kit: the 8-week
  course plan, the project brief, the grading rubric and the answer keys.

The exercise registry already pairs every stub with its solution and checker, so the copies
are made by replacing cells; no grading server is needed (the checkers grade the code
exercises, the answer key the questionnaires).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mimml_edu.errors import ConfigError
from mimml_edu.exercises import EXERCISES, exercise_cells, instructor_notebook, plan
from mimml_edu.exercises import questionnaire as qn
from mimml_edu.exercises.registry import STUB_BODY

MD = ".md"
#: The file that marks a folder as a course build (so a rebuild may replace it).
STAMP = ".mimml-course"


@dataclass(frozen=True)
class CourseBuild:
    """What a build wrote. Attributes: the two folders, the plan, the chapter numbers."""

    student: Path
    instructor: Path
    plan: plan.CoursePlan
    chapters: tuple[str, ...]


def _source(cell: Any) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def check_student_copy(nb: Any, where: str) -> None:
    """Raise :class:`ConfigError` unless the chapter can go to students as it is: every
    exercise cell holds its stub, no cell names a solution, and it ends with its
    questionnaire (questions only)."""
    for i, name in exercise_cells(nb):
        stub = f"def {EXERCISES[name].stub}("
        text = _source(nb["cells"][i])
        if stub not in text or STUB_BODY.strip() not in text:
            raise ConfigError(f"{where}, cell {i}: exercise {name!r} does not start from its stub")
    for i, cell in enumerate(nb["cells"]):
        if "solution_" in _source(cell):
            raise ConfigError(f"{where}, cell {i}: names a solution")
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
            raise ConfigError(f"{where}, cell {i}: carries outputs; commit chapters clean")
    chapter = qn.chapter_of(Path(where))
    if not qn.is_current(nb, qn.load(chapter)):
        raise ConfigError(
            f"{where}: its last cell is not the questionnaire of {chapter}.yaml; run "
            "python -m mimml_edu.exercises.questionnaire"
        )


def instructor_copy(nb: Any, questionnaire: qn.Questionnaire) -> Any:
    """The chapter with its solutions filled in and its questionnaire answered."""
    out = instructor_notebook(nb)
    index = qn.find_cell(out)
    out["cells"][index]["source"] = qn.answers_markdown(questionnaire)
    return out


def answer_keys_markdown(questionnaires: list[qn.Questionnaire], titles: dict[str, str]) -> str:
    """Every chapter's questionnaire with its answers, in one document."""
    parts = ["# Answer keys", ""]
    for q in questionnaires:
        parts.append(qn.answers_markdown(q, heading=f"## {titles[q.chapter]}"))
    return "\n".join(parts)


def _prepare(folder: Path) -> None:
    """Empty ``folder`` if it is a previous build; refuse to touch anything else."""
    if folder.exists():
        if not (folder / STAMP).is_file():
            raise ConfigError(
                f"{folder} exists and is not a course build (no {STAMP} file); "
                "choose another --out or remove it yourself"
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / STAMP).write_text("written by python -m mimml_edu.exercises.course\n")


def _write(nb: Any, path: Path) -> None:
    import nbformat

    node = nbformat.from_dict(nb)
    nbformat.validate(node)
    path.write_text(nbformat.writes(node) + "\n", encoding="utf-8")


def build(notebooks: Path, out: Path) -> CourseBuild:
    """Write ``out/student/`` and ``out/instructor/`` (see the module docstring).

    Raises:
        ConfigError: for a chapter that is not a clean student copy, a chapter without a
            questionnaire or a time estimate, a plan that does not cover the chapters, a
            rubric that does not add up, or an ``out`` folder that is not a course build.
    """
    import nbformat

    notebooks, out = Path(notebooks), Path(out)
    found = plan.chapters(notebooks)
    if not found:
        raise ConfigError(f"no chapters (NN_name.ipynb) in {notebooks}")
    course_plan = plan.build_plan(notebooks)
    grading = plan.rubric()
    student, instructor = out / "student", out / "instructor"
    for folder in (student, instructor):
        _prepare(folder)
    questionnaires, titles = [], {}
    for chapter, path in found.items():
        nb = nbformat.read(path, as_version=4)
        check_student_copy(nb, str(path))
        q = qn.load(chapter)
        questionnaires.append(q)
        titles[chapter] = nb.cells[0].source.splitlines()[0].lstrip("# ").strip()
        shutil.copyfile(path, student / path.name)
        _write(instructor_copy(nb, q), instructor / path.name)
    kit = {
        "course_plan": plan.plan_markdown(course_plan),
        "project_brief": plan.project_markdown(course_plan),
        "grading": plan.rubric_markdown(grading),
        "answer_keys": answer_keys_markdown(questionnaires, titles),
    }
    for name, text in kit.items():
        (instructor / f"{name}{MD}").write_text(text, encoding="utf-8")
    (instructor / f"README{MD}").write_text(_index(course_plan, found), encoding="utf-8")
    (student / f"README{MD}").write_text(_student_index(found, titles), encoding="utf-8")
    return CourseBuild(student, instructor, course_plan, tuple(found))


def _index(course_plan: plan.CoursePlan, found: dict[str, Path]) -> str:
    lines = [
        "# Instructor copy",
        "",
        "The chapters with every exercise solved (each checker says `correct:`) and every "
        "questionnaire answered, and the kit:",
        "",
        f"- `course_plan{MD}`: {plan.N_WEEKS} weeks, objectives, chapters, exercises and "
        f"project steps, {course_plan.minutes} minutes in all, computed;",
        f"- `project_brief{MD}`: the graded project and its milestones;",
        f"- `grading{MD}`: the course grade and the report rubric;",
        f"- `answer_keys{MD}`: the questionnaires of chapters {', '.join(found)} with answers.",
        "",
        "Do not hand this folder to students; `../student/` is theirs.",
    ]
    return "\n".join(lines) + "\n"


def _student_index(found: dict[str, Path], titles: dict[str, str]) -> str:
    lines = ["# The chapters", ""]
    lines += [f"- `{p.name}`: {titles[c]}" for c, p in found.items()]
    lines += [
        "",
        "Run each chapter top to bottom. Each code exercise starts from a stub: write your "
        "code in place of the `raise NotImplementedError` line and run the cell; its checker "
        "says `not yet:` with what is wrong until your answer is right, then `correct:`. "
        "Each chapter ends with a questionnaire.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    parser.add_argument("--out", type=Path, default=Path("course"))
    args = parser.parse_args(argv)
    try:
        result = build(args.notebooks, args.out)
    except ConfigError as err:
        print(f"course build failed: {err}", file=sys.stderr)
        return 1
    n_ex = sum(1 for e in EXERCISES.values() if e.chapter in result.chapters)
    print(f"{len(result.chapters)} chapters, {n_ex} code exercises -> {result.student}")
    print(f"solutions, answer keys and the kit -> {result.instructor}")
    for week in result.plan.weeks:
        print(f"  week {week.number}: {week.minutes / 60:4.1f} h  {week.title}")
    print(f"  total: {result.plan.minutes / 60:.1f} h ({result.plan.minutes} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
