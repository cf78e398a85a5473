"""Report renderers by extension, and writing a report."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kg.errors import UnknownFormat
from kg.render.report_html import render_html
from kg.render.report_md import render_markdown
from kg.utils.files import write_atomic


def render_json(report: dict) -> str:
    """The report as indented JSON (UTF-8 text, not escaped)."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {".md": render_markdown, ".html": render_html, ".json": render_json}


def write_report(report: dict, path: str | os.PathLike) -> Path:
    """Write ``report`` to ``path`` in the format its extension names, atomically.

    >>> write_report({}, "report.pdf")
    Traceback (most recent call last):
    ...
    kg.errors.UnknownFormat: report.pdf: unknown report format '.pdf'; use .html, .json, .md
    """
    path = Path(path)
    return write_atomic(path, RENDERERS[report_format(path)](report))


def report_format(path: str | os.PathLike) -> str:
    """The report format a file name asks for (its lower-case extension), or :class:`UnknownFormat`.

    >>> report_format("out/Report.HTML")
    '.html'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in RENDERERS:
        raise UnknownFormat(
            f"{path}: unknown report format {Path(path).suffix!r}; use {', '.join(sorted(RENDERERS))}"
        )
    return suffix
