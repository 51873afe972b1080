"""The analytical report as PDF: `reports/print.html` (A4, self-contained CSS, the serif fonts
Debian ships) through WeasyPrint. Charts are embedded as data: URIs; any other resource is refused."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string

from opora.reports.content import ReportData


def report_html(data: ReportData) -> str:
    charts = {id(c): "data:image/png;base64," + base64.b64encode(c.png).decode() for s in data.sections
              for c in s.charts}
    sections = [{"s": s, "charts": [(c.title, charts[id(c)]) for c in s.charts]} for s in data.sections]
    return render_to_string("reports/print.html", {"r": data, "sections": sections})


def report_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML  # heavy import (pango): only when a PDF is asked for
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})  # the charts; nothing from the network or disk
    return HTML(string=report_html(data), url_fetcher=fetcher).write_pdf()
