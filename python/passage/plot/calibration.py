"""Figures of a calibration file: none yet.

Calibration figures (the posterior of each calibrated parameter with its credible
interval, pairs of parameters, the fit of the outputs to their targets) need a file
written by `passage calibrate`. That command does not exist in this version, and with it
the layout of a calibration file (its `kind` attribute and its /posterior group) is not
fixed; so this module draws nothing rather than guess a format. open_results() rejects
any file whose kind it does not know with a message (scripts/plot.py exits 2), which is
what a calibration file meets today.
"""

#: What a calibration figure needs, as open_results() and the documentation say it.
NEEDS = ("a calibration file written by `passage calibrate`, which this version of "
         "passage does not have")
