"""Machine formats for CI: SARIF 2.1.0 (code scanning), GitHub workflow annotations, JUnit XML.

Like the other formats (see output.py) each lists at most MAX_PER_RULE findings of one rule
in one file and a note for the rest. What they print is valid in its own syntax whatever
the file names hold: SARIF is UTF-8 JSON (a name with bytes that are not UTF-8 or with
control characters becomes a percent-encoded URI), JUnit well-formed XML (characters XML
forbids are written as escapes like `\\x1b`), annotations carry no control characters.
"""

from __future__ import annotations

import json
import os
import re
from xml.sax.saxutils import escape, quoteattr

from .. import __version__
from ..model.diagnostic import SEVERITY_RANK, Diagnostic
from ..reading.files import printable
from ..support.resources import rule_doc_uri
from .output import capped_diagnostics, json_safe, with_place

# what XML 1.0 forbids (and C1 controls, which it discourages), as `printable` shows them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# what a URI cannot carry as it is: a name with these is percent-encoded (its bytes)
_NOT_URI = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _xml(text: str) -> str:
    """`text` without characters XML cannot hold (each shown as its escape)."""
    if _NOT_XML.search(text) is None:
        return text
    return _NOT_XML.sub(_xml_escape, text)


def _xml_escape(m: re.Match) -> str:
    c = m.group(0)
    shown = printable(c)
    return shown if shown != c else f"\\u{ord(c):04x}"


SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
INFO_URI = "https://pypi.org/project/xxgk-lint/"


def _uri(path: str) -> str:
    if _NOT_URI.search(path) is not None:
        from urllib.parse import quote

        path = quote(os.fsencode(path), safe="/\\:")  # the name's own bytes, %XX each
    p = path.replace(os.sep, "/")
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path)
            if not rel.startswith(".."):
                return rel.replace(os.sep, "/")
        except ValueError:
            pass
        return "file://" + (p if p.startswith("/") else "/" + p)
    return p


def _region(span) -> dict:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line, "endColumn": span.end_column}


def _source_position(origin) -> tuple[int, int | None] | None:
    """(line, column) in the original's own text, for a web page (its HTML source); None for
    text (the span is already the original's) and for PDF and Word, which are not text."""
    if origin is None or origin.page is not None or origin.line is None:
        return None
    return origin.line, origin.column


def _original_region(span, origin) -> dict:
    """A finding's SARIF region on the file it names (artifactLocation: the original).

    Text and Markdown: the span. A web page: the element's start in the HTML source (the
    report text's lines are not the page's). A PDF: the span of the report text read from it,
    as JSON gives it (GitHub code scanning needs a startLine, and SARIF has no pages), with the
    page and the characters' box on the original in the region's properties. Word: the report
    text's span (the place, paragraph or table cell, is in the result's properties)."""
    source = _source_position(origin)
    if source is not None:
        line, column = source
        return {"startLine": line, "startColumn": column} if column is not None else {"startLine": line}
    region = _region(span)
    if origin is not None and origin.page is not None:
        props = {"page": origin.page}
        if origin.bbox is not None:
            props["bbox"] = origin.to_dict()["bbox"]
        region["properties"] = props
    return region


