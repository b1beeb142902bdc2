"""Kind `equation`: table arithmetic (勾稽关系) declared over the template's keys.

    each = "column", equation = "new + carried_over == result.total + carried_forward"

is checked once per column (names are row keys); `each = "row"` once per row (names are
column keys). A finding shows the equation with its numbers — `一+二 ≠ (七)+四:27 + 0 ≠
26 + 2(自然人列)` — sits on the first cell of the left side, and lists every cell involved as a
related location. Cells that could not be read (a row with a missing cell, digits that could
not be split) make the equation unknown, never wrong: table-shape rules report those.
"""

from __future__ import annotations

from ...model import templates
from ...model.diagnostic import Related
from ..equations import Equation, EquationError, Term, parse
from ...model.document import Document, Table
from .base import Checker, Param
from .common import table_name


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


class EquationCheck(Checker):
    kind = "equation"
    params = {
        "table": Param(str, choices=("active", "applications", "review")),
        "each": Param(str, choices=("row", "column")),
        "equation": Param(str),
        "only": Param(list, [], item=str, doc="glob patterns of the rows (each=row) or columns (each=column) to check"),
        "tolerance": Param(float, 0.0, doc="allowed difference (money columns)"),
    }
    fields = frozenset(
        {"table", "lhs", "rhs", "lhs_values", "rhs_values", "lhs_total", "rhs_total", "scope", "equation"}
    )

    def setup(self) -> None:
        try:
            self.eq: Equation = parse(self.p["equation"])
        except EquationError as exc:
            raise self.error("equation", str(exc)) from None
        # Every name must exist in at least one official format's template.
        known: set[str] = set()
        for fmt in templates.formats().values():
            t = fmt.tables[self.p["table"]]
            if self.p["each"] == "column":
                known.update(r.key for r in t.rows)
            else:
                known.update(c.key for g in t.groups for c in g.columns)
        for term in self.eq.terms:
            if term.kind == "name" and term.value not in known:
                raise self.error("equation", f"“{term.value}”不是{self.p['table']}表格模板中的键")
            if term.kind == "sum" and not term.keys(sorted(known)):
                raise self.error("equation", f"sum({term.value}) 匹配不到{self.p['table']}表格模板中的任何键")

    # -----------------------------------------------------------------------------------------

    def check(self, doc: Document):
        table = doc.tables.get(self.p["table"])
        if table is None or not table.cells:
            return
        failing = table._findings.get(self)  # by checker: another configuration may set other params
        if failing is None:
            failing = table._findings[self] = self._failing(table)
        for scope in failing:
            found = self._check_scope(doc, table, scope)
            if found is not None:
                yield found

    def _failing(self, table: Table) -> list[str]:
        """The scopes where the equation does not hold (or may not: _check_scope decides)."""
        tolerance = self.p["tolerance"] + 1e-9
        out = []
        for scope, left, right in self._plan(table):
            # Most equations hold: add up the cells first, build the finding only when they differ.
            lt = self._total(table, left)
            if lt is None:
                continue
            rt = self._total(table, right)
            if rt is None or abs(lt - rt) <= tolerance:
                continue
            out.append(scope)
        return out

    def unchecked(self, table: Table) -> list[tuple[str, list[tuple[str, str]]]]:
        """(scope, the cells that could not be read) for every scope whose equation could not
        be checked: a cell missing from the table or holding no number (a blank counts as 0).
        Kept on the table, like the failing scopes: an unchanged table is not asked again."""
        memo = table._findings.get((self, "unchecked"))
        if memo is not None:
            return memo
        out = []
        by_column = self.p["each"] == "column"
        for scope, left, right in self._plan(table):
            if self._total(table, left) is not None and self._total(table, right) is not None:
                continue
            if not by_column and table.is_covered(scope) and getattr(table.row_match(scope), "status", "absent") == "absent":
                continue  # a row the report may leave out (printed collapsed, or optional)
            lost = []
            for _sign, number, refs, named in (*left, *right):
                if number is not None:
                    continue
                for ref in refs:
                    cell = table.cells.get(ref)
                    if cell is None:
                        if not (self.p["each"] == "column" and table.is_covered(ref[0])):
                            lost.append(ref)
                    elif cell.value is None and cell.status != "blank":
                        lost.append(ref)
            out.append((scope, lost))
        table._findings[(self, "unchecked")] = out
        return out

    def _plan(self, table: Table) -> list:
        """Per scope, each side's terms as (sign, number, refs, named): the template keys
        resolved once per table template (they never change)."""
        memo = self.__dict__.setdefault("_plans", {})
        k = (table.template.format, table.key)
        if k not in memo:
            plan = []
            for scope in self.scopes(table):
                if self.p["each"] == "row" and table.template.row(scope) is None:
                    continue
                sides = []
                for terms in (self.eq.left, self.eq.right):
                    side = []
                    for term in terms:
                        if term.kind == "number":
                            side.append((term.sign, float(term.value) if "." in term.value else int(term.value), (), False))
                            continue
                        keys = self._keys(table, term, scope)
                        refs = tuple((key, scope) if self.p["each"] == "column" else (scope, key) for key in keys)
                        side.append((term.sign, None, refs, term.kind == "name"))
                    sides.append(tuple(side))
                plan.append((scope, sides[0], sides[1]))
            memo[k] = plan
        return memo[k]

    def _total(self, table: Table, side) -> float | int | None:
        """One side's sum from its plan, or None when a cell cannot be read (as in `_side`)."""
        total = 0
        for sign, number, refs, named in side:
            if number is not None:
                total += sign * number
                continue
            if named and not refs:
                return None
            v = self._sum(table, refs)
            if v is None:
                return None
            total += sign * v
        return total

    def _keys(self, table: Table, term: Term, scope: str) -> list[str]:
        """The template keys a term names in this scope (cached: templates never change)."""
        memo = self.__dict__.setdefault("_memo", {})
        k = (table.template.format, table.key, term, scope)
        if k not in memo:
            if self.p["each"] == "column":
                rows = [r.key for r in table.template.rows if any(c.key == scope for c in r.columns)]
            else:
                rt = table.template.row(scope)
                rows = [c.key for c in rt.columns] if rt else []
            memo[k] = term.keys(rows)
        return memo[k]

    def _refs(self, table: Table, term: Term, scope: str) -> list[tuple[str, str]] | None:
        """(row, column) cells of a term in this scope; None when the term cannot be evaluated."""
        by_column = self.p["each"] == "column"
        if not by_column and table.template.row(scope) is None:
            return None
        keys = self._keys(table, term, scope)
        if term.kind == "name" and not keys:
            return None
        return self._present(table, [(key, scope) if by_column else (scope, key) for key in keys])

    def _present(self, table: Table, refs) -> list[tuple[str, str]] | None:
        """The refs whose cells the table holds; None when one is missing — except, in a
        column, a row the report may leave out (see Table.is_covered)."""
        by_column = self.p["each"] == "column"
        out = []
        for ref in refs:
            if ref in table.cells:
                out.append(ref)
            elif not (by_column and table.is_covered(ref[0])):
                return None
        return out

    def _sum(self, table: Table, refs, counted: list | None = None) -> float | int | None:
        """The sum of a term's cells (each one added goes to `counted`, if given), or None
        when it cannot be read: a cell missing (see _present) or holding no number. A blank
        cell counts as nothing."""
        cells = table.cells
        total = 0
        for ref in refs:
            cell = cells.get(ref)
            if cell is None:
                if self._present(table, (ref,)) is None:
                    return None
                continue  # a row the report may leave out
            value = cell.value
            if value is None:
                if cell.status == "blank":
                    continue
                return None
            total += value
            if counted is not None:
                counted.append(cell)
        return total

    def _side(self, table: Table, terms: tuple[Term, ...], scope: str):
        """(labels, values, cells, total) of one side; labels are made only when asked for
        (a finding or a hover), as most equations hold."""
        values, cells, total, parts = [], [], 0, []
        for i, term in enumerate(terms):
            if term.kind == "number":
                v = float(term.value) if "." in term.value else int(term.value)
                refs: list = []
            else:
                refs = self._refs(table, term, scope)
                v = None if refs is None else self._sum(table, refs, cells)
                if v is None:
                    return None
            total += term.sign * v
            parts.append((i, term, refs))
            values.append(("- " if term.sign < 0 and i == 0 else "") + _fmt(v))
        return _Labels(self, table, parts), values, cells, total

    def _label(self, table: Table, term: Term, refs: list) -> str:
        if term.kind == "number":
            return term.value
        if self.p["each"] == "column":
            keys = [r for r, _ in refs] or [term.value]
            rts = [table.template.row(k) for k in keys if table.template.row(k)]
            if term.kind == "name" and rts:
                return rts[0].short
            parents = {rt.parent for rt in rts}
            if len(parents) == 1 and rts and rts[0].parent:
                parent = rts[0].parent
                return parent.split(")")[0] + ")" if ")" in parent else parent
            return "+".join(rt.short for rt in rts) or term.value
        keys = [c for _, c in refs] or [term.value]
        names = []
        for k in keys:
            for g in table.template.groups:
                for c in g.columns:
                    if c.key == k and c.short not in names:
                        names.append(c.short)
        return "+".join(names) or term.value

    def _blank_explains(self, table: Table, scope: str, l_total, r_total) -> bool:
        """True when one blank cell (read as 0) is all that breaks the equation: filling it with
        the missing non-negative amount would make it hold. The blank is then the finding
        (table-shape), not the arithmetic."""
        blanks = []
        for side, terms in ((1, self.eq.left), (-1, self.eq.right)):
            for term in terms:
                if term.kind == "number":
                    continue
                for ref in self._refs(table, term, scope) or []:
                    if table.cells[ref].status == "blank":
                        blanks.append(side * term.sign)
        if len(blanks) != 1:
            return False
        needed = (r_total - l_total) * blanks[0]
        return needed >= 0

    def scopes(self, table: Table) -> list[str]:
        import fnmatch

        if self.p["each"] == "column":
            out = []
            for g in table.template.groups:
                for c in g.columns:
                    if c.key not in out:
                        out.append(c.key)
        else:
            out = [r.key for r in table.template.rows]
        only = self.p["only"]
        if only:
            out = [s for s in out if any(fnmatch.fnmatchcase(s, p) for p in only)]
        return out

    def evaluate(self, table: Table, scope: str):
        """(left, right) sides in this scope — each (labels, values, cells, total) — or None
        when a cell cannot be read. Used for findings, hovers and inlay hints."""
        left = self._side(table, self.eq.left, scope)
        right = self._side(table, self.eq.right, scope)
        if left is None or right is None:
            return None
        return left, right

    def explain(self, table: Table, scope: str) -> str | None:
        """The equation in this scope with its numbers, e.g. `总计 = 自然人+… : 27 = 25 + 2`."""
        sides = self.evaluate(table, scope)
        if sides is None:
            return None
        (ll, lv, _, lt), (rl, rv, _, rt) = sides
        ok = abs(lt - rt) <= self.p["tolerance"] + 1e-9
        sign = "=" if ok else "≠"
        return f"{''.join(ll)} {sign} {''.join(rl)}:{' + '.join(lv)} {sign} {' + '.join(rv)}" + ("" if ok else f"（差 {_fmt(lt - rt)}）")

    def _check_scope(self, doc: Document, table: Table, scope: str):
        sides = self.evaluate(table, scope)
        if sides is None:
            return None
        left, right = sides
        l_labels, l_values, l_cells, l_total = left
        r_labels, r_values, r_cells, r_total = right
        if not l_cells and not r_cells:
            return None
        if abs(l_total - r_total) <= self.p["tolerance"] + 1e-9:
            return None
        if self._blank_explains(table, scope, l_total, r_total):
            return None
        if self.p["each"] == "column":
            ct = next((c for g in table.template.groups for c in g.columns if c.key == scope), None)
            scope_text = f"{ct.short if ct else scope}列"
        else:
            rt = table.template.row(scope)
            scope_text = rt.short if rt else scope
        anchor = (l_cells or r_cells)[0]
        related = []
        seen = set()
        for cell in l_cells + r_cells:
            if id(cell) in seen:
                continue
            seen.add(id(cell))
            rt = table.template.row(cell.row)
            ct = table.column_template(cell.row, cell.column)
            related.append(Related(cell.span, f"{rt.short if rt else cell.row} {ct.short if ct else cell.column} = {cell.raw or 0}"))
        return self.diag(
            doc,
            anchor.span,
            related=related,
            table=table_name(table.key),
            lhs="".join(l_labels),
            rhs="".join(r_labels),
            lhs_values=" + ".join(l_values).replace("+ -", "- "),
            rhs_values=" + ".join(r_values).replace("+ -", "- "),
            lhs_total=_fmt(l_total),
            rhs_total=_fmt(r_total),
            scope=scope_text,
            equation=self.eq.text,
        )


class _Labels:
    """The labels of one side of an equation, computed on first use."""

    __slots__ = ("checker", "table", "parts", "_items")

    def __init__(self, checker: EquationCheck, table: Table, parts: list):
        self.checker, self.table, self.parts, self._items = checker, table, parts, None

    def _get(self) -> list[str]:
        if self._items is None:
            out = []
            for i, term, refs in self.parts:
                label = self.checker._label(self.table, term, refs)
                prefix = "" if i == 0 and term.sign > 0 else ("-" if term.sign < 0 else "+")
                out.append(prefix + label)
            self._items = out
        return self._items

    def __iter__(self):
        return iter(self._get())


CHECKERS = (EquationCheck,)
