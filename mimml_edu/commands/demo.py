"""``mimml-edu demo``: the environment check, then the end-to-end demo.

Until the MIMML model lands (issue "The MIMML model ..."), the demo runs the
environment check, says plainly that training is not available yet, and exits 0.
"""

from __future__ import annotations

import argparse
import json

from mimml_edu import DISCLAIMER
from mimml_edu.envcheck import check_environment


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default=None, help="folder for figures (used by the model demo)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    report = check_environment()
    if args.json:
        print(json.dumps({"environment": report.to_dict(), "model_demo": "not available yet"}))
    else:
        print(report.format())
        print()
        print(
            "The model demo (train MIMML on the synthetic corpus and evaluate it) is not in "
            "this version yet; the environment check above is what `demo` does for now."
        )
        print(DISCLAIMER)
    return 0 if report.ok else 1
