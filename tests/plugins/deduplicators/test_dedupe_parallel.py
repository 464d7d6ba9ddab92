"""The fuzzy deduplicator's work shared out over processes gives the serial answer.

A large batch is prepared in slices (``_prepared.PARALLEL_FROM`` records or more) and
its candidate pairs judged in slices (``_engine.PARALLEL_PAIRS`` pairs or more), each in
a forked process where forking is safe. Both thresholds are lowered here so the
labelled excerpt (199 records, tests/data/dedup) takes both paths; every link, review
pair, cluster and count must be the serial run's.
"""

from __future__ import annotations

from typing import Any

import pytest
from dedupe_helpers import fuzzy
from test_dedupe_labelled import EXCERPT, load

from evidencekit.core.forking import usable_cores
from evidencekit.plugins.deduplicators import _engine, _prepared


def _answer(result: Any) -> tuple[Any, ...]:
    stats = {k: v for k, v in result.stats.items() if not k.startswith("seconds")}
    return result.links, result.uncertain, result.clusters, stats


@pytest.mark.parametrize("workers", [2, -1])
def test_prepared_and_judged_in_slices_is_the_serial_answer(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    records, _ = load(EXCERPT)
    serial = fuzzy(records, {"workers": 1})
    assert serial.stats["compared_pairs"] > 50  # enough pairs for two slices
    monkeypatch.setattr(_prepared, "PARALLEL_FROM", 10)
    monkeypatch.setattr(_engine, "PARALLEL_PAIRS", 10)
    calls: list[int] = []
    judge_in_slices = _engine.judge_in_slices

    def counted(judge: Any, p: Any, i: Any, j: Any, w: int) -> Any:
        calls.append(len(i))
        return judge_in_slices(judge, p, i, j, w)

    monkeypatch.setattr(_engine, "judge_in_slices", counted)
    shared = fuzzy(records, {"workers": workers})
    assert calls and calls[0] == serial.stats["compared_pairs"]
    assert _answer(shared) == _answer(serial)


def test_judge_in_slices_joins_every_array_end_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from evidencekit.plugins.deduplicators._features import compare, prepare

    records, _ = load(EXCERPT)
    p = prepare(records)
    i, j = np.triu_indices(60, k=1)

    def judge(p: Any, i: Any, j: Any) -> Any:
        from evidencekit.plugins.deduplicators import _rules

        f = compare(p, i, j)
        return f, _rules.judge(f, np.minimum(p.title_length[f.i], p.title_length[f.j]), {})

    whole_f, whole_v = judge(p, i, j)
    monkeypatch.setattr(_engine, "PARALLEL_PAIRS", 10)
    if usable_cores("EVIDENCEKIT_PLOT_PROCESSES") < 2:
        pytest.skip("one usable core: the slices would not be forked")
    part_f, part_v = _engine.judge_in_slices(judge, p, i, j, 2)
    for whole, part in ((whole_f, part_f), (whole_v, part_v)):
        for name, value in vars(whole).items():
            if value is None:
                assert getattr(part, name) is None
            else:
                np.testing.assert_array_equal(getattr(part, name), value, err_msg=name)
