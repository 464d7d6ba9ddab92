"""Fuzzing in CI (issue 12): mutated real files into every importer, the YAML
instrument and review loaders and the CSV reader. The outcome is always a parse or one
of evidencekit's own errors naming the file, never another exception.

A longer run: benchmarks/fuzz_long.py.
"""

from __future__ import annotations

import pytest
from fuzz_targets import (
    csv_seeds,
    csv_target,
    import_target,
    importer_seeds,
    instrument_target,
    mutated,
    review_target,
    yaml_seeds,
)
from hypothesis import HealthCheck, given, settings

from evidencekit.core.registry import build_registry

SEEDS = importer_seeds()
REGISTRY = build_registry()
FUZZ = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_importer_never_crashes(fmt: str) -> None:
    target = import_target(fmt, REGISTRY)

    @FUZZ
    @given(mutated(SEEDS[fmt]))
    def check(data: bytes) -> None:
        assert target(data) in ("parsed", "refused")

    check()


def test_format_detection_never_crashes() -> None:
    target = import_target(None, REGISTRY)
    every = [seed for seeds in SEEDS.values() for seed in seeds]

    @FUZZ
    @given(mutated(every))
    def check(data: bytes) -> None:
        assert target(data) in ("parsed", "refused")

    check()


@FUZZ
@given(mutated(yaml_seeds()))
def test_instrument_loader_never_crashes(data: bytes) -> None:
    assert instrument_target(data) in ("parsed", "refused")


@FUZZ
@given(mutated([s for s in yaml_seeds() if b"kind: review" in s]))
def test_review_loader_never_crashes(data: bytes) -> None:
    assert review_target(data) in ("parsed", "refused")


@FUZZ
@given(mutated(csv_seeds()))
def test_csv_reader_never_crashes(data: bytes) -> None:
    assert csv_target(data) in ("parsed", "refused")


def test_every_importer_has_seeds() -> None:
    names = set(REGISTRY.names("importer"))
    assert names <= set(SEEDS), f"no fuzz seeds for {sorted(names - set(SEEDS))}"
