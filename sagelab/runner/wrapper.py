"""Runs one command and records its exit code, so a restarted server still learns it.

    python -I wrapper.py <exit-file> -- argv...

Started as the leader of its own session by the runner. SIGTERM is forwarded to the command,
as `docker stop` signals a container's first process. The exit code (negative: killed by that
signal) is written to <exit-file> atomically. Only the standard library: it runs with `-I`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType


def _write_atomically(path: str, text: str) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w") as out:
        out.write(text)
    os.replace(tmp, path)


def main(args: list[str]) -> int:
    exit_file, sep, argv = args[0], args[1], args[2:]
    if sep != "--" or not argv:
        print("usage: wrapper.py <exit-file> -- argv...", file=sys.stderr)
        return 2
    child: subprocess.Popen[bytes] | None = None
    terminated = False

    def forward(signum: int, _frame: FrameType | None) -> None:
        nonlocal terminated
        terminated = True
        if child is not None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    try:
        child = subprocess.Popen(argv)
    except OSError as exc:
        print(f"cannot start {argv[0]!r}: {exc}", file=sys.stderr, flush=True)
        _write_atomically(exit_file, "127")
        return 127
    if terminated:  # SIGTERM arrived before the child existed
        child.terminate()
    code = child.wait()
    _write_atomically(exit_file, str(code))
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
