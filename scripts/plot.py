#!/usr/bin/python3
"""Figures from a passage results file.

    scripts/plot.py results/mali-2016.h5 -o results/plots/mali-2016

reads a file written by `passage run`, `compare`, `sensitivity`, `sweep` or `calibrate` (the root
attribute `kind` says which) and writes PNG figures into the output folder:

    run          outcomes.png, ledger.png, hist_<name>.png, network.png, series_<name>.png
                 (with rumours, beliefs.png: the belief_ and risk_ series in one figure)
    compare      forest.png, variance_reduction.png
    sensitivity  sobol_<output>.png or morris_<output>.png, one per output
    sweep        sweep.png
    calibration  marginals.png, pairs.png (two parameters or more), predictive_<target>.png

A figure whose data the file lacks is skipped with a note. The figures are drawn by the
Python package passage.plot (python/passage/plot/, one module per subject); this script
is its command line. Exit codes: 0 figures written; 2 bad input (no such file, not HDF5,
not a passage results file, an unknown kind of file, a damaged file, nothing to plot);
1 a missing Python module or another failure.

Needs Debian's python3-h5py, python3-numpy, python3-scipy and python3-matplotlib;
python3-geopandas, when present, draws country borders on the network map, and PyYAML
(python3-yaml) names its exits.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

try:
    from passage.plot.cli import main
except ImportError as e:
    print(f"plot.py: error: {e}; install Debian's python3-h5py, python3-numpy, python3-scipy "
          "and python3-matplotlib (scripts/setup-debian.sh does)", file=sys.stderr)
    sys.exit(1)

if __name__ == "__main__":
    sys.exit(main())
