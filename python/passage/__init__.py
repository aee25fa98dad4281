"""passage: a discrete-event Monte Carlo engine for irregular migrant journeys, from Python.

passage.plot draws the figures of a results file (see passage/plot/__init__.py).
"""
