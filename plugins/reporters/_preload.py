"""What drawing a figure imports, imported ahead (``PipelineStep.preloads`` of the steps
that draw): matplotlib with the Agg backend, ``Figure``, text paths (the quality plots'
labels), pyplot (the synthesis plots'), and the backends saving SVG and PNG (Agg also
computes every figure's tight bounding box). Not the PDF backend: it imports fontTools'
subsetter, which only the one process saving a PDF needs. A private module (its name
starts with ``_``), so the plugin manager does not register it.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.backends.backend_agg  # noqa: E402
import matplotlib.backends.backend_svg  # noqa: E402
import matplotlib.figure  # noqa: E402
import matplotlib.pyplot  # noqa: E402
import matplotlib.textpath  # noqa: E402, F401
