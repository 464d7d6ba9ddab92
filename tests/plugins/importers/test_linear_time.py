"""Issue 12, item 4: every importer is linear on the shapes that used to be quadratic.

Not a wall-clock threshold: the CPU time of the same parse at 8n is compared with its
time at n (the best of three at n; at 8n, the best of as many as three, stopping as soon as
one is within the bound: a retry only ever helps a run that load slowed down), which cancels
the machine's speed. Linear parsing
gives a ratio near 8; the quadratic code this replaced gave 64 and more (RIS: 4 MB took
28 s, 8 MB 224 s). The bound, 24, sits far from both, so load on the machine does not make
the test flaky while a quadratic regression still fails it. Figures at 1-8 MB:
benchmarks/pathological_inputs.py.
"""

from __future__ import annotations

import gc
import time

import pytest
from pathological import SHAPES, parse

SMALL = 128 * 1024
FACTOR = 8
BOUND = 24


def _cpu_time(shape: str, size: int, registry) -> float:
    gc.collect()
    start = time.process_time()
    parse(shape, size, registry)
    return max(time.process_time() - start, 1e-3)  # a floor: the process clock's resolution


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_parse_time_grows_linearly(shape, registry) -> None:
    small = min(_cpu_time(shape, SMALL, registry) for _ in range(3))
    large = _cpu_time(shape, SMALL * FACTOR, registry)
    for _ in range(2):  # best of three at most: a quadratic parse fails every one
        if large / small < BOUND:
            break
        large = min(large, _cpu_time(shape, SMALL * FACTOR, registry))
    ratio = large / small
    assert ratio < BOUND, (
        f"{shape}: {FACTOR}x the input took {ratio:.1f}x the CPU time "
        f"({small:.3f} s -> {large:.3f} s): not linear"
    )


@pytest.mark.parametrize(
    "shape, outcome",
    [
        ("ris-continuation", "1 record(s)"),
        ("medline-continuation", "1 record(s)"),
        ("csv-wide-header", "1 record(s)"),
        ("endnote-xml-deep", "refused: the XML nests elements more than 100 levels deep"),
        ("bibtex-huge-field", "1 record(s)"),
    ],
)
def test_each_shape_parses_or_is_refused_clearly(shape, outcome, registry) -> None:
    assert parse(shape, SMALL, registry).startswith(outcome)
