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


def _float64() -> Any:
    # why float64: liblinear trains on float64, so a float32 matrix would be converted
    # (copied) at every retrain; the memory (12 bytes per non-zero) is small at 10,000s.
    import numpy as np

    return np.float64


PARTS = {"tfidf": Tfidf}
