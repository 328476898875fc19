"""`python -m tests.faults.zygote`: imports the app once, then forks worker processes on demand.

A fresh interpreter needs seconds of CPU to import the app; forking an already-imported one
takes milliseconds, so a test can SIGKILL twenty real worker processes in well under a minute.
Each line "fork" on stdin starts one worker (`app.worker` plus the fault handlers, settings from
the environment) and answers its pid on stdout. Children are reaped automatically.
"""

import os
import signal
import sys

import tests.faults.handlers  # noqa: F401  (registers faults.work)
from app.services.tasks import load_handlers
from app.worker.__main__ import main as worker_main


def _serve() -> None:
    load_handlers()  # the app's handlers too, once, before any fork
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # no zombies: killed children vanish
    for line in sys.stdin:
        if line.strip() != "fork":
            continue
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            sys.stdin.close()
            try:
                worker_main()
            finally:
                os._exit(0)
        print(pid, flush=True)


if __name__ == "__main__":
    _serve()
