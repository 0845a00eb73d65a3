"""Benchmark: full MIMML on the default synthetic corpus against the oracle's ceiling.

Target: session-level balanced accuracy on the test split >= 95 % of the
oracle's (Bayes-optimal) balanced accuracy within 60 s of training on 2 CPU cores.

The corpus's own test split has only 47 sessions: one balanced accuracy on it has a 95 %
interval about +-0.1 wide, and it can land above the oracle's by luck. So the target is
judged on a large **fresh** sample from the same generator (``--eval-sessions``, default
2000 sessions drawn with another seed: new participants, never seen in training or model
selection), where the oracle's balanced accuracy is computed on the same sessions; the test
split's numbers are printed beside it.

Prints the per-epoch balanced accuracy (evaluated outside the training clock), the
step time of each stage, the time to reach the target (or that it was not reached),
and the process's peak memory. Writes a CSV of the epochs with ``--csv``.

    .venv/bin/python bench/train.py [--seconds 60] [--threads 1] [--csv out.csv]
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time

import torch

from mimml_edu.config import Config
from mimml_edu.data.batch import WindowDataset
from mimml_edu.data.synthetic import make_corpus
from mimml_edu.evaluate import evaluate
from mimml_edu.objectives.mimml_loss import MIMMLObjective
from mimml_edu.train import fit


def step_times(model, config, sessions, n_steps: int = 10) -> tuple[float, float]:
    """Mean seconds of one stage-0 and one stage-1 step (forward, backward, no update)."""
    ds = WindowDataset(sessions, k=config.train.k, stride=config.train.stride)
    batch = ds.collate(ds.windows[: config.train.batch_size])
    model.train()
    objective = MIMMLObjective(config=config.objective)
    times = []
    for stage in (0, 1):
        t0 = time.perf_counter()
        for _ in range(n_steps):
            model.zero_grad(set_to_none=True)
            if stage == 0:
                loss = objective.stage0(model, batch)["total"]
            else:
                out = model(batch)
                out.y_hat = {}  # no label bank here; the unimodal heads cost ~nothing
                loss = objective.stage1(model, out, batch)["total"]
            loss.backward()
        times.append((time.perf_counter() - t0) / n_steps)
    model.eval()
    return times[0], times[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="training time budget")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument(
        "--budget",
        choices=("cpu", "wall"),
        default="cpu",
        help="count the training budget in process CPU seconds (divided by threads) or wall "
        "seconds; CPU time is the honest clock on a shared machine",
    )
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--knob", action="append", default=[], help="corpus knob KEY=FLOAT (e.g. amplitude=1)"
    )
    parser.add_argument("--sessions", type=int, default=189, help="synthetic corpus size")
    parser.add_argument(
        "--eval-sessions",
        type=int,
        default=2000,
        help="size of the fresh evaluation sample the target is judged on (0: test split)",
    )
    parser.add_argument("--csv", default=None, help="write the per-epoch table here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    knobs = {k: float(v) for k, _, v in (item.partition("=") for item in args.knob)}
    corpus = make_corpus(args.sessions, seed=0, **knobs)
    train, dev, test = corpus.split("train"), corpus.split("dev"), corpus.split("test")
    oracle_test = corpus.oracle_balanced_accuracy("test")
    if args.eval_sessions:
        fresh_corpus = make_corpus(args.eval_sessions, seed=1, **knobs)
        fresh = fresh_corpus.sessions
        oracle = fresh_corpus.oracle_balanced_accuracy()
    else:
        fresh, oracle = test, oracle_test
    target = 0.95 * oracle
    config = Config()
    config.model.input_dims = train[0].dims()
    config.train.epochs = args.epochs
    config.train.max_seconds = args.seconds if args.budget == "wall" else 0.0
    config.train.early_stopping = args.epochs  # the time budget decides, not patience
    config.train.seed = args.seed

    rows = []
    cpu = {"start": time.process_time(), "outside": 0.0}

    def on_epoch(epoch, model, history):
        t0 = time.process_time()
        train_cpu = t0 - cpu["start"] - cpu["outside"]
        e = evaluate(model, test, k=config.train.k, n_boot=0)
        f = evaluate(model, fresh, k=config.train.k, n_boot=0) if args.eval_sessions else e
        rows.append(
            {
                "epoch": epoch,
                "train_seconds": round(history["elapsed"][-1], 2),
                "train_cpu_seconds": round(train_cpu, 2),
                "dev_balanced_accuracy": round(history["dev/balanced_accuracy"][-1], 4),
                "test_balanced_accuracy": round(e.metrics["balanced_accuracy"]["value"], 4),
                "test_macro_f1": round(e.metrics["macro_f1"]["value"], 4),
                "test_auroc": round(e.metrics["auroc"]["value"], 4),
                "fresh_balanced_accuracy": round(f.metrics["balanced_accuracy"]["value"], 4),
            }
        )
        print(" ".join(f"{k}={v}" for k, v in rows[-1].items()), flush=True)
        cpu["outside"] += time.process_time() - t0
        # the budget is CPU time of the training process (the machine may be shared)
        return args.budget == "cpu" and train_cpu >= args.seconds * args.threads

    sizes = f"{len(train)}/{len(dev)}/{len(test)}"
    print(f"synthetic corpus n={args.sessions} {knobs or 'default knobs'}: {sizes} sessions; "
          f"oracle balanced accuracy: test split {oracle_test:.3f}, fresh sample of "
          f"{len(fresh)} sessions {oracle:.3f}; target {target:.3f}; "
          f"threads={torch.get_num_threads()}")  # fmt: skip
    result = fit(config, train, dev, progress=False, callback=on_epoch)
    final = evaluate(result.model, test, k=config.train.k, n_boot=1000)
    final_fresh = evaluate(result.model, fresh, k=config.train.k, n_boot=1000)
    s0, s1 = step_times(result.model, config, train)
    reached = next((r for r in rows if r["fresh_balanced_accuracy"] >= target), None)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ba = final.metrics["balanced_accuracy"]
    fba = final_fresh.metrics["balanced_accuracy"]
    n_batches = -(-len(WindowDataset(train, k=config.train.k).windows) // config.train.batch_size)
    print()
    print(f"{'quantity':<46} value")
    print("-" * 60)
    table = [
        ("oracle balanced accuracy, test split", f"{oracle_test:.3f}"),
        (f"oracle balanced accuracy, fresh {len(fresh)}", f"{oracle:.3f}"),
        ("target (95 % of oracle, fresh sample)", f"{target:.3f}"),
        ("epochs run / stop reason", f"{len(rows)} / {result.stopped}"),
        ("training seconds (wall)", f"{result.wall_seconds:.1f}"),
        ("training seconds (process CPU)", f"{rows[-1]['train_cpu_seconds']:.1f}"),
        ("seconds per epoch", f"{result.wall_seconds / max(1, len(rows)):.2f}"),
        ("batches per stage per epoch", f"{n_batches}"),
        ("stage-0 step (fwd+bwd, batch 32), ms", f"{s0 * 1000:.1f}"),
        ("stage-1 step (fwd+bwd, batch 32), ms", f"{s1 * 1000:.1f}"),
        (
            "best-dev model: test balanced accuracy",
            f"{ba['value']:.3f} [{ba['low']:.3f}, {ba['high']:.3f}]",
        ),
        ("best-dev model: % of oracle, test split", f"{100 * ba['value'] / oracle_test:.1f} %"),
        (
            f"best-dev model: fresh {len(fresh)} balanced acc.",
            f"{fba['value']:.3f} [{fba['low']:.3f}, {fba['high']:.3f}]",
        ),
        ("best-dev model: % of oracle, fresh sample", f"{100 * fba['value'] / oracle:.1f} %"),
        (
            "best fresh balanced accuracy over epochs",
            f"{max(r['fresh_balanced_accuracy'] for r in rows):.3f}",
        ),
        (
            "time to target (wall / CPU)",
            f"{reached['train_seconds']} s / {reached['train_cpu_seconds']} s "
            f"(epoch {reached['epoch']})"
            if reached
            else "not reached",
        ),
        ("peak memory (max RSS), MB", f"{peak_mb:.0f}"),
    ]
    for name, value in table:
        print(f"{name:<46} {value}")
    if args.csv:
        with open(args.csv, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
