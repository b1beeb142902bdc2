"""Where something of a document's report text is in the original document (a PDF page and
box, a Word paragraph or table cell, a web page's source line): the readers give every line
and cell one, and a finding on a document carries one (model.diagnostic.Diagnostic.origin),
shown in JSON as `origin` and in SARIF as `properties.origin`."""

from __future__ import annotations

from ..support.record import Record


class Origin(Record, frozen=True):
    """Where a finding (or one line or cell of a document's report text) is in the original
    document; 1-based numbers, None where they do not apply.

    PDF: `page`, `line` (the line among that page's extracted lines and table rows) and
    `bbox`: (x0, top, x1, bottom) in points on the page as shown (origin at its top left, y
    down, /Rotate applied: pdfplumber's convention), the union of the boxes of the characters
    the finding covers when they are known, else the box of its line or cell; a table cell adds
    `table` (its table on that page), `row` and `cell` (grid row and column). DOCX:
    `paragraph` (of the body, in document order) or `table`, `row`, `cell`. HTML: `line` and
    `column` (code points) of the element in the source.
    """

    page: int | None = None
    line: int | None = None
    column: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    bbox: tuple | None = None

    def describe(self) -> str:
        """The place in Chinese: 第3页第12行, 第3页第12行，表1第2行第4列, 第5段, 表2第3行第4列,
        第120行第7列 (an HTML source)."""
        table = ""
        if self.table is not None:
            table = f"表{self.table}"
            if self.row is not None:
                table += f"第{self.row}行"
            if self.cell is not None:
                table += f"第{self.cell}列"
        if self.page is not None:
            s = f"第{self.page}页" + (f"第{self.line}行" if self.line is not None else "")
            return f"{s}，{table}" if table else s
        if table:
            return table
        if self.paragraph is not None:
            return f"第{self.paragraph}段"
        if self.line is not None:
            return f"第{self.line}行" + (f"第{self.column}列" if self.column is not None else "")
        return ""

    def to_dict(self) -> dict:
        """The fields that are set (the JSON `origin` object; bbox as a list)."""
        out = {}
        for f in self._fields:
            v = getattr(self, f)
            if v is not None:
                out[f] = [round(x, 2) for x in v] if f == "bbox" else v
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "Origin":
        box = d.get("bbox")
        return cls(**{f: d.get(f) for f in cls._fields if f != "bbox"}, bbox=tuple(box) if box is not None else None)
