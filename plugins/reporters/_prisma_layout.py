"""The PRISMA 2020 flow diagram laid out in points, with every text measured.

Pure geometry, no drawing: each box gets its lines of text wrapped to the
box's width using the font's real advance widths (matplotlib's ``TextToPath``,
the same font the figure is drawn with), and its height from the number of
lines. So text fits its box by construction, whatever the source names and
exclusion reasons are; :mod:`.prisma_diagram` only draws what is laid out here.

Coordinates: points (1/72 inch), x to the right, y downwards from the top.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FONT = "DejaVu Sans"  # ships with matplotlib: the same metrics on every machine
SIZE = 8.0
TITLE_SIZE = 8.5
LINE = 1.3  # line height, in font sizes
PAD = 6.0  # inner padding of a box
INDENT = 9.0  # per indent level
HANG = 8.0  # extra indent of a wrapped continuation line
PHASE_W = 20.0  # the blue phase bars on the left
GAP_X = 26.0  # between a main box and its side box (the arrow)
GAP_COL = 24.0  # between the two columns
GAP_Y = 16.0  # between rows (the arrows)
MAIN_W = 150.0
SIDE_W = 172.0


@dataclass
class Box:
    """A box: its lines (text, x offset from the box's left edge), its place and size."""

    key: str
    lines: list[tuple[str, float]]
    width: float
    size: float = SIZE
    bold: bool = False
    style: str = "box"  # box | title-dbr | title-other | phase
    x: float = 0.0
    y: float = 0.0
    height: float = 0.0
    centred: bool = False

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def mid_x(self) -> float:
        return self.x + self.width / 2

    @property
    def mid_y(self) -> float:
        return self.y + self.height / 2


@dataclass
class Layout:
    """Every box and arrow of one diagram, and the figure's size in points."""

    width: float
    height: float
    boxes: dict[str, Box] = field(default_factory=dict)
    arrows: list[list[tuple[float, float]]] = field(default_factory=list)


def text_width(size: float, bold: bool = False) -> Callable[[str], float]:
    """A function giving a string's advance width in points at ``size``."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
    engine = TextToPath()
    cache: dict[str, float] = {}

    def width(text: str) -> float:
        if text not in cache:
            cache[text] = engine.get_text_width_height_descent(text, prop, ismath=False)[0]
        return cache[text]

    return width


def wrap(text: str, avail: float, width: Callable[[str], float]) -> list[str]:
    """``text`` broken into lines no wider than ``avail`` points (words first, then letters)."""
    lines: list[str] = []
    current = ""
    # Split on plain spaces only: "(n\u00a0=\u00a01,412)" never breaks across lines.
    for word in (w for w in text.split(" ") if w):
        trial = f"{current} {word}" if current else word
        if width(trial) <= avail:
            current = trial
            continue
        if current:
            lines.append(current)
        current = ""
        while width(word) > avail:  # a single word too long for the box: split it
            cut = len(word) - 1
            while cut > 1 and width(word[:cut] + "-") > avail:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


def make_box(
    key: str,
    items: list[tuple[str, int]],
    width: float,
    *,
    size: float = SIZE,
    bold: bool = False,
    style: str = "box",
    centred: bool = False,
) -> Box:
    """A box of ``width`` holding ``items`` (text, indent level), wrapped and measured."""
    measure = text_width(size, bold)
    lines: list[tuple[str, float]] = []
    for text, level in items:
        offset = PAD + level * INDENT
        for i, line in enumerate(
            wrap(text, width - offset - PAD - (HANG if level else 0), measure)
        ):
            lines.append((line, offset + (HANG if i and level else 0)))
    if centred:
        lines = [(line, (width - measure(line)) / 2) for line, _ in lines]
    height = 2 * PAD + len(lines) * size * LINE
    return Box(key, lines, width, size, bold, style, height=height, centred=centred)


def _n(value: int) -> str:
    return f"(n\u00a0=\u00a0{value:,})"


def _identified(counts: Any, kinds: list[tuple[str, str]]) -> list[tuple[str, int]]:
    items: list[tuple[str, int]] = [("Records identified from:", 0)]
    for kind, label in kinds:
        sources = [s for s in counts.sources if s.kind == kind]
        if not sources and kind not in ("database", "register"):
            continue
        items.append((f"{label} {_n(counts.kind_total(kind))}", 1))
        if len(sources) > 1 or (sources and sources[0].name.casefold() != label.casefold()):
            items += [(f"{s.name} {_n(s.records)}", 2) for s in sources]
    return items


def _excluded(flow: Any) -> list[tuple[str, int]]:
    items = [
        (
            f"Reports excluded {_n(flow.excluded_total)}"
            if not flow.excluded
            else "Reports excluded:",
            0,
        )
    ]
    items += [(f"{r.reason or 'No reason given'} {_n(r.n)}", 1) for r in flow.excluded]
    return items


def layout(counts: Any) -> Layout:
    """Place every box and arrow of the PRISMA 2020 diagram of ``counts``."""
    from evidencekit.core.prisma.counts import OTHER_KINDS

    other = counts.other_methods_used
    b: dict[str, Box] = {}
    b["ident"] = make_box(
        "ident", _identified(counts, [("database", "Databases"), ("register", "Registers")]), MAIN_W
    )
    b["removed"] = make_box(
        "removed",
        [
            ("Records removed before screening:", 0),
            (f"Duplicate records removed {_n(counts.duplicates)}", 1),
            (
                f"Records marked as ineligible by automation tools {_n(counts.excluded_automatic)}",
                1,
            ),
            (f"Records removed for other reasons {_n(counts.excluded_other)}", 1),
        ],
        SIDE_W,
    )
    b["screened"] = make_box(
        "screened", [(f"Records screened {_n(counts.records_screened)}", 0)], MAIN_W
    )
    b["excluded"] = make_box(
        "excluded", [(f"Records excluded {_n(counts.records_excluded)}", 0)], SIDE_W
    )
    for side, flow in (("dbr", counts.dbr), ("other", counts.other)):
        if side == "other" and not other:
            continue
        b[f"{side}-sought"] = make_box(
            f"{side}-sought", [(f"Reports sought for retrieval {_n(flow.sought)}", 0)], MAIN_W
        )
        b[f"{side}-notretrieved"] = make_box(
            f"{side}-notretrieved", [(f"Reports not retrieved {_n(flow.not_retrieved)}", 0)], SIDE_W
        )
        b[f"{side}-assessed"] = make_box(
            f"{side}-assessed",
            [(f"Reports assessed for eligibility {_n(flow.assessed)}", 0)],
            MAIN_W,
        )
        b[f"{side}-excluded"] = make_box(f"{side}-excluded", _excluded(flow), SIDE_W)
    b["included"] = make_box(
        "included",
        [
            (f"Studies included in review {_n(counts.new_studies)}", 0),
            (f"Reports of included studies {_n(counts.new_reports)}", 0),
        ],
        MAIN_W,
    )
    if other:
        b["other-ident"] = make_box(
            "other-ident", _identified(counts, list(OTHER_KINDS.items())), MAIN_W
        )

    # Columns: phase bar | main (A) | side (B) [| main (C) | side (D)]
    xa = PHASE_W + 8.0
    xb = xa + MAIN_W + GAP_X
    xc = xb + SIDE_W + GAP_COL
    xd = xc + MAIN_W + GAP_X
    width = (xd + SIDE_W) if other else (xb + SIDE_W)
    titles = [
        make_box(
            "title-dbr",
            [("Identification of new studies via databases and registers", 0)],
            xb + SIDE_W - xa,
            size=TITLE_SIZE,
            bold=True,
            style="title-dbr",
            centred=True,
        )
    ]
    if other:
        titles.append(
            make_box(
                "title-other",
                [("Identification of new studies via other methods", 0)],
                xd + SIDE_W - xc,
                size=TITLE_SIZE,
                bold=True,
                style="title-other",
                centred=True,
            )
        )
    for box in titles:
        b[box.key] = box
    b["title-dbr"].x = xa
    if other:
        b["title-other"].x = xc
    rows = [
        ["title-dbr", "title-other"],
        ["ident", "removed", "other-ident"],
        ["screened", "excluded"],
        ["dbr-sought", "dbr-notretrieved", "other-sought", "other-notretrieved"],
        ["dbr-assessed", "dbr-excluded", "other-assessed", "other-excluded"],
        ["included"],
    ]
    x_of = {
        "ident": xa,
        "screened": xa,
        "dbr-sought": xa,
        "dbr-assessed": xa,
        "included": xa,
        "removed": xb,
        "excluded": xb,
        "dbr-notretrieved": xb,
        "dbr-excluded": xb,
        "other-ident": xc,
        "other-sought": xc,
        "other-assessed": xc,
        "other-notretrieved": xd,
        "other-excluded": xd,
    }
    phase_measure = text_width(TITLE_SIZE, True)
    # Rows whose phase label stands beside them alone (Screening spans three rows and
    # always has room); the rotated label must fit the row's height.
    phase_of = {1: "Identification", 5: "Included"}
    y = 4.0
    row_span: list[tuple[float, float]] = []
    for index, keys in enumerate(rows):
        present = [b[k] for k in keys if k in b]
        row_h = max(box.height for box in present)
        if index in phase_of:
            row_h = max(row_h, phase_measure(phase_of[index]) + 2 * PAD)
        for box in present:
            # Boxes of a row share its height, as in the PRISMA 2020 template; their text
            # is centred vertically (drawn so), and arrows meet them at the row's middle.
            box.x = x_of.get(box.key, box.x)
            box.y = y
            box.height = row_h
        row_span.append((y, y + row_h))
        y += row_h + (GAP_Y if index else 8.0)
    height = y - GAP_Y + 4.0

    spans = {
        "Identification": (row_span[1][0], row_span[1][1]),
        "Screening": (row_span[2][0], row_span[4][1]),
        "Included": (row_span[5][0], row_span[5][1]),
    }
    for name, (top, bottom) in spans.items():
        box = Box(
            f"phase-{name}",
            [(name, 0.0)],
            PHASE_W,
            TITLE_SIZE,
            True,
            "phase",
            x=0.0,
            y=top,
            height=bottom - top,
        )
        b[box.key] = box

    out = Layout(width=width + 4.0, height=height, boxes=b)

    def down(a: str, c: str) -> None:
        out.arrows.append([(b[a].mid_x, b[a].bottom), (b[c].mid_x, b[c].y)])

    def across(a: str, c: str) -> None:
        yy = (max(b[a].y, b[c].y) + min(b[a].bottom, b[c].bottom)) / 2
        out.arrows.append([(b[a].right, yy), (b[c].x, yy)])

    down("ident", "screened")
    across("ident", "removed")
    across("screened", "excluded")
    down("screened", "dbr-sought")
    across("dbr-sought", "dbr-notretrieved")
    down("dbr-sought", "dbr-assessed")
    across("dbr-assessed", "dbr-excluded")
    down("dbr-assessed", "included")
    if other:
        down("other-ident", "other-sought")
        across("other-sought", "other-notretrieved")
        down("other-sought", "other-assessed")
        across("other-assessed", "other-excluded")
        inc = b["included"]
        start = b["other-assessed"]
        out.arrows.append(
            [(start.mid_x, start.bottom), (start.mid_x, inc.mid_y), (inc.right, inc.mid_y)]
        )
    return out


def overlaps(lay: Layout) -> list[tuple[str, str]]:
    """Pairs of boxes that overlap (none should): a check for the tests."""
    keys = sorted(lay.boxes)
    found = []
    for i, a in enumerate(keys):
        for c in keys[i + 1 :]:
            p, q = lay.boxes[a], lay.boxes[c]
            if p.x < q.right and q.x < p.right and p.y < q.bottom and q.y < p.bottom:
                found.append((a, c))
    return found
