"""A process validates an instrument's content once (core/instruments/catalog.py): what is
remembered is only success, keyed by the content and the scorers that checked it, so a
changed file, or other scorers, are validated again and every error is still found."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencekit.core.errors import InstrumentError
from evidencekit.core.instruments import catalog, load_instrument

SHIPPED = Path(__file__).resolve().parents[2] / "instruments" / "checklists"


@pytest.fixture
def checklist(tmp_path: Path) -> Path:
    path = tmp_path / "casp-qualitative.yaml"
    path.write_text((SHIPPED / "casp-qualitative.yaml").read_text("utf-8"), "utf-8")
    return path


def test_valid_content_is_checked_once(checklist: Path, monkeypatch) -> None:
    calls: list[str] = []
    real = catalog.check_document

    def counting(doc, **kwargs):
        calls.append(doc.name)
        return real(doc, **kwargs)

    monkeypatch.setattr(catalog, "check_document", counting)
    monkeypatch.setattr(catalog, "_VALIDATED", set())
    first = load_instrument(checklist)
    second = load_instrument(checklist)
    assert len(calls) == 1
    assert first.id == second.id and first is not second  # each load builds its own object


def test_changed_content_is_validated_again(checklist: Path, monkeypatch) -> None:
    monkeypatch.setattr(catalog, "_VALIDATED", set())
    load_instrument(checklist)
    text = checklist.read_text("utf-8")
    # Same size, same file, same moment: only the content tells the two apart.
    checklist.write_text(text.replace("kind: checklist", "kind: checklisx", 1), "utf-8")
    with pytest.raises(InstrumentError) as raised:
        load_instrument(checklist)
    assert "$.kind" in "\n".join(raised.value.problems)


def test_other_scorers_validate_again(checklist: Path, monkeypatch) -> None:
    from evidencekit.core.instruments.scoring_blocks import scorers_of

    calls: list[object] = []
    real = catalog.check_document

    def counting(doc, **kwargs):
        calls.append(kwargs.get("scorers"))
        return real(doc, **kwargs)

    monkeypatch.setattr(catalog, "check_document", counting)
    monkeypatch.setattr(catalog, "_VALIDATED", set())
    builtin = scorers_of(None)
    load_instrument(checklist, scorers=builtin)
    load_instrument(checklist, scorers=builtin)
    assert len(calls) == 1
    without = {name: scorer for name, scorer in builtin.items() if name != "percentage-bands"}
    load_instrument(checklist, scorers=without)  # checked again: the scorers differ
    assert len(calls) == 2
    assert calls[1] is without
