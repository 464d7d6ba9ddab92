"""Classifiers: labelled rows → a relevance score for every row (scikit-learn)."""

from __future__ import annotations

from typing import Any


def _fast() -> Any:
    """scikit-learn without its per-call checks of parameters and of finite values.

    Why: a simulation retrains after every label, thousands of times on the same
    validated matrix (TF-IDF of text is always finite), and those checks cost more than
    the fit itself on a few hundred rows.
    """
    import sklearn

    return sklearn.config_context(assume_finite=True, skip_parameter_validation=True)


def _liblinear_direct(model: Any, X: Any, y: Any, sample_weight: Any) -> bool:  # noqa: N803
    """Fit ``model`` (a LinearSVC with its default loss, penalty and intercept) by calling
    the liblinear solver scikit-learn wraps, as ``LinearSVC.fit`` would, without the
    Python layer around it; return False (nothing done) if this scikit-learn lays it out
    differently, and the caller then uses ``fit``.

    Why: in a simulation the solver runs after every label on a few hundred rows, and
    ``fit``'s label encoding, class weights and checks cost about as much again as the
    solve. The result is the same model (tests compare it with ``LinearSVC.fit``).
    """
    import numpy as np

    try:
        from sklearn.svm import _liblinear
        from sklearn.svm._base import _get_liblinear_solver_type

        # dual="auto" as LinearSVC decides it: dual while there are fewer rows than features.
        dual = X.shape[0] < X.shape[1]
        solver = _get_liblinear_solver_type("ovr", "l2", "squared_hinge", dual)
        seed = np.random.RandomState(model.random_state).randint(np.iinfo("i").max)
        _liblinear.set_verbosity_wrap(0)  # liblinear prints its progress unless told not to
        raw, _ = _liblinear.train_wrap(
            X,
            np.asarray(y, dtype=np.float64),
            True,
            solver,
            model.tol,
            model.intercept_scaling,
            model.C,
            np.ones(2),
            model.max_iter,
            seed,
            0.1,
            np.asarray(sample_weight, dtype=np.float64),
        )
    except (ImportError, AttributeError, TypeError, ValueError):
        return False
    model.coef_ = raw[:, :-1]
    model.intercept_ = model.intercept_scaling * raw[:, -1]
    model.classes_ = np.array([0, 1])
    return True


def _linear_scores(model: Any, X: Any) -> Any:  # noqa: N803
    """``decision_function`` of a fitted linear model, as one sparse product.

    Why not ``model.decision_function``: it re-validates (and may copy) the whole matrix
    on every call; the product and the intercept are all it computes.
    """
    return X @ model.coef_[0] + model.intercept_[0]


class Svm:
    """Linear support vector machine (LinearSVC, squared hinge); score = signed distance."""

    name = "svm"
    takes_seed = True
    #: Sees the records only through inner products of their rows (L2 penalty), so the
    #: screener may fold terms unique to one record (``_matrix.fold_unique_terms``).
    inner_products_only = True

    def __init__(self, C: float = 0.11, seed: int = 0):  # noqa: N803 - scikit-learn's name
        if C <= 0:
            raise ValueError("C must be positive")
        self.C, self.seed = C, seed

    def fit(self, X: Any, y: Any, sample_weight: Any) -> None:  # noqa: N803
        from sklearn.svm import LinearSVC

        self.model = LinearSVC(C=self.C, random_state=self.seed)
        if not _liblinear_direct(self.model, X, y, sample_weight):
            with _fast():
                self.model.fit(X, y, sample_weight=sample_weight)

    def scores(self, X: Any) -> Any:  # noqa: N803
        return _linear_scores(self.model, X)


class Logistic:
    """L2-regularised logistic regression (liblinear); score = log-odds."""

    name = "logistic"
    takes_seed = True
    #: Sees the records only through inner products of their rows (L2 penalty), so the
    #: screener may fold terms unique to one record (``_matrix.fold_unique_terms``).
    inner_products_only = True

    def __init__(self, C: float = 1.0, seed: int = 0):  # noqa: N803
        if C <= 0:
            raise ValueError("C must be positive")
        self.C, self.seed = C, seed

    def fit(self, X: Any, y: Any, sample_weight: Any) -> None:  # noqa: N803
        from sklearn.linear_model import LogisticRegression

        self.model = LogisticRegression(C=self.C, solver="liblinear", random_state=self.seed)
        with _fast():
            self.model.fit(X, y, sample_weight=sample_weight)

    def scores(self, X: Any) -> Any:  # noqa: N803
        return _linear_scores(self.model, X)


class NaiveBayes:
    """Multinomial naive Bayes; score = log-probability ratio of relevant to irrelevant."""

    name = "nb"

    def __init__(self, alpha: float = 3.822):
        if alpha <= 0:
            raise ValueError("alpha must be positive")
        self.alpha = alpha

    def fit(self, X: Any, y: Any, sample_weight: Any) -> None:  # noqa: N803
        from sklearn.naive_bayes import MultinomialNB

        self.model = MultinomialNB(alpha=self.alpha)
        with _fast():
            self.model.fit(X, y, sample_weight=sample_weight)

    def scores(self, X: Any) -> Any:  # noqa: N803
        log_p = self.model.predict_joint_log_proba(X)
        return log_p[:, 1] - log_p[:, 0]


class Ensemble:
    """Mean rank of several classifiers (default: SVM and logistic regression).

    Why ranks, not scores: the members' scores live on different scales.
    """

    name = "ensemble"
    takes_seed = True

    def __init__(self, members: tuple[str, ...] | list[str] = ("svm", "logistic"), seed: int = 0):
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.members = [
            PARTS[m](seed=seed) if getattr(PARTS[m], "takes_seed", False) else PARTS[m]()
            for m in members
        ]
        self.inner_products_only = all(
            getattr(m, "inner_products_only", False) for m in self.members
        )

    def fit(self, X: Any, y: Any, sample_weight: Any) -> None:  # noqa: N803
        for member in self.members:
            member.fit(X, y, sample_weight)

    def scores(self, X: Any) -> Any:  # noqa: N803
        from scipy.stats import rankdata

        return sum(rankdata(m.scores(X)) for m in self.members) / len(self.members)


PARTS = {"svm": Svm, "logistic": Logistic, "nb": NaiveBayes, "ensemble": Ensemble}
