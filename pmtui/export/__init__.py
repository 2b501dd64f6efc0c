"""Exports of the record: Markdown minutes (Jinja2 templates)."""

from pmtui.export.markdown import ExportError, list_templates, render_markdown

__all__ = ["ExportError", "list_templates", "render_markdown"]
