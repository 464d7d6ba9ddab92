"""Reliability: Cronbach's alpha with Feldt's interval, item-rest correlations, alpha if
an item is deleted, and intraclass correlations."""

from __future__ import annotations

from typing import Any

from evidencekit.plugins.validity._permutation import _finite


def cronbach_alpha(matrix: Any) -> float | None:
    """Cronbach's alpha of a units × items matrix (no missing values).

    None when it is undefined: fewer than two items or units, or a total score
    with no variance.
    """
    import numpy as np

    m = np.asarray(matrix, dtype=float)
    n, k = m.shape
    if k < 2 or n < 2:
        return None
    total_var = m.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return None
    return float(k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / total_var))


def feldt_interval(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) interval for alpha, F(n - 1, (n - 1)(k - 1))."""
    from scipy.stats import f

    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    lower = 1 - (1 - alpha) * float(f.isf(tail, df1, df2))
    upper = 1 - (1 - alpha) * float(f.isf(1 - tail, df1, df2))
    return lower, upper


def item_rest_correlations(matrix: Any) -> list[float | None]:
    """Pearson correlation of each item with the sum of the other items."""
    import numpy as np

    m = np.asarray(matrix, dtype=float)
    total = m.sum(axis=1)
    out: list[float | None] = []
    for j in range(m.shape[1]):
        item, rest = m[:, j], total - m[:, j]
        if item.std() == 0 or rest.std() == 0:
            out.append(None)  # a constant has no correlation with anything
            continue
        out.append(_finite(np.corrcoef(item, rest)[0, 1]))
    return out


def alpha_if_deleted(matrix: Any) -> list[float | None]:
    """Cronbach's alpha of the remaining items, leaving out each item in turn."""
    import numpy as np

    m = np.asarray(matrix, dtype=float)
    return [cronbach_alpha(np.delete(m, j, axis=1)) for j in range(m.shape[1])]


#: Accepted names → canonical form. ICC1: one-way random; ICC2: two-way random,
#: absolute agreement, ICC(A,1); ICC3: two-way mixed, consistency, ICC(C,1);
#: a "k" suffix is the reliability of the mean of k raters.
ICC_FORMS = {
    "ICC1": "ICC1",
    "ICC(1,1)": "ICC1",
    "ICC2": "ICC2",
    "ICC(2,1)": "ICC2",
    "ICC(A,1)": "ICC2",
    "ICC3": "ICC3",
    "ICC(3,1)": "ICC3",
    "ICC(C,1)": "ICC3",
    "ICC1k": "ICC1k",
    "ICC(1,k)": "ICC1k",
    "ICC2k": "ICC2k",
    "ICC(2,k)": "ICC2k",
    "ICC(A,k)": "ICC2k",
    "ICC3k": "ICC3k",
    "ICC(3,k)": "ICC3k",
    "ICC(C,k)": "ICC3k",
}


ICC_LABELS = {
    "ICC1": "ICC(1,1)",
    "ICC2": "ICC(A,1)",
    "ICC3": "ICC(C,1)",
    "ICC1k": "ICC(1,k)",
    "ICC2k": "ICC(A,k)",
    "ICC3k": "ICC(C,k)",
}


def icc(matrix: Any, form: str = "ICC2", confidence: float = 0.95) -> dict[str, Any]:
    """ICC of a units × raters matrix (complete, balanced) with its F-based interval.

    Returns ``{"form", "label", "icc", "ci", "f", "df1", "df2", "p_value"}``;
    ``icc`` is None when the mean squares leave it undefined (no variance at all).
    """
    import numpy as np
    from scipy.stats import f as fdist

    canonical = ICC_FORMS.get(form)
    if canonical is None:
        raise ValueError(f"unknown ICC form {form!r}; known: {', '.join(ICC_FORMS)}")
    m = np.asarray(matrix, dtype=float)
    n, k = m.shape
    if n < 2 or k < 2:
        raise ValueError("an ICC needs at least two units and two raters")
    grand = m.mean()
    ss_rows = k * ((m.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((m.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((m - grand) ** 2).sum()
    ss_err = ss_total - ss_rows - ss_cols
    # Rounding leaves a sum of squares that is zero in exact arithmetic at about 1e-16 of
    # the data's scale, and only in some orders of the units and raters: read those as 0,
    # so an undefined ICC (0/0) stays undefined whatever the order.
    tiny = 1e-13 * (ss_total + n * k * grand**2)
    ss_rows, ss_cols, ss_err = (
        np.float64(0.0) if abs(x) <= tiny else x for x in (ss_rows, ss_cols, ss_err)
    )
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_err) / (n * (k - 1))
    tail = 1 - (1 - confidence) / 2
    result: dict[str, Any] = {
        "form": canonical,
        "label": ICC_LABELS[canonical],
        "n_units": int(n),
        "n_raters": int(k),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        if canonical in ("ICC1", "ICC1k"):
            df1, df2 = n - 1, n * (k - 1)
            fval = msr / msw
            value = (
                (msr - msw) / (msr + (k - 1) * msw) if canonical == "ICC1" else (msr - msw) / msr
            )
            fl = fval / fdist.ppf(tail, df1, df2)
            fu = fval * fdist.ppf(tail, df2, df1)
            ci = (
                ((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1))
                if canonical == "ICC1"
                else (1 - 1 / fl, 1 - 1 / fu)
            )
        elif canonical in ("ICC3", "ICC3k"):
            df1, df2 = n - 1, (n - 1) * (k - 1)
            fval = msr / mse
            value = (
                (msr - mse) / (msr + (k - 1) * mse) if canonical == "ICC3" else (msr - mse) / msr
            )
            fl = fval / fdist.ppf(tail, df1, df2)
            fu = fval * fdist.ppf(tail, df2, df1)
            ci = (
                ((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1))
                if canonical == "ICC3"
                else (1 - 1 / fl, 1 - 1 / fu)
            )
        else:
            df1, df2 = n - 1, (n - 1) * (k - 1)
            fval = msr / mse
            icc2 = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
            value = icc2 if canonical == "ICC2" else (msr - mse) / (msr + (msc - mse) / n)
            # McGraw & Wong (1996) approximate degrees of freedom for case 2A.
            fj = msc / mse
            vn = df2 * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
            vd = df1 * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
            v = vn / vd
            f2u = fdist.ppf(tail, n - 1, v)
            f2l = fdist.ppf(tail, v, n - 1)
            lo = n * (msr - f2u * mse) / (f2u * (k * msc + (k * n - k - n) * mse) + n * msr)
            hi = n * (f2l * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f2l * msr)
            ci = (
                (lo, hi)
                if canonical == "ICC2"
                else (lo * k / (1 + lo * (k - 1)), hi * k / (1 + hi * (k - 1)))
            )
        p = fdist.sf(fval, df1, df2)
    value_f = _finite(value)
    lo_f, hi_f = _finite(ci[0]), _finite(ci[1])
    result.update(
        {
            "icc": value_f,
            "ci": [lo_f, hi_f]
            if value_f is not None and lo_f is not None and hi_f is not None
            else None,
            "confidence": confidence,
            "f": _finite(fval),
            "df1": int(df1),
            "df2": int(df2),
            "p_value": _finite(p),
        }
    )
    return result
