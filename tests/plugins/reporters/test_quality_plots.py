"""Quality plots: rendered for 65 studies, sizes checked, every study label in the SVG."""

from __future__ import annotations

import struct
from html import escape
from pathlib import Path

import pytest

from evidencekit.plugins.reporters.quality_plots import QualityPlots

LEVELS = ["favourable", "unclear", "unfavourable", "unanswered"]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def report(n_casp: int, n_rob: int) -> dict:
    studies = []
    for i in range(n_casp):
        levels = {f"Q{q}": LEVELS[(i + q) % 4] for q in range(1, 10)}
        grade = ["good", "fair", "poor"][i % 3]
        studies.append(
            {
                "study_id": f"Author{i:02d} et al. 20{i % 20:02d}",
                "checklist": "casp-qualitative",
                "grade": grade,
                "details": {"levels": levels, "grades": ["good", "fair", "poor"]},
            }
        )
    for i in range(n_rob):
        levels = {f"D{d}": LEVELS[(i * d) % 3] for d in range(1, 6)}
        studies.append(
            {
                "study_id": f"Trial {i}",
                "checklist": "rob2-parallel",
                "grade": "some-concerns",
                "details": {
                    "levels": levels,
                    "grade_level": "unclear",
                    "grades": ["low", "some-concerns", "high"],
                },
            }
        )
    # labels that need escaping in SVG and in matplotlib's mathtext
    studies[0]["study_id"] = "O'Brien & <Smith> $2010$"
    return {
        "studies": studies,
        "checklists": {
            "casp-qualitative": {"title": "CASP Qualitative"},
            "rob2-parallel": {"title": "RoB 2"},
        },
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("plots")
    results = report(58, 7)
    paths = QualityPlots().render(results, out, {"dpi": 100})
    return results, out, paths


def test_files_written(rendered):
    _, out, paths = rendered
    assert sorted(p.name for p in paths) == [
        "quality-summary.png",
        "quality-summary.svg",
        "quality-traffic-light.png",
        "quality-traffic-light.svg",
    ]
    for path in paths:
        assert path.stat().st_size > 10_000
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary file


def test_every_study_label_is_in_the_svg(rendered):
    results, out, _ = rendered
    svg = (out / "quality-traffic-light.svg").read_text("utf-8")
    for study in results["studies"]:
        label = study["study_id"]
        assert escape(label, quote=False) in svg or escape(label) in svg, label
    assert "Q9" in svg and "D5" in svg and "Grade" in svg


def test_traffic_light_grows_with_the_number_of_studies(rendered, tmp_path):
    _, out, _ = rendered
    width, height = png_size(out / "quality-traffic-light.png")
    # 65 rows at 0.2 inch and 100 dpi are at least 1300 px, plus headers and legend
    assert height >= 65 * 0.2 * 100
    assert 300 <= width <= 1200
    small = QualityPlots().render(
        report(5, 0), tmp_path, {"dpi": 100, "formats": ["png"], "plots": ["traffic-light"]}
    )
    _, small_height = png_size(small[0])
    assert small_height < height / 4
    summary_w, summary_h = png_size(out / "quality-summary.png")
    assert summary_w > 500 and summary_h > 400


def test_nothing_to_plot(tmp_path):
    from evidencekit.core.errors import EvidencekitError

    with pytest.raises(EvidencekitError, match="nothing to plot"):
        QualityPlots().render({"studies": []}, tmp_path, {})


def test_plugin_module_does_not_import_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys, evidencekit.plugins.reporters.quality_plots, "
        "evidencekit.plugins.appraisal.percentage_bands, "
        "evidencekit.plugins.appraisal.domain_judgement\n"
        "print('matplotlib' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
