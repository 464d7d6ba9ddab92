"""Every crafted invalid instrument is rejected with the right file, line and JSON path.

Each file under ``invalid/<kind>/`` starts with one ``# expect: FILE:LINE: $.path: text``
comment per error it must produce. The test checks that each expected fragment appears
in an error line, that there are exactly as many errors as expectations (so one mistake
gives one clear line, not a cascade), and that every error has the one-line
``file:LINE: ...`` form.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evidencekit.core.instruments.catalog import validate_paths

INVALID = Path(__file__).resolve().parent / "invalid"
FILES = sorted(INVALID.glob("*/*.yaml"))
EXPECT = re.compile(r"^# expect: (.+)$")
ERROR_LINE = re.compile(r"^\S+\.yaml:\d+: .+$")


def expectations(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = EXPECT.match(line)
        if not match:
            break
        out.append(match.group(1))
    return out


def test_every_kind_has_invalid_examples() -> None:
    kinds = {p.parent.name for p in FILES}
    assert {"checklist", "framework", "measure", "form", "crosswalk", "review", "general"} <= kinds


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_invalid_instrument_is_rejected_where_it_is_wrong(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path} has no leading '# expect:' comment"
    count, problems = validate_paths([path])
    assert count == 1
    # Errors name the file as given; compare with the file name only.
    shown = [p.replace(str(path.parent) + "/", "") for p in problems]
    for fragment in expected:
        assert any(fragment in line for line in shown), (
            f"expected {fragment!r} among:\n" + "\n".join(shown)
        )
    assert len(shown) == len(expected), "unexpected extra errors:\n" + "\n".join(shown)
    for line in problems:
        assert "\n" not in line
        assert ERROR_LINE.match(line), line
        assert "Traceback" not in line
