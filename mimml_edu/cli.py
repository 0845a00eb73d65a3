"""The ``mimml-edu`` command.

Each subcommand lives in its own module under :mod:`mimml_edu.commands` with two
functions, ``add_arguments(parser)`` and ``run(args) -> int`` (the exit status).
Modules are imported only when their subcommand runs, so ``mimml-edu --help`` is fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from mimml_edu import DISCLAIMER, __version__

#: name -> (module under mimml_edu.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "check the environment and run the end-to-end demo"),
    "train": ("train", "train MIMML from a YAML config and evaluate it"),
    "evaluate": ("evaluate", "session-level metrics of a checkpoint, with bootstrap intervals"),
    "inspect": ("inspect", "show what a corpus reader finds in a folder (DAIC-WOZ, E-DAIC, ...)"),
    "extract": ("extract", "extract per-turn audio, video and text features from raw media"),
    "explain": ("explain", "Captum attributions of a checkpoint, checked against ground truth"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mimml-edu",
        description="Learn multimodal depression recognition by building MIMML. " + DISCLAIMER,
    )
    parser.add_argument("--version", action="version", version=f"mimml-edu {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(f"mimml_edu.commands.{module_name}")
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command_parser)
        command_parser.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
