"""Component-effect map: when does each part of MIMML help?

For each generator regime (``mimml_edu.data.regimes``) every variant (full MIMML, without
CPC, without BA, without both MI terms, without multi-task, BiGRU only, CNN only, early
fusion, late fusion, each modality alone) is trained with several seeds (a small recipe:
``mimml_edu.component_map.Recipe``) and scored on fresh sessions under each of the
regime's test conditions, beside the exact oracle there. Each variant's difference to
full MIMML gets a 95 % interval from a hierarchical paired bootstrap (training seeds and
fresh sessions resampled, paired by person); each prediction of
``bench/regimes_predictions.yaml`` (committed before the first run) gets a verdict.
Diagnostics: a linear probe of each unimodal representation, the mean gate of each gated
block (read through forward hooks).

Writes ``<out>/<stem>.csv`` (one row per regime, condition, variant),
``<out>/<stem>_verdicts.csv`` and ``<out>/<stem>.json`` (how it was run, wall time, time
per variant, machine load, generator fingerprints), and prints the tables.

    .venv/bin/python bench/regimes.py                      # the whole map
    .venv/bin/python bench/regimes.py --regimes local --variants "MIMML (full)" \\
        "early fusion (concat + MLP)" --seeds 2 --fresh 200 --epochs 2 --out /tmp/map
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from mimml_edu.component_map import (
    FULL,
    VARIANTS,
    Recipe,
    judge,
    load_predictions,
    prepare_regime,
    run_job,
    summarise,
    write_map,
)
from mimml_edu.data.regimes import MAP_REGIMES, REGIMES, regime_fingerprint

HERE = Path(__file__).resolve().parent
PREDICTIONS = HERE / "regimes_predictions.yaml"
#: Rough relative cost of a variant's training (orders the jobs, longest first).
COST = {"early fusion (concat + MLP)": 0.1, "text only": 0.3, "audio only": 0.3, "video only": 0.3}

_DATA = None  # the regime's data, set in the parent before the workers fork
_RECIPE = None


def _one_thread() -> None:
    """One thread per process for torch and for numpy's BLAS."""
    torch.set_num_threads(1)
    threadpool_limits(1)


def _work(job: tuple[str, int]):
    variant, seed = job
    return run_job(_DATA, variant, seed, _RECIPE)


