"""A pre-loaded server launcher: imports the app once, then forks `mentormatch serve` per line.

Reading a port number on stdin, it forks a child that runs the `serve` command on that port
and prints the child's pid. A cold start imports scikit-learn and friends (seconds); a fork
starts serving in a fraction of that, so a crash test can restart the server dozens of times.
"""

from __future__ import annotations

import os
import signal
import sys

from mentormatch import cli
from mentormatch.matching.service import warm_up


def main() -> None:
    warm_up()  # once here, so every forked server has the ranking kernel compiled
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed children are reaped automatically
    for line in sys.stdin:
        port = int(line)
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            cli.serve(host="127.0.0.1", port=port, workers=1)
            os._exit(0)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
