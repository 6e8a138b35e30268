"""Markdown written by pilots, rendered to HTML that is safe to put in a page.

The text is stored as written. Rendering escapes any HTML in it (markdown-it's CommonMark with
raw HTML off), then nh3 (the ammonia sanitiser) keeps only harmless tags and attributes, so no
script, event handler or ``javascript:`` link survives, whatever the renderer lets through.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.enable("table").enable("strikethrough")

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


def render(text: str | None) -> str:
    """``text`` as sanitised HTML ("" for no text)."""
    if not text:
        return ""
    html = _renderer.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