def _uptime() -> str:
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(HERE), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return out.stdout.strip() + (" (uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _mean_seconds(jobs, variant: str) -> float:
    """Mean training plus scoring time of one variant's runs."""
    return round(
        float(np.mean([j.train_seconds + j.eval_seconds for j in jobs if j.variant == variant])), 2
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regimes", nargs="+", default=list(MAP_REGIMES), choices=list(REGIMES))
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), metavar="VARIANT")
    parser.add_argument("--seeds", type=int, default=5, help="training seeds 0..N-1")
    parser.add_argument(
        "--fresh", type=int, default=1000, help="fresh test sessions per condition"
    )
    parser.add_argument("--epochs", type=int, default=Recipe.epochs)
    parser.add_argument("--workers", type=int, default=2, help="processes (1: this one)")
    parser.add_argument("--boot", type=int, default=2000, help="bootstrap draws per interval")
    parser.add_argument("--predictions", default=str(PREDICTIONS))
    parser.add_argument("--out", default=str(HERE / "results"))
    parser.add_argument("--stem", default="regimes")
    args = parser.parse_args(argv)
    unknown = [v for v in args.variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {unknown}; known: {list(VARIANTS)}")
    if FULL not in args.variants:
        parser.error(f"the differences are taken against {FULL!r}: include it in --variants")
    if args.seeds < 1 or args.workers < 1:
        parser.error("--seeds and --workers must be >= 1")
    _one_thread()
    global _DATA, _RECIPE
    _RECIPE = recipe = Recipe(epochs=args.epochs)
    predictions = load_predictions(args.predictions)
    wanted = [p for p in predictions if p.regime in args.regimes]
    load_before, started, t_start = _uptime(), datetime.now(UTC), time.perf_counter()
    print(
        f"component-effect map: {len(args.regimes)} regime(s) x {len(args.variants)} "
        f"variant(s) x {args.seeds} seed(s), {args.fresh} fresh sessions per condition, "
        f"recipe {recipe.to_dict()}, {args.workers} worker(s)\n{load_before}"
    )
    print(f"\npredictions ({args.predictions}, written before the runs):")
    for p in wanted:
        ref = p.reference if isinstance(p.reference, str) else f"{p.reference:g}"
        print(
            f"  {p.regime:9} | {p.condition:14} | {p.quantity:17} | {p.variant} {p.expect} {ref}"
        )
    jobs_done, data, fingerprints = [], {}, {}
    jobs = sorted(
        ((v, s) for v in args.variants for s in range(args.seeds)),
        key=lambda j: -COST.get(j[0], 1.0),
    )
    for name in args.regimes:
        t0 = time.perf_counter()
        _DATA = data[name] = prepare_regime(name, n_fresh=args.fresh)
        fingerprints[name] = regime_fingerprint(name)
        print(
            f"\n[{name}] {REGIMES[name].summary}; conditions {list(_DATA.conditions)}; "
            f"{len(_DATA.train)}/{len(_DATA.dev)} train/dev sessions "
            f"(data {time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        if args.workers == 1:
            results = map(_work, jobs)
            pool = None
        else:
            pool = multiprocessing.get_context("fork").Pool(args.workers, initializer=_one_thread)
            results = pool.imap_unordered(_work, jobs)
        for r in results:
            jobs_done.append(r)
            cells = "  ".join(
                f"{c}: {np.mean((r.prob[c] >= 0.5) == _DATA.labels):.3f}" for c in r.prob
            )
            print(
                f"  {r.variant:31} seed {r.seed}  train {r.train_seconds:5.1f} s "
                f"eval {r.eval_seconds:4.1f} s  epoch {r.best_epoch:2}  accuracy (plain) {cells}",
                flush=True,
            )
        if pool is not None:
            pool.close()
            pool.join()
    rows = summarise(jobs_done, data, n_boot=args.boot, fingerprints=fingerprints)
    verdicts = judge(wanted, jobs_done, data, n_boot=args.boot, fingerprints=fingerprints)
    wall = time.perf_counter() - t_start
    cpu = sum(
        getattr(resource.getrusage(who), f)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for f in ("ru_utime", "ru_stime")
    )
    per_variant = {v: _mean_seconds(jobs_done, v) for v in args.variants}
    meta = {
        "command": "python bench/regimes.py "
        + " ".join(
            f'"{a}"' if " " in a else a for a in (argv if argv is not None else sys.argv[1:])
        ),
        "commit": _commit(),
        "started_utc": started.isoformat(timespec="seconds"),
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "job_seconds_total": round(sum(j.train_seconds + j.eval_seconds for j in jobs_done), 1),
        "seconds_per_variant": per_variant,
        "workers": args.workers,
        "cpu_count": os.cpu_count(),
        "uptime_before": load_before,
        "uptime_after": _uptime(),
        "torch": torch.__version__,
        "recipe": recipe.to_dict(),
        "seeds": args.seeds,
        "fresh_sessions": args.fresh,
        "bootstrap_draws": args.boot,
        "interval": "95 % hierarchical paired bootstrap: seeds and fresh sessions resampled",
        "regimes": {
            n: {
                "fingerprint": fingerprints[n],
                "knobs": dict(REGIMES[n].knobs),
                "n_sessions": REGIMES[n].n_sessions,
                "conditions": list(REGIMES[n].conditions),
            }
            for n in args.regimes
        },
        "variants": list(args.variants),
        "predictions_file": Path(args.predictions).name,
        "predictions_sha256": hashlib.sha256(Path(args.predictions).read_bytes()).hexdigest(),
    }
    paths = write_map(args.out, rows, verdicts, meta, stem=args.stem)
    print_tables(rows, verdicts)
    print(
        f"\nwall time {wall:.0f} s ({wall / 60:.1f} min) with {args.workers} worker(s); "
        f"{meta['job_seconds_total']:.0f} s of job time; {cpu:.0f} s of CPU time"
    )
    print("time per variant (train + scoring, mean per run):")
    for v, s in per_variant.items():
        print(f"  {v:31} {s:6.1f} s")
    print(f"{meta['uptime_after']}\nfiles: {', '.join(str(p) for p in paths.values())}")
    return 0


def print_tables(rows: list[dict], verdicts: list[dict]) -> None:
    """The map (balanced accuracy, oracle, difference to full MIMML) and the verdicts."""
    print(
        f"\n{'regime':9} {'condition':14} {'variant':31} {'bal. acc.':>15} {'oracle':>6} "
        f"{'- full MIMML [95 % CI]':>26} {'probe t/a/v':>15} {'gate':>5}"
    )
    for r in rows:
        diff = (
            ""
            if np.isnan(r["diff_to_full"])
            else (f"{r['diff_to_full']:+.3f} [{r['diff_low']:+.3f}, {r['diff_high']:+.3f}]")
        )
        probes = "/".join(
            "  - " if np.isnan(r[f"probe_{m}"]) else f"{r[f'probe_{m}']:.2f}"
            for m in ("text", "audio", "video")
        )
        gate = "" if np.isnan(r["gate_fusion"]) else f"{r['gate_fusion']:.2f}"
        ba = f"{r['balanced_accuracy_mean']:.3f} +- {r['balanced_accuracy_sd']:.3f}"
        print(
            f"{r['regime']:9} {r['condition']:14} {r['variant']:31} {ba:>15} "
            f"{r['oracle_balanced_accuracy']:6.3f} {diff:>26} {probes:>15} {gate:>5}"
        )
    print(
        f"\n{'regime':9} {'condition':14} {'quantity':17} {'prediction':40} "
        f"{'measured [95 % CI]':>26}  verdict"
    )
    for v in verdicts:
        ref = v["reference"] if isinstance(v["reference"], str) else f"{v['reference']:g}"
        what = f"{v['variant']} {v['expect']} {ref}"
        cell = f"{v['diff']:+.3f} [{v['low']:+.3f}, {v['high']:+.3f}]"
        print(
            f"{v['regime']:9} {v['condition']:14} {v['quantity']:17} {what:40} {cell:>26}  "
            f"{v['verdict']}"
        )
    counts = {
        k: sum(v["verdict"] == k for v in verdicts)
        for k in ("confirmed", "not confirmed", "contradicted")
    }
    print("verdicts: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


if __name__ == "__main__":
    sys.exit(main())
