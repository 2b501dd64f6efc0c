"""Exports of the record: Markdown minutes (Jinja2 templates) and CSV for trackers."""

from pmtui.export.markdown import ExportError, list_templates, render_markdown
from pmtui.export.tracker import render_csv

__all__ = ["ExportError", "list_templates", "render_csv", "render_markdown"]
