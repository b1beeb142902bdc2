"""One classified line of a report: the unit every later station points back to."""

from __future__ import annotations

from ..support.record import Record


class Line(Record):
    """One classified line. A crawl line may be unfolded into several of these (see parsing/unfold.py):
    then `col` is where this piece starts on the physical line."""

    kind: str
    text: str  # without the line end
    lineno: int  # 1-based physical line
    col: int = 0  # 0-based code-point offset of text[0] on the physical line