def _fenced(text: str) -> str:
    """`text` as a Markdown code block, its fence longer than any run of backquotes inside."""
    runs = [len(m) for m in re.findall(r"`+", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}text\n{text}\n{fence}"


def _rule_help(rule, uri: str) -> dict:
    """A rule's help: its description and first examples, as plain text and as Markdown (with
    a link to its page in the rule reference when there is one)."""
    text, markdown = [rule.description], [rule.description]
    for ex in rule.examples[:2]:
        for label, sample in (("有问题", ex.bad), ("正确", ex.good)):
            if sample:
                text.append(f"{label}:\n{sample.strip()}")
                markdown.append(f"**{label}**\n\n{_fenced(sample.strip())}")
    if uri:
        markdown.append(f"[规则说明]({uri})")
    return {"text": "\n\n".join(text), "markdown": "\n\n".join(markdown)}


def sarif(diags: list[Diagnostic], rules: list) -> str:
    """A SARIF 2.1.0 log: the rules run (with descriptions and help) and every result."""
    index = {r.id: i for i, r in enumerate(rules)}
    driver_rules = []
    for r in rules:
        descriptor = {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.message.split("{")[0].rstrip("“:,") or r.name},
            "fullDescription": {"text": r.description},
        }
        help_uri = rule_doc_uri(r.id)
        if help_uri:
            descriptor["helpUri"] = help_uri
        descriptor["help"] = _rule_help(r, help_uri)
        descriptor["defaultConfiguration"] = {"level": SARIF_LEVEL[r.severity]}
        descriptor["properties"] = {"category": r.category, "tags": [r.category]}
        driver_rules.append(descriptor)
    results = []
    for d in capped_diagnostics(diags):
        loc = {"physicalLocation": {"artifactLocation": {"uri": _uri(d.path)}, "region": _original_region(d.span, d.origin)}}
        res = {
            "ruleId": d.rule,
            "level": SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [loc],
        }
        if d.rule in index:
            res["ruleIndex"] = index[d.rule]
        if d.related:
            res["relatedLocations"] = [
                {
                    "id": k,
                    "physicalLocation": {"artifactLocation": {"uri": _uri(d.path)}, "region": _original_region(r.span, r.origin)},
                    "message": {"text": r.message},
                    **({"properties": {"origin": r.origin.to_dict()}} if r.origin is not None else {}),
                }
                for k, r in enumerate(d.related)
            ]
        if d.origin is not None:
            # where it is in the original document: a PDF's page, line and box, a Word
            # paragraph or table cell, a web page's source line (see Diagnostic.origin)
            res["properties"] = {"origin": d.origin.to_dict()}
        if d.fix is not None and d.origin is None:  # (a document is not fixed: its edits are the report text's)
            res["fixes"] = [
                {
                    "description": {"text": d.fix.message},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(d.path)},
                            "replacements": [
                                {"deletedRegion": _region(e.span), "insertedContent": {"text": e.new_text}} for e in d.fix.edits
                            ],
                        }
                    ],
                }
            ]
        results.append(res)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "xxgk-lint", "version": __version__, "informationUri": INFO_URI, "rules": driver_rules}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json_safe(json.dumps(log, ensure_ascii=False, indent=2))


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return printable(text)  # other control characters (ESC …) never reach the log


def github(diags: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    kind = {"error": "error", "warning": "warning", "info": "notice"}
    out = []
    for d in capped_diagnostics(diags):
        s = d.span
        source = _source_position(d.origin)
        if source is not None:  # a web page: the annotation on its HTML source
            where = f"line={source[0]}" + (f",col={source[1]}" if source[1] is not None else "")
        else:
            where = f"line={s.line},col={s.column},endLine={s.end_line},endColumn={s.end_column}"
        props = f"file={_gh_escape(d.path, True)},{where},title={_gh_escape(d.rule + ' ' + d.name, True)}"
        out.append(f"::{kind[d.severity]} {props}::{_gh_escape(with_place(d))}")
    return "\n".join(out)


def junit(diags: list[Diagnostic], paths: list[str], fail_level: str) -> str:
    """JUnit XML: one test case per report, failed when it has a finding at the fail level."""
    threshold = SEVERITY_RANK[fail_level]
    by_path: dict[str, list[Diagnostic]] = {p: [] for p in paths}
    for d in capped_diagnostics(diags):
        by_path.setdefault(d.path, []).append(d)
    cases = []
    failures = 0
    for path, found in by_path.items():
        failing = [d for d in found if SEVERITY_RANK[d.severity] >= threshold]
        body = ""
        if failing:
            failures += 1
            text = _xml("\n".join(f"{d.span.line}:{d.span.column}: {d.rule} [{d.severity}] {with_place(d)}" for d in found))
            body = f'<failure message={quoteattr(f"{len(failing)} 个问题达到 {fail_level} 级别")} type="xxgk-lint">{escape(text)}</failure>'
        elif found:
            text = _xml("\n".join(f"{d.span.line}:{d.span.column}: {d.rule} [{d.severity}] {with_place(d)}" for d in found))
            body = f"<system-out>{escape(text)}</system-out>"
        cases.append(f'  <testcase classname="xxgk-lint" name={quoteattr(_xml(printable(path)))}>{body}</testcase>')
    head = f'<testsuite name="xxgk-lint" tests="{len(by_path)}" failures="{failures}" errors="0">'
    return '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n' + head + "\n" + "\n".join(cases) + "\n</testsuite>\n</testsuites>"
