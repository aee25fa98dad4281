"""A command run from Python leaves Python's signal handling alone: Ctrl-C is
still KeyboardInterrupt afterwards, and SIGTERM and SIGHUP keep their defaults
(the executable installs its stop-request handlers; the module must not)."""

import os
import signal
import subprocess
import sys
import time

import pytest

import passage
from support import MALI, SMALL


def test_ctrl_c_is_still_keyboard_interrupt_after_a_run():
    passage.run(MALI, replications=2, set=[SMALL])
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(2)  # the interrupt arrives first


def test_sigterm_still_ends_the_process_after_a_run():
    code = ("import os, signal, sys, time, passage; "
            "passage.run(sys.argv[1], replications=2, set=[sys.argv[2]]); "
            "os.kill(os.getpid(), signal.SIGTERM); time.sleep(5); print('survived')")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(passage.__file__)))
    p = subprocess.run([sys.executable, "-c", code, MALI, SMALL], capture_output=True, text=True,
                       env=env, timeout=60)
    assert p.returncode == -signal.SIGTERM, (p.returncode, p.stdout, p.stderr)
    assert "survived" not in p.stdout
