"""The ``mimml-edu`` command.

Each subcommand lives in its own module under :mod:`mimml_edu.commands` with two
functions, ``add_arguments(parser)`` and ``run(args) -> int`` (the exit status).
Modules are imported only when their subcommand runs, so ``mimml-edu --help`` is fast.

Errors: a :class:`~mimml_edu.errors.MimmlError` (bad input of any kind) or an ``OSError``
(a missing or unreadable file) is printed as one line on stderr, ``mimml-edu: error: ...``,
with exit status 2; ``--debug`` shows the traceback instead. A bad option or option value
is the same one line (naming the option), not argparse's usage block. Output piped into a
command that stops reading (``| head``) ends quietly.
"""

from __future__ import annotations

import argparse
import importlib
import os
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
    "reproduce": ("reproduce", "the paper's protocol on DAIC-WOZ, E-DAIC or own recordings"),
}


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one ``mimml-edu: error:`` line."""

    def error(self, message: str):  # type: ignore[override]
        command = self.prog.removeprefix("mimml-edu").strip()
        where = f"{command}: " if command else ""
        text = " ".join(message.split())
        self.exit(2, f"mimml-edu: error: {where}{text} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="mimml-edu",
        description="Learn multimodal depression recognition by building MIMML. " + DISCLAIMER,
    )
    parser.add_argument("--version", action="version", version=f"mimml-edu {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error instead of one line"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(f"mimml_edu.commands.{module_name}")
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command_parser)
        command_parser.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    from mimml_edu.errors import MimmlError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage error already printed
        return int(done.code or 0) if isinstance(done.code, int | None) else 2
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except BrokenPipeError:
        # The reader of our output went away (``| head``): end quietly, without a second
        # error when Python flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("mimml-edu: interrupted", file=sys.stderr)
        return 130
    except (MimmlError, OSError) as err:
        if args.debug:
            raise
        print(f"mimml-edu: error: {one_line(err)}", file=sys.stderr)
        return 2


def one_line(err: BaseException) -> str:
    """The error's message on one line (an ``OSError`` with its file name)."""
    if isinstance(err, OSError) and err.filename and str(err.filename) not in str(err):
        text = f"{err.filename}: {err.strerror or err}"
    else:
        text = str(err) or type(err).__name__
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
