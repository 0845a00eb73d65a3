"""``python tests/fault_runner.py SAVE FRACTION -- mimml-edu ARGS...``: run the command and
kill this process with SIGKILL in the middle of its SAVE-th checkpoint write (1-based),
after FRACTION of the file's bytes have reached the disk, as a power cut or ``kill -9``
would. With SAVE 0 the command runs normally."""

from __future__ import annotations

import io
import os
import signal
import sys


def main() -> int:
    target, fraction = int(sys.argv[1]), float(sys.argv[2])
    argv = sys.argv[sys.argv.index("--") + 1 :]
    import torch

    real_save = torch.save
    count = 0

    def dying_save(obj, f, *args, **kwargs):
        nonlocal count
        count += 1
        if count != target:
            return real_save(obj, f, *args, **kwargs)
        buffer = io.BytesIO()
        real_save(obj, buffer, *args, **kwargs)
        data = buffer.getvalue()
        with open(f, "wb") as out:
            out.write(data[: int(len(data) * fraction)])
            out.flush()
            os.fsync(out.fileno())
        os.kill(os.getpid(), signal.SIGKILL)

    torch.save = dying_save
    from mimml_edu.cli import main as cli

    return cli(argv)


if __name__ == "__main__":
    sys.exit(main())
