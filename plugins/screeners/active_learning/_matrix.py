"""Cheaper forms of the feature matrix for retraining after every label (same models).

- :func:`fold_unique_terms`: for a classifier that sees the records only through inner
  products of their rows (a linear model with an L2 penalty: the SVM, logistic
  regression), the terms that occur in one record only are folded into one.
- :class:`LabelledRows`: the rows of the labelled records, in labelling order, grown as
  labels arrive instead of gathered from the whole matrix at every retrain.
"""

from __future__ import annotations

from typing import Any


def fold_unique_terms(X: Any) -> Any:  # noqa: N803 - the usual name
    """``X`` with, in each row, the terms found in no other row folded into one.

    Each row's unique terms become one entry, at the column of the first of them, worth
    their Euclidean norm; the shape is kept (the other columns are left empty).

    Why the model does not change: a column held by one row only never meets another
    row, so it enters an L2-penalised linear model only through that row's squared norm
    (the weights on it are best parallel to the row's own values there; the representer
    theorem), and folding keeps every inner product of two rows, that norm included. The
    solution is the same, and so is every score: an unlabelled record's unique terms have
    weight 0 either way. What changes is the work: TF-IDF with bigrams has many terms seen
    once (about a fifth of the non-zeros in the shared sets), and the solver, the scores
    and the row gathering all cost in proportion to the non-zeros. Not for naive Bayes,
    which reads the terms' values, not inner products.
    """
    import numpy as np
    from scipy import sparse

    X = sparse.csr_matrix(X)  # noqa: N806
    n_rows = X.shape[0]
    df = np.bincount(X.indices, minlength=X.shape[1])
    unique = df[X.indices] == 1
    if not unique.any():
        return X
    rows = np.repeat(np.arange(n_rows), np.diff(X.indptr))
    at = np.flatnonzero(unique)
    first = at[np.r_[True, rows[at][1:] != rows[at][:-1]]]  # each row's first unique term
    norms = np.sqrt(np.bincount(rows[at], weights=X.data[at] ** 2, minlength=n_rows))
    keep = ~unique
    keep[first] = True
    data = X.data.copy()
    data[first] = norms[rows[first]]
    indptr = np.zeros(n_rows + 1, dtype=X.indptr.dtype)
    np.cumsum(np.bincount(rows[keep], minlength=n_rows), out=indptr[1:])
    folded = sparse.csr_matrix((data[keep], X.indices[keep], indptr), shape=X.shape)
    folded.has_sorted_indices = True  # a subsequence of each sorted row stays sorted
    return folded


class LabelledRows:
    """The rows of ``X`` for the labelled records, in the order they were labelled.

    A simulation (or a reviewer) labels one record at a time and the model is retrained
    after each, so the labelled rows grow at the end: appending the new rows costs their
    own non-zeros, where gathering them from ``X`` every time costs all of them. Any other
    change (a label withdrawn, another order) gathers them afresh.
    """

    def __init__(self, X: Any):  # noqa: N803
        import numpy as np

        self.X = X
        self.positions = np.zeros(0, dtype=np.int64)
        self.indptr = np.zeros(1, dtype=X.indptr.dtype)
        self.indices = np.zeros(0, dtype=X.indices.dtype)
        self.data = np.zeros(0, dtype=X.data.dtype)
        self.nnz = 0

    def _reserve(self, nnz: int) -> None:
        import numpy as np

        if nnz > self.data.size:
            size = max(nnz, 2 * self.data.size)
            self.indices = np.resize(self.indices, size)
            self.data = np.resize(self.data, size)

    def rows(self, positions: Any) -> Any:
        """``X[positions]`` as a CSR matrix (sorted indices, as ``X``'s)."""
        import numpy as np
        from scipy import sparse

        m = self.positions.size
        if positions.size < m or not np.array_equal(positions[:m], self.positions):
            self.__init__(self.X)
            m = 0
        if positions.size > m:
            X = self.X  # noqa: N806
            starts, ends = X.indptr[positions[m:]], X.indptr[positions[m:] + 1]
            self._reserve(self.nnz + int((ends - starts).sum()))
            ends_at = []
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                size = end - start
                self.indices[self.nnz : self.nnz + size] = X.indices[start:end]
                self.data[self.nnz : self.nnz + size] = X.data[start:end]
                self.nnz += size
                ends_at.append(self.nnz)
            self.indptr = np.concatenate([self.indptr, np.asarray(ends_at, self.indptr.dtype)])
            self.positions = np.array(positions, dtype=np.int64)
        out = sparse.csr_matrix(
            (self.data[: self.nnz], self.indices[: self.nnz], self.indptr),
            shape=(positions.size, self.X.shape[1]),
            copy=False,
        )
        out.has_sorted_indices = True
        return out
