"""Minimal HTML building blocks: every string escaped, every attribute quoted, no templates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from importlib import resources


def attrs(values: Mapping[str, object] | None) -> str:
    if not values:
        return ""
    return "".join(f' {k}="{escape(str(v))}"' for k, v in values.items() if v is not None)


def el(tag: str, content: str = "", attributes: Mapping[str, object] | None = None) -> str:
    """An element whose content is already HTML (use `text()` for plain text)."""
    return f"<{tag}{attrs(attributes)}>{content}</{tag}>"


def void(tag: str, attributes: Mapping[str, object]) -> str:
    """An element without content or end tag (input, meta)."""
    return f"<{tag}{attrs(attributes)}>"


def text(value: object) -> str:
    return escape(str(value))


def table(
    headers: Iterable[str], rows: Iterable[str], attributes: Mapping[str, object] | None = None
) -> str:
    head = el("thead", el("tr", "".join(el("th", text(h)) for h in headers)))
    return el("table", head + el("tbody", "".join(rows)), attributes)


def asset(name: str) -> str:
    """A file of eval/templates, inlined so the report is one self-contained file."""
    return resources.files("extractor_eval").joinpath("templates", name).read_text(encoding="utf-8")


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{text(title)}</title><style>{asset('report.css')}</style></head>"
        f"<body>{body}<script>{asset('report.js')}</script></body></html>\n"
    )
