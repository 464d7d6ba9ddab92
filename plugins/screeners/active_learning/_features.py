"""Feature extractors: record texts → a sparse matrix (scikit-learn, imported when used)."""

from __future__ import annotations

from typing import Any


class Tfidf:
    """TF-IDF over word n-grams of title and abstract (scikit-learn's TfidfVectorizer).

    No stop-word list by default, so text in any language that separates words with
    spaces gets features; ``sublinear_tf`` dampens words repeated within one abstract.
    """

    name = "tfidf"

    def __init__(
        self,
        ngram_max: int = 2,
        min_df: int = 1,
        max_df: float = 0.95,
        sublinear_tf: bool = True,
        stop_words: str | None = None,
    ):
        if ngram_max < 1 or min_df < 1 or not 0 < max_df <= 1:
            raise ValueError("need ngram_max >= 1, min_df >= 1 and 0 < max_df <= 1")
        self.params = {
            "ngram_max": ngram_max,
            "min_df": min_df,
            "max_df": max_df,
            "sublinear_tf": sublinear_tf,
            "stop_words": stop_words,
        }

    def transform(self, texts: list[str]) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        p = self.params
        vectorizer = TfidfVectorizer(
            ngram_range=(1, p["ngram_max"]),
            min_df=p["min_df"],
            max_df=p["max_df"],
            sublinear_tf=p["sublinear_tf"],
            stop_words=p["stop_words"],
            dtype=_float64(),
        )
        try:
            matrix = vectorizer.fit_transform(texts)
        except ValueError:
            # Every text empty (or only stop words): no vocabulary. One constant feature
            # keeps the model defined; the ranking then falls back to the query's tie order.
            import numpy as np
            from scipy import sparse

            return sparse.csr_matrix(np.ones((len(texts), 1), dtype=np.float64))
        # Sorted column indices once here, or scikit-learn sorts a copy at every retrain.
        matrix = matrix.tocsr()
        matrix.sort_indices()
        return matrix


def keyword_block(keywords: list[list[str]], weight: float) -> Any:
    """The records' keywords as features of their own, scaled by ``weight``.

    Each keyword (a MeSH heading such as "Diabetes Mellitus, Type 2" is one) is one term,
    compared without case; a MEDLINE heading's major-topic stars and its qualifiers
    ("Insulin/*therapeutic use") are dropped, so the heading is the term, as in the
    labelled sets the weight was measured on. A record's terms are weighted by inverse
    document frequency and the row scaled to Euclidean length ``weight`` (0 for a record
    without keywords). Set beside the title and abstract's features (each row of length
    1), so ``weight`` is the keywords' share of the record's similarity to another; read
    as words among the abstract's instead, they weigh as much as the many words they hold
    and their words merge with the abstract's (docs/prioritisation.md has the
    measurements).

    Returns ``None`` when no record has a keyword (no block: the features are the text's).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if weight <= 0:
        raise ValueError("keywords_weight must be positive")
    docs = [sorted({t for t in map(_heading, ks) if t}) for ks in keywords]
    if not any(docs):
        return None
    vectorizer = TfidfVectorizer(analyzer=_as_terms, dtype=_float64())
    block = vectorizer.fit_transform(docs).tocsr()
    block.data *= weight
    return block


def scaled_block(block: Any, weight: float) -> Any:
    """A copy of ``block`` (or None) times ``weight``: the same numbers as
    ``keyword_block(keywords, weight)`` when ``block`` is ``keyword_block(keywords, 1)``."""
    if block is None:
        return None
    out = block.copy()
    out.data *= weight
    return out


def mean_similarity(block: Any) -> float | None:
    """The mean cosine similarity of two different records' keyword rows, over every pair
    of records that have keywords (``block``: rows of length 1 or 0, as
    ``keyword_block(keywords, 1)``); None with fewer than two such records.

    Computed from the labels-free block alone, in one pass: the squared length of the
    rows' sum is the sum of every pair's inner product, each row with itself (1) included.
    High where most records share most of their (inverse-document-frequency weighted)
    headings, so that the keywords make records look alike whatever their topic.
    """
    import numpy as np

    if block is None:
        return None
    lengths = np.asarray(block.multiply(block).sum(axis=1)).ravel()
    rows = block[lengths > 0]
    n = rows.shape[0]
    if n < 2:
        return None
    total = np.asarray(rows.sum(axis=0)).ravel()
    return float((total @ total - n) / (n * (n - 1)))


def _heading(keyword: str) -> str:
    """``keyword`` as a term: lower case, without MEDLINE's ``*`` and ``/qualifier``."""
    return (keyword or "").split("/", 1)[0].replace("*", "").strip().lower()


def _as_terms(terms: list[str]) -> list[str]:
    # A module-level function (not a lambda), so the vectorizer stays picklable.
    return terms


def with_block(X: Any, block: Any) -> Any:  # noqa: N803 - the usual name
    """``X`` and ``block`` side by side (CSR, sorted indices); ``X`` if ``block`` is None."""
    if block is None:
        return X
    from scipy import sparse

    matrix = sparse.hstack([X, block], format="csr")
    matrix.sort_indices()
    return matrix


def _float64() -> Any:
    # why float64: liblinear trains on float64, so a float32 matrix would be converted
    # (copied) at every retrain; the memory (12 bytes per non-zero) is small at 10,000s.
    import numpy as np

    return np.float64


PARTS = {"tfidf": Tfidf}
