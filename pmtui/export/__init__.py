"""Exports of the record: Markdown minutes (Jinja2 templates) and CSV for trackers.

Importing this package does not import Jinja2, Textual or Rich: Jinja2 is loaded the
first time minutes are rendered.
"""

from pmtui.export.filters import md_block, md_cell, md_inline
from pmtui.export.markdown import ExportError, list_templates, render_markdown
from pmtui.export.public import public_copy, public_findings
from pmtui.export.tracker import render_csv

__all__ = [
    "ExportError",
    "list_templates",
    "md_block",
    "md_cell",
    "md_inline",
    "public_copy",
    "public_findings",
    "render_csv",
    "render_markdown",
]
