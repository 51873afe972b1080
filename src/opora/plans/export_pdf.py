"""A document as PDF: the printable structure rendered by `plans/export.html` (A4, self-contained
CSS, the serif fonts Debian ships) through WeasyPrint. No network or file access while
rendering: the page has no external resources, and the URL fetcher refuses any."""

from __future__ import annotations

from django.template.loader import render_to_string

from opora.plans.export_data import Printable, document_printable
from opora.plans.models import Document


def printable_pdf(p: Printable) -> bytes:
    from weasyprint import HTML  # heavy import (pango): only when a PDF is asked for
    from weasyprint.urls import URLFetcher

    html = render_to_string("plans/export.html", {"p": p})
    # WeasyPrint 70 wants a fetcher object; one that allows no protocol refuses every resource.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=set())).write_pdf()


def document_pdf(document: Document) -> bytes:
    return printable_pdf(document_printable(document))
