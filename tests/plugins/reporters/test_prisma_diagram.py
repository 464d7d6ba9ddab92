"""The PRISMA diagram: files written atomically, sane sizes, text inside its boxes."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from evidencekit.core.prisma import PrismaCounts, ReasonCount, ReportFlow, SourceCount
from evidencekit.plugins.reporters._prisma_layout import PAD, layout, overlaps, text_width
from evidencekit.plugins.reporters.prisma_diagram import PrismaDiagram, draw

DATABASES_ONLY = PrismaCounts(
    sources=(SourceCount("MEDLINE", "database", 1412), SourceCount("Embase", "database", 1620)),
    duplicates=1210,
    excluded_automatic=20,
    records_screened=1802,
    records_excluded=1700,
    dbr=ReportFlow(
        sought=102,
        not_retrieved=2,
        assessed=100,
        included=40,
        excluded=(ReasonCount("wrong population", 60),),
    ),
    new_studies=38,
    new_reports=40,
)

LONG = "Forward and backward citation tracking of every included study's reference list"
WITH_OTHER = PrismaCounts(
    sources=(
        SourceCount("MEDLINE (Ovid) 1946 to July week 2 2018", "database", 1412),
        SourceCount("Embase Classic + Embase 1947 to 2018 July 16", "database", 1620),
        SourceCount("Cochrane Central Register of Controlled Trials", "register", 91),
        SourceCount("Peer support organisations' websites ($ and & signs)", "website", 22),
        SourceCount(LONG, "citations", 64),
        SourceCount("Experts", "expert", 5),
    ),
    duplicates=1300,
    records_screened=1823,
    records_excluded=1700,
    dbr=ReportFlow(
        sought=123,
        not_retrieved=3,
        assessed=120,
        included=44,
        excluded=(
            ReasonCount(
                "wrong population (not people with mental health problems or not peer "
                "support workers)",
                52,
            ),
            ReasonCount("no influences on implementation reported", 24),
        ),
    ),
    other=ReportFlow(
        sought=19,
        not_retrieved=2,
        assessed=17,
        included=9,
        excluded=(ReasonCount("wrong intervention", 8),),
    ),
    new_studies=50,
    new_reports=53,
)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("counts,columns", [(DATABASES_ONLY, 1), (WITH_OTHER, 2)])
def test_files_written_with_sane_sizes(tmp_path, counts, columns):
    paths = PrismaDiagram().render(counts, tmp_path, {})
    assert sorted(p.name for p in paths) == ["prisma.pdf", "prisma.png", "prisma.svg"]
    width, height = png_size(tmp_path / "prisma.png")
    # 200 dpi: about 5 x 5 inches for one column, 10 x 7 for two
    assert 800 < width < (1400 if columns == 1 else 2400) and 700 < height < 2200
    assert (tmp_path / "prisma.pdf").read_bytes()[:5] == b"%PDF-"
    ET.parse(tmp_path / "prisma.svg")  # well-formed XML
    assert not list(tmp_path.glob(".*.tmp"))


def test_pdf_embeds_each_face_once_as_truetype(tmp_path):
    # "Identification" and "identified" hold "fi": with ligatures each face would be
    # embedded (and subset) twice, once for the ligature glyph
    PrismaDiagram().render(WITH_OTHER, tmp_path, {"formats": ["pdf"]})
    pdf = (tmp_path / "prisma.pdf").read_bytes()
    faces = sorted(
        {name.split(b"+", 1)[1] for name in re.findall(rb"/BaseFont /([A-Za-z+-]+)", pdf)}
    )
    assert faces == [b"DejaVuSans", b"DejaVuSans-Bold"]
    assert len(set(re.findall(rb"/BaseFont /([A-Za-z+-]+)", pdf))) == 2  # one subset each
    assert b"/FontFile2" in pdf  # TrueType (pdf.fonttype 42), not Type 3


def test_second_column_only_with_other_methods():
    assert "title-other" not in layout(DATABASES_ONLY).boxes
    boxes = layout(WITH_OTHER).boxes
    assert {"title-other", "other-ident", "other-sought", "other-excluded"} <= set(boxes)


@pytest.mark.parametrize("counts", [DATABASES_ONLY, WITH_OTHER])
def test_boxes_never_overlap_and_measured_text_fits(counts):
    lay = layout(counts)
    assert overlaps(lay) == []
    for box in lay.boxes.values():
        if box.style == "phase":
            assert text_width(box.size, True)(box.lines[0][0]) <= box.height - PAD
            continue
        measure = text_width(box.size, box.bold)
        for line, offset in box.lines:
            assert offset + measure(line) <= box.width - PAD + 1e-6, (box.key, line)
        assert box.height >= len(box.lines) * box.size * 1.3
    text = " ".join(line for box in lay.boxes.values() for line, _ in box.lines)
    assert "(n\u00a0=\u00a01,412)" in text  # a count never breaks across lines
    if counts is WITH_OTHER:
        assert "Experts (n\u00a0=\u00a05)" in text


def test_drawn_text_lies_inside_its_box():
    # what matplotlib actually draws, measured by its renderer, not by our layout
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = draw(WITH_OTHER)
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    rects = [p.get_window_extent(renderer) for p in ax.patches if type(p).__name__ == "Rectangle"]
    assert len(ax.texts) > 40
    for text in ax.texts:
        bbox = text.get_window_extent(renderer)
        assert any(
            r.x0 <= bbox.x0 and bbox.x1 <= r.x1 and r.y0 <= bbox.y0 and bbox.y1 <= r.y1
            for r in rects
        ), text.get_text()


def test_renders_from_plain_data_and_chosen_formats(tmp_path):
    paths = PrismaDiagram().render(
        WITH_OTHER.to_dict(), tmp_path, {"formats": ["png"], "name": "flow", "dpi": 100}
    )
    assert [p.name for p in paths] == ["flow.png"]
    assert png_size(paths[0])[0] > 600


def test_a_failing_render_writes_nothing(tmp_path):
    (tmp_path / "prisma.png").write_bytes(b"old")
    with pytest.raises(TypeError, match="PrismaCounts"):
        PrismaDiagram().render(["not", "counts"], tmp_path, {})
    assert (tmp_path / "prisma.png").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prisma.png"]
