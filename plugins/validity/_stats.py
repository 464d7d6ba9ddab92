"""Statistics behind the validity analyses, written with numpy and scipy only.

Every function takes plain sequences or arrays and returns plain Python numbers
(``None`` where a quantity is not defined), so results go straight into JSON.
The tests check each one against scipy or pingouin. The functions live in
``_permutation`` (two-sample permutation tests, Mann-Whitney), ``_anova`` (k samples),
``_effect_sizes`` (Cliff's delta, Hedges' g, Welch intervals) and ``_reliability``
(Cronbach's alpha, ICC); this module gathers them under one name.

numpy and scipy are imported inside the functions: this module is imported by
plugin modules that the command line loads at start-up."""

from __future__ import annotations

from evidencekit.plugins.validity._anova import (
    _TINY as _TINY,
)
from evidencekit.plugins.validity._anova import (
    _sums_of_squares as _sums_of_squares,
)
from evidencekit.plugins.validity._anova import (
    eta_squared,
    kruskal_wallis,
    permutation_anova,
)
from evidencekit.plugins.validity._effect_sizes import (
    _dominance as _dominance,
)
from evidencekit.plugins.validity._effect_sizes import (
    _tied_pairs as _tied_pairs,
)
from evidencekit.plugins.validity._effect_sizes import (
    cliffs_delta,
    cliffs_delta_ci,
    hedges_g,
    hedges_g_ci,
    welch_interval,
)
from evidencekit.plugins.validity._permutation import (
    ALTERNATIVES,
    DEFAULT_EXACT_LIMIT,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    mann_whitney,
    n_partitions,
    permutation_test_means,
    smallest_possible_p,
)
from evidencekit.plugins.validity._permutation import (
    _array as _array,
)
from evidencekit.plugins.validity._permutation import (
    _check_samples as _check_samples,
)
from evidencekit.plugins.validity._permutation import (
    _finite as _finite,
)
from evidencekit.plugins.validity._permutation import (
    _k_sample_permutation as _k_sample_permutation,
)
from evidencekit.plugins.validity._permutation import (
    _p_values as _p_values,
)
from evidencekit.plugins.validity._permutation import (
    _partition_sums as _partition_sums,
)
from evidencekit.plugins.validity._permutation import (
    _permutation_test as _permutation_test,
)
from evidencekit.plugins.validity._permutation import (
    _random_partition_sums as _random_partition_sums,
)
from evidencekit.plugins.validity._permutation import (
    _split_sums as _split_sums,
)
from evidencekit.plugins.validity._permutation import (
    _subset_sums as _subset_sums,
)
from evidencekit.plugins.validity._reliability import (
    ICC_FORMS,
    ICC_LABELS,
    alpha_if_deleted,
    cronbach_alpha,
    feldt_interval,
    icc,
    item_rest_correlations,
)

__all__ = [
    "ALTERNATIVES",
    "DEFAULT_EXACT_LIMIT",
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "ICC_FORMS",
    "ICC_LABELS",
    "alpha_if_deleted",
    "cliffs_delta",
    "cliffs_delta_ci",
    "cronbach_alpha",
    "eta_squared",
    "feldt_interval",
    "hedges_g",
    "hedges_g_ci",
    "icc",
    "item_rest_correlations",
    "kruskal_wallis",
    "mann_whitney",
    "n_partitions",
    "permutation_anova",
    "permutation_test_means",
    "smallest_possible_p",
    "welch_interval",
]
