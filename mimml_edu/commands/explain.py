"""``mimml-edu explain``: attributions of a trained checkpoint, figures and a JSON summary.

Explains sessions of any corpus (``--data``; default: the one the checkpoint was trained
on). On the synthetic corpus, the one data source with a known ground truth, the
faithfulness scores are included. Figures go to ``--out``; ``--json`` prints one object
with the per-modality Shapley values (mean and per session), the faithfulness scores (when
there is a ground truth) and the IG convergence delta.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mimml_edu.commands.common import (
    add_data_arguments,
    add_reader_arguments,
    add_threads_argument,
    nonnegative_float,
    positive_int,
    set_threads,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkpoint", required=True, help="best.pt or last.pt from training")
    add_data_arguments(parser, default=None)
    parser.add_argument("--split", default="test", choices=("train", "dev", "test", "all"))
    parser.add_argument(
        "--max-sessions", type=positive_int, default=20, help="explain at most this many"
    )
    parser.add_argument("--target", default="logit", choices=("logit", "prob", "phq"))
    parser.add_argument("--baseline", default="training", choices=("training", "session"))
    parser.add_argument(
        "--removal",
        default="background",
        choices=("background", "mean", "mask"),
        help="how modality Shapley values remove a modality (background: from 8 train sessions)",
    )
    parser.add_argument(
        "--n-steps", type=positive_int, default=64, help="Integrated Gradients steps"
    )
    parser.add_argument(
        "--ig-tolerance",
        type=nonnegative_float,
        default=0.01,
        help="double a session's IG steps (up to 1024) until abs(delta) <= this share of "
        "abs(F(x) - F(baseline)) (0 = fixed --n-steps)",
    )
    parser.add_argument("--out", default=None, help="folder for the figures (PNG)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_threads_argument(parser)
    add_reader_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from mimml_edu.commands.evaluate import checkpoint_and_data
    from mimml_edu.errors import CorpusError
    from mimml_edu.evaluate import json_ready
    from mimml_edu.explain import GroundTruth, explain_sessions

    set_threads(args.threads)
    model, config, _, corpus = checkpoint_and_data(
        args.checkpoint, args.data, args.format, args.text_model, args
    )
    sessions = corpus.sessions if args.split == "all" else corpus.split(args.split)
    sessions = sessions[: args.max_sessions]
    if not sessions:
        raise CorpusError(f"--data {corpus.spec}: no sessions in split {args.split!r}")
    truth = GroundTruth.from_corpus(corpus.synthetic) if corpus.synthetic is not None else None
    result = explain_sessions(
        model,
        sessions,
        truth=truth,
        target=args.target,
        baseline=args.baseline,
        removal=args.removal,
        background=corpus.split("train")[:8],
        k=config.train.k,
        stride=config.train.stride,
        n_steps=args.n_steps,
        ig_tolerance=args.ig_tolerance or None,
        progress=not args.json,
    )
    summary = result.summary()
    summary["checkpoint"] = str(args.checkpoint)
    summary["data"] = {"spec": corpus.spec, "split": args.split}
    summary["per_session"] = [
        {
            **e.shapley.to_dict(),
            "ig_relative_delta": e.ig.relative_delta,
            "ig_steps": e.ig.n_steps,
        }
        for e in result.sessions
    ]
    if args.out:
        summary["figures"] = _write_figures(result, Path(args.out))
    if args.json:
        print(json.dumps(json_ready(summary)))
    else:
        _print_summary(summary)
    return 0


def _write_figures(result, out: Path) -> list[str]:
    from mimml_edu.plots import explain as plots

    out.mkdir(parents=True, exist_ok=True)
    first = result.sessions[0]
    truth = result.truth
    figures = {
        "modality_shapley.png": plots.plot_modality_contributions(
            [e.shapley for e in result.sessions[:8]]
        ),
        "turn_heatmap.png": plots.plot_turn_heatmap(
            first.ig,
            first.session,
            signal_turns=truth.signal_turns.get(first.session.session_id) if truth else None,
        ),
        "deletion_insertion.png": plots.plot_deletion_insertion(first.curves),
    }
    for m in ("text", "audio", "video"):
        figures[f"features_{m}.png"] = plots.plot_feature_attributions(
            result.channel_attribution(m),
            first.session.channel_names[m],
            modality=m,
            signal_channels=truth.signal_channels[m] if truth else None,
        )
    written = []
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=110)
        written.append(str(out / name))
    return written


def _print_summary(summary: dict) -> None:
    print(f"explained {summary['n_sessions']} sessions ({summary['target']})")
    print(
        "mean Shapley per modality:", {k: round(v, 3) for k, v in summary["shapley_mean"].items()}
    )
    ig = summary["ig_convergence"]
    print(
        f"IG |delta| / |F(x) - F(baseline)|: median {ig['relative_delta_median']:.2e}, "
        f"max {ig['relative_delta_max']:.2e}"
    )
    faith = summary.get("faithfulness")
    if faith:
        print(
            f"turn AUROC, support for the prediction: IG {faith['turn_auroc_ig']:.3f}   "
            f"occlusion {faith['turn_auroc_occlusion']:.3f}   "
            f"IG in relevant channels {faith['turn_auroc_ig_relevant']:.3f}"
        )
        print(
            "channel AUROC (IG):", {k: round(v, 3) for k, v in faith["channel_auroc_ig"].items()}
        )
        print("modality ranking:", faith["modality_ranking"])
    for name in summary.get("figures", []):
        print("wrote", name)
