"""The results of a reproduction as text: ``results.md`` (tables in the shape of the
paper's) and the rows of ``results.csv``.

Public API: :func:`results_markdown` and :func:`results_rows`, both from the JSON object
of :class:`~mimml_edu.reproduce.results.Results`.
"""

from __future__ import annotations

from mimml_edu import DISCLAIMER
from mimml_edu.evaluate import METRICS

#: metric -> column title.
TITLES = {
    "accuracy": "Accuracy",
    "balanced_accuracy": "Balanced acc.",
    "f1_depressed": "F1 depressed",
    "f1_not_depressed": "F1 not depressed",
    "macro_f1": "Macro-F1",
    "auroc": "AUROC",
    "phq_mae": "PHQ-8 MAE",
    "phq_rmse": "PHQ-8 RMSE",
}
NAMES = {"daicwoz": "DAIC-WOZ", "edaic": "E-DAIC", "recordings": "own recordings"}
SELECTIONS = {
    "dev_macro_f1": "the epoch with the best dev macro-F1 (early stopping on dev)",
    "last_epoch": "the last epoch (dev lacks a class: no early stopping)",
}
_DIGITS = {"phq_mae": 2, "phq_rmse": 2}


def _num(value, metric: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:.{_DIGITS.get(metric, 3)}f}"


def _cell(block: dict, metric: str) -> str:
    v = block[metric]
    if v["mean"] is None:
        return "n/a"
    text = f"{_num(v['mean'], metric)} ± {_num(v['sd'], metric)}"
    if v["low"] is not None:
        text += f" [{_num(v['low'], metric)}, {_num(v['high'], metric)}]"
    return text


def _row(title: str, cells: list[str]) -> str:
    return "| " + " | ".join([title, *cells]) + " |"


def _head(first: str, titles: list[str]) -> list[str]:
    return [_row(first, titles), "|" + " --- |" * (len(titles) + 1)]


def _percent(x) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _possible(p: dict) -> str:
    n, acc, bal = p["n"], p["nearest_accuracy"], p["nearest_balanced_accuracy"]
    target = f"{100 * p['target']:.0f} %"
    text = (
        f"Possible accuracies on {n} sessions: the multiples of 1/{n}; the nearest to the "
        f"paper's {target} are {acc['k_below']}/{n} = {_percent(acc['below'])} and "
        f"{acc['k_above']}/{n} = {_percent(acc['above'])}, and "
        f"{'one' if acc['any_rounds_to_target'] else 'none'} of them rounds to {target}."
    )
    if bal is not None:
        d = p["n_depressed"]
        text += (
            f" Balanced accuracies ({d} depressed, {n - d} not): nearest "
            f"{_percent(bal['below'])} and {_percent(bal['above'])}; "
            f"{'some round' if bal['any_rounds_to_target'] else 'none rounds'} to {target}."
        )
    return text


def _split_section(data: dict, split: str) -> list[str]:
    counts = data["splits"][split]
    selected = data["protocol"]["model_selection"] == "dev_macro_f1"
    extra = " (the split early stopping used: optimistic)" if split == "dev" and selected else ""
    n = counts["n_sessions"]
    lines = [
        f"## {split.capitalize()} split: {n} session{'s' * (n != 1)}, "
        f"{counts['n_depressed']} depressed{extra}",
        "",
        *_head("Method", [TITLES[m] for m in METRICS]),
    ]
    variants = [("MIMML, participant speech", data)]
    if data["with_interviewer"]:
        variants.append(("MIMML, with interviewer prompts", data["with_interviewer"]))
    for level, label in (("session_level", "session level"),
                         ("window_level", "window level, not session level")):  # fmt: skip
        for title, source in variants:
            block = source[level][split]
            lines.append(_row(f"{title}, {label}", [_cell(block, m) for m in METRICS]))
    for name, base in data["baselines"].items():
        title = "Majority class of train" if name == "majority_class" else "Always depressed"
        title += f" ({base['predicts']}; PHQ-8 {_num(base['phq_predicted'], 'phq_mae')})"
        lines.append(_row(f"Baseline: {title}", [_num(base[split][m], m) for m in METRICS]))
    n_seeds = len(data["seeds"])
    lines += [
        "",
        f"Cells: mean ± sd over {n_seeds} seeds [95 % interval: bootstrap over sessions of "
        "the mean over seeds]; baselines: one value. Window level scores each window as if "
        "it were a session.",
        "",
        _possible(data["possible_accuracies"][split]),
        "",
    ]
    genders = data["by_gender"].get(split, {})
    if genders:
        keys = ("accuracy", "balanced_accuracy", "macro_f1", "auroc")
        lines += [f"By gender ({split}, session level, mean ± sd over seeds):", ""]
        lines += _head("Gender", ["n (depressed)", *[TITLES[m] for m in keys]])
        for g, v in genders.items():
            cells = [f"{v[m]['mean']:.3f} ± {v[m]['sd']:.3f}" if v[m]["mean"] is not None
                     else "n/a" for m in keys]  # fmt: skip
            lines.append(_row(g, [f"{v['n']} ({v['n_depressed']})", *cells]))
        lines.append("")
    return lines


