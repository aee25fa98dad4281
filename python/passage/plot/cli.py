"""scripts/plot.py: write the PNG figures of a passage results file."""

import argparse
import os
import sys

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1

DESCRIPTION = (
    "Write PNG figures from a passage results file. 'run' files: outcome shares, the "
    "revenue ledger by actor, histograms and a map of the route network. 'compare' files: "
    "a forest plot of the policies' effects and the variance reduction of common random "
    "numbers. 'sensitivity' files: ranked Sobol' indices or Morris effects per output. "
    "'sweep' files: each output against each parameter. 'calibration' files: each "
    "parameter's posterior against its prior, a pairs plot of the first four parameters and "
    "each target's posterior predictive against its observation.")
EPILOG = (
    "Exit codes: 0 figures written; 2 bad input (not a passage results file, an unknown "
    "kind of file, nothing to plot); 1 other failures. "
    "Example: scripts/plot.py results/mali-2016.h5 -o results/plots/mali-2016")


def parser():
    ap = argparse.ArgumentParser(prog="plot.py", description=DESCRIPTION, epilog=EPILOG)
    ap.add_argument("result", metavar="RESULT.h5", help="results file written by 'passage "
                    "run', 'compare', 'sweep', 'sensitivity' or 'calibrate'")
    ap.add_argument("-o", "--out", metavar="DIR",
                    help="folder for the PNG files (created if missing; default: "
                    "plots/<file name without .h5> beside the results file)")
    ap.add_argument("--dpi", type=int, default=130, help="resolution of the PNG files "
                    "(default 130)")
    return ap


def main(argv=None):
    a = parser().parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from . import BadInput, NothingToDraw, figures, kind_of, open_results, save

    try:
        res = open_results(a.result)
    except BadInput as e:
        print(f"plot.py: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT

    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.result)), "plots",
                                os.path.splitext(os.path.basename(a.result))[0])
    created = not os.path.exists(out)
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        print(f"plot.py: error: cannot create {out}: {e}", file=sys.stderr)
        return EXIT_FAILURE

    jobs, needs = figures(res)
    written = []
    for name, draw in jobs:
        try:
            fig = draw()
        except NothingToDraw as e:
            print(f"plot.py: skipped {name}: {e}", file=sys.stderr)
            continue
        written.append(save(fig, os.path.join(out, name + ".png"), a.dpi))
        print(f"wrote {written[-1]}")
    if not written:
        if created:
            os.rmdir(out)
        print(f"plot.py: error: {a.result}: nothing to plot for this {kind_of(res)} file of "
              f"model '{res.model}' ({needs})", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0
