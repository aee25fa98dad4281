"""`import passage` needs numpy only: no matplotlib (passage.plot is imported on
first use), no h5py until a file is read, no MPI."""

import os
import subprocess
import sys

from support import SRC


def test_import_loads_neither_plots_nor_mpi():
    code = ("import sys, passage; "
            "bad = [m for m in ('matplotlib', 'passage.plot', 'h5py', 'mpi4py') if m in sys.modules]; "
            "assert not bad, bad; "
            "r = passage.run(sys.argv[1], replications=2); "
            "assert 'matplotlib' not in sys.modules; print(r.kind)")
    import passage
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(passage.__file__)))
    # As if under mpirun: the module still runs one process on its own.
    env["OMPI_COMM_WORLD_SIZE"] = "2"
    p = subprocess.run([sys.executable, "-c", code, str(SRC / "configs/verification/mm1.yaml")],
                       capture_output=True, text=True, env=env, cwd=os.environ.get("TMPDIR", "/tmp"))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "run"