def results_markdown(data: dict) -> str:
    """``results.md`` from the results' JSON object."""
    p = data["protocol"]
    name = NAMES.get(p["corpus"], p["corpus"])
    sizes = ", ".join(
        f"{s} {c['n_sessions']} ({c['n_depressed']} depressed)" for s, c in data["splits"].items()
    )
    speech = "participant speech only" + (
        "; and, as a contrast, with the interviewer's prompts" if data["with_interviewer"] else ""
    )
    stride = p["stride"]
    lines = [f"# MIMML protocol on {name}", ""]
    if p["demonstration"]:
        lines += [f"**{p['notice']}.**", ""]
    lines += [
        f"Data: `{p['data']}`. Splits: {p['splits_from']}: {sizes}. Trained on train; the "
        f"model kept: {SELECTIONS[p['model_selection']]}; test labels {p['test_labels']}. "
        f"Text: {speech}, text model `{p['text_model']}`. "
        f"K = {p['k']}-turn windows (stride {stride}). Seeds {p['seeds']}. Session level: "
        f"{p['session_level']}. Intervals: {p['intervals']}.",
        "",
    ]
    for split in p["evaluated"]:
        lines += _split_section(data, split)
    if data["with_interviewer"]:
        lines += ["## The prompt-leakage contrast", "", data["with_interviewer"]["note"] + ".", ""]
        lines += _head("Split", [TITLES[m] for m in METRICS])
        for split, diff in data["with_interviewer"]["difference"].items():
            cells = ["n/a" if diff[m] is None else f"{diff[m]:+.3f}" for m in METRICS]
            lines.append(_row(f"{split}: with minus without interviewer", cells))
        lines.append("")
    if "daicwoz_overlap" in data:
        lines += ["## E-DAIC participants also in DAIC-WOZ", ""]
        for split, ids in data["daicwoz_overlap"].items():
            lines.append(f"- {split}: {len(ids)}" + (f" ({', '.join(ids)})" if ids else ""))
        lines += [
            "",
            "Never evaluate on one corpus a model trained on the other with them in.",
            "",
        ]
    lines += ["## Seeds", ""]
    lines += _head("Variant", ["seed", "stopped", "best epoch", "epochs", "dev macro-F1", "s"])
    variants = [("participant speech", data["seeds"])]
    if data["with_interviewer"]:
        variants.append(("with interviewer", data["with_interviewer"]["seeds"]))
    for title, seeds in variants:
        for r in seeds:
            lines.append(_row(title, [str(r["seed"]), r["stopped"], str(r["best_epoch"]),
                                      str(r["epochs"]), _num(r["dev_macro_f1"]),
                                      f"{r['wall_seconds']:.1f}"]))  # fmt: skip
    lines += ["", f"## Skipped sessions: {len(data['skipped'])}", ""]
    lines += [f"- {s['session_id']}: {s['reason']}" for s in data["skipped"]]
    lines += ["", f"## Warnings: {len(data['warnings'])}", ""]
    lines += [f"- {w}" for w in data["warnings"]]
    lines += ["", f"Wall time: {data['wall_seconds']:.1f} s.", "", f"*{DISCLAIMER}*", ""]
    return "\n".join(lines)


def results_rows(data: dict) -> list[dict]:
    """The rows of ``results.csv``: variant, level, split, metric, mean, sd, low, high,
    n_seeds, demonstration."""
    demo = bool(data["protocol"]["demonstration"])
    rows = []
    variants = [("mimml", data)]
    if data["with_interviewer"]:
        variants.append(("mimml_with_interviewer", data["with_interviewer"]))
    for variant, source in variants:
        n_seeds = len(source["seeds"])
        for level in ("session_level", "window_level"):
            for split, block in source[level].items():
                for m in METRICS:
                    v = block[m]
                    rows.append({"variant": variant, "level": level.split("_")[0],
                                 "split": split, "metric": m, "mean": v["mean"], "sd": v["sd"],
                                 "low": v["low"], "high": v["high"], "n_seeds": n_seeds,
                                 "demonstration": demo})  # fmt: skip
    for name, base in data["baselines"].items():
        for split in data["protocol"]["evaluated"]:
            for m in METRICS:
                rows.append({"variant": f"baseline_{name}", "level": "session", "split": split,
                             "metric": m, "mean": base[split][m], "sd": None, "low": None,
                             "high": None, "n_seeds": None, "demonstration": demo})  # fmt: skip
    return rows
