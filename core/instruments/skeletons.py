"""Starting points for new instruments: ``evidencekit instruments new KIND ID``.

Each skeleton is the smallest instrument of its kind that validates, with
comments saying what to change. The tests load every skeleton through the same
validation as any instrument file.
"""

from __future__ import annotations

import re

from evidencekit.core.errors import InstrumentError

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

_SOURCE = """\
source:
  # Where the instrument comes from, and the licence of its wording. Keep both accurate:
  # a review's report cites them.
  citation: TODO author(s), year, title, journal or publisher
  url: https://example.org/TODO
  licence: TODO licence of this text (e.g. CC BY 4.0, or MIT if the wording is your own)
"""

_HEADER = """\
# {title}: a new {kind}. See docs/instruments.md for every field.
# Check it with: evidencekit instruments validate {id}.yaml
kind: {kind}
id: {id}
# Quote the version so YAML keeps it as text ("2018", "1.0"). Change it whenever the
# wording or the scoring changes; reviews pin the version they used.
version: "0.1"
title: {title}
"""

_BODIES = {
    "checklist": """\
design: TODO study design this checklist appraises (e.g. qualitative)
# Named lists of answers; items refer to one with 'answers: NAME'.
# Quote "yes" and "no": unquoted, YAML reads them as true and false.
answer_sets:
  yes-cant-tell-no:
    - {code: "yes", label: "Yes"}
    - {code: cant_tell, label: "Can't tell"}
    - {code: "no", label: "No"}
sections:
  - {id: validity, title: TODO section title}
items:
  - id: q1
    number: 1
    section: validity
    text: TODO first question?
    screening: true          # a screening question ("is it worth continuing?")
    answers: yes-cant-tell-no
  - id: q2
    number: 2
    section: validity
    text: TODO a question answered in free text
    answer_type: text        # free text: not scored
    scored: false
scoring:
  method: percentage-bands   # the appraisal scorer that turns answers into a grade
  convention: TODO whose convention this is (a checklist may recommend no score at all)
  points: {"yes": 1, cant_tell: 0, "no": 0}   # every answer of a scored item needs points
  denominator: scored-items
  unanswered: zero           # or exclude: leave unanswered items out of the percentage
  bands:                     # best first; the last band starts at 0
    - {grade: good, min_percent: 60}
    - {grade: fair, min_percent: 45}
    - {grade: poor, min_percent: 0}
""",
    "framework": """\
# A flat list of entries (influences). To group them, use 'domains:' with 'entries:' inside
# each domain instead (see docs/instruments.md).
entries:
  - id: first-influence
    name: TODO name of the influence
    definition: TODO what it covers, in one or two sentences
    direction: facilitator-barrier   # or unclear
    facilitators: []                 # short descriptions, when known
    barriers: []
  - id: second-influence
    name: TODO name of the influence
    definition: TODO what it covers
""",
    "measure": """\
# The framework whose influences the items rate: replace with your own (ID or ID@VERSION).
framework: peer-support-influences
instructions: TODO what a rater is asked to do
items:
  - {id: first-item, number: 1, text: TODO first item, influence: organisational-culture}
  - {id: second-item, number: 2, text: TODO second item, influence: psw-training}
scale:
  min: 0
  max: 3
  anchors:
    0: TODO meaning of the lowest rating
    3: TODO meaning of the highest rating
scoring:
  method: sum
  total_min: 0      # number of items x scale minimum
  total_max: 6      # number of items x scale maximum
  missing:
    max_missing_items: 0   # a total needs every item rated
""",
    "form": """\
groups:
  - id: study
    label: Study
    fields:
      - {id: study_id, label: Study identifier, type: string, required: true}
      - id: design
        label: Study design
        type: choice
        required: true
        allowed: [TODO first design, TODO second design]
study_attributes: [design]   # fields that subgroup and sensitivity analyses group by
coded_influences:            # one row per influence coded in a study
  framework: peer-support-influences   # replace with your framework's ID
  columns:
    - {id: study_id, label: Study identifier, type: string, required: true}
    - {id: influence, label: Influence, type: string, required: true, values_from: framework}
    - id: direction
      label: Direction
      type: choice
      required: true
      allowed: [facilitator, barrier, unclear]
    - {id: evidence, label: Evidence, type: text}
""",
    "crosswalk": """\
# Replace with your frameworks ('ID' or 'ID@VERSION') and their entry ids.
from: peer-support-influences
to: cfir-2009
mappings:
  - {source: organisational-culture, target: inner-setting}
  - {source: psw-training, target: process, condition: TODO when the mapping holds}
""",
    "review": """\
# The review's own pipeline file. Pin the instrument versions the review uses.
instruments:
  casp-qualitative: "2018"
sources: []
steps: []
""",
}


def _scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as the same text (ids such as
    '0', '1.0' or 'yes' need quotes)."""
    import json

    import yaml

    return value if yaml.safe_load(value) == value else json.dumps(value)


#: Kinds ``skeleton`` can write.
SKELETON_KINDS = tuple(_BODIES)


def skeleton(kind: str, instrument_id: str) -> str:
    """YAML text of a minimal valid instrument of ``kind`` with id ``instrument_id``.

    Raises :class:`InstrumentError` for an unknown kind or an id that is not a
    lower-case identifier.
    """
    if kind not in _BODIES:
        raise InstrumentError(
            f"cannot write a skeleton of kind {kind!r}; kinds: {', '.join(SKELETON_KINDS)}"
        )
    if not _ID.match(instrument_id):
        raise InstrumentError(
            f"id {instrument_id!r} is not valid: use lower-case letters, "
            "digits, '.', '_' and '-', starting with a letter or digit"
        )
    title = "TODO " + instrument_id.replace("-", " ").replace("_", " ")
    text = _HEADER.format(kind=kind, id=_scalar(instrument_id), title=title)
    if kind != "review":
        text += _SOURCE
    return text + _BODIES[kind]
