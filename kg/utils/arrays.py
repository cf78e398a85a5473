"""Numpy kernels and packed string columns, with no domain knowledge."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def left_sum(values):
    """Add ``values`` left to right, as ``sum()`` did before Python 3.12 (which compensates rounding).

    The compiled systemic risk model (:mod:`kg.analysis.esri`) adds in this order too,
    so both give the same floats on every Python version.

    >>> left_sum([1e16, 1.0, -1e16, 1.0])
    1.0
    """
    total = 0
    for value in values:
        total += value
    return total


def segment_sums(values, starts):
    """Sums of ``values[starts[k]:starts[k + 1]]`` (the last to the end), each added left to right.

    :func:`left_sum` (Python's ``sum()`` before 3.12) adds left to right;
    numpy's reductions add pairwise and can differ in the last bit.
    ``np.bincount`` adds its weights in order, so it gives :func:`left_sum`'s
    results, vectorised (empty segments sum to 0.0).

    >>> segment_sums([0.1, 0.2, 0.3, 1.0], [0, 3]).tolist() == [left_sum([0.1, 0.2, 0.3]), 1.0]
    True
    >>> segment_sums([1.0, 2.0], [0, 0, 1]).tolist()
    [0.0, 1.0, 2.0]
    """
    import numpy as np

    values = np.asarray(values, dtype=np.float64)
    starts = np.asarray(starts, dtype=np.int64)
    counts = np.diff(np.r_[starts, len(values)])
    return np.bincount(np.repeat(np.arange(len(starts)), counts), weights=values, minlength=len(starts))


def concat_ranges(indptr, rows):
    """The positions ``indptr[r]:indptr[r + 1]`` of every row ``r`` in ``rows``, concatenated.

    >>> import numpy as np
    >>> concat_ranges(np.array([0, 2, 2, 5]), np.array([2, 0, 1])).tolist()
    [2, 3, 4, 0, 1]
    """
    import numpy as np

    first = indptr[rows]
    count = indptr[rows + 1] - first
    ends = np.cumsum(count)
    return np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - count - first, count)


class RowProduct:
    """Some rows of a matrix in compressed sparse rows (``data``, ``indices``, ``indptr``), for
    products with vectors: ``block @ x`` adds each row's ``data * x[indices]`` left to right, as
    :func:`kg.utils.arrays.segment_sums` does (``np.bincount`` adds its weights in order; the
    row of each entry is found once), so the floats are those of the reference's row-by-row
    sums. Numpy only: importing ``scipy.sparse`` took 0.12 s of a `kg depends`.

    >>> block = RowProduct(np.array([2.0, 3.0, 4.0]), np.array([0, 2, 1]), np.array([0, 2, 2, 3]),
    ...                    np.array([2, 0, 1]))
    >>> (block @ np.array([1.0, 10.0, 100.0])).tolist()  # rows 2, 0 and 1 (empty)
    [40.0, 302.0, 0.0]
    """

    __slots__ = ("columns", "n", "row", "values")

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, rows: np.ndarray):
        take = concat_ranges(indptr, rows)
        self.columns, self.values, self.n = indices[take], data[take], len(rows)
        self.row = np.repeat(np.arange(self.n), indptr[rows + 1] - indptr[rows])

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        return np.bincount(self.row, weights=self.values * x[self.columns], minlength=self.n)


def pack_strings(strings: list[str]) -> np.ndarray:
    """Strings as one uint8 array: UTF-8, each followed by NUL (which no IRI, label or note holds).

    >>> unpack_strings(pack_strings(["a", "", "鋁"])), unpack_strings(pack_strings([]))
    (['a', '', '鋁'], [])
    """
    if any("\x00" in x for x in strings):
        raise ValueError("a string holds NUL")
    return np.frombuffer("".join(x + "\x00" for x in strings).encode(), dtype=np.uint8)


def narrow(array: np.ndarray) -> np.ndarray:
    """An int64 array as int32 when its values fit (node and entry numbers do, below 2**31)."""
    if array.dtype == np.int64 and (not len(array) or (array.min() >= 0 and array.max() < 2**31)):
        return array.astype(np.int32)
    return array


def unpack_strings(array: np.ndarray) -> list[str]:
    """The strings of :func:`pack_strings` back."""
    return np.asarray(array, dtype=np.uint8).tobytes().decode().split("\x00")[:-1]


class PackedStrings(Sequence):
    """The strings of :func:`pack_strings`, decoded one at a time when read (a read-only list).

    For large saved columns read in a fresh process: finding the string ends is one
    vectorised scan; a sorted column can be searched with :mod:`bisect` without
    decoding the rest. Indexing with an integer array gives an object array.

    >>> col = PackedStrings(pack_strings(["a", "", "鋁"]))
    >>> len(col), col[1], col[-1], list(col), col[np.array([0, 2])].tolist()
    (3, '', '鋁', ['a', '', '鋁'], ['a', '鋁'])
    """

    def __init__(self, array: np.ndarray):
        self._bytes = np.asarray(array, dtype=np.uint8)
        self._ends = np.flatnonzero(self._bytes == 0)

    def __len__(self) -> int:
        return len(self._ends)

    def _one(self, i: int) -> str:
        start = int(self._ends[i - 1]) + 1 if i > 0 else 0
        return self._bytes[start : int(self._ends[i])].tobytes().decode()

    def __getitem__(self, k):
        if isinstance(k, np.ndarray):
            out = np.empty(len(k), dtype=object)
            out[:] = [self._one(int(i)) for i in k]
            return out
        if isinstance(k, slice):
            return [self._one(i) for i in range(*k.indices(len(self)))]
        n = len(self)
        if not -n <= k < n:
            raise IndexError(k)
        return self._one(k % n if k < 0 else k)
