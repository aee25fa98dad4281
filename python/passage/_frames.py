"""Tables: pandas DataFrames when pandas is installed, numpy record arrays
(columns by name, ``t["metric"]``) when it is not."""

from __future__ import annotations

import numpy as np

try:
    import pandas as _pandas
except ImportError:  # pragma: no cover - exercised by forcing `pandas = None`
    _pandas = None

#: The pandas module tables are built with, or None: then tables are numpy
#: record arrays. (Tests set it to None to check the numpy fallback.)
pandas = _pandas


def text(values) -> np.ndarray:
    """HDF5 strings (bytes, or str) as an array of str."""
    out = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in np.asarray(values).ravel()]
    return np.array(out, dtype=object if pandas is not None else str)


def frame(columns: dict, index: str | None = None):
    """A table from equally long columns, in the given order."""
    if pandas is not None:
        df = pandas.DataFrame({k: np.asarray(v) for k, v in columns.items()})
        return df.set_index(index) if index else df
    arrays = []
    names = []
    for k, v in columns.items():
        a = np.asarray(v)
        if a.dtype == object:
            a = a.astype(str)
        arrays.append(a)
        names.append(k)
    if not arrays:
        return np.rec.array(np.empty(0, dtype=[]))
    return np.rec.fromarrays(arrays, names=names)


def concat(tables: list, empty: dict):
    """Tables stacked (rows of one after the other); `empty` when there are none."""
    if not tables:
        return frame(empty)
    if pandas is not None:
        return pandas.concat(tables, ignore_index=True)
    names = tables[0].dtype.names
    return frame({n: np.concatenate([np.asarray(t[n]) for t in tables]) for n in names})
