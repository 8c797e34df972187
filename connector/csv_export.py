"""Streaming CSV for the history and audit exports: constant memory, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from django.http import StreamingHttpResponse
# A cell starting with one of these is a formula in Excel/LibreOffice/Sheets ("CSV injection", OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value):
        return value


def csv_cell(value) -> str:
    """One cell as text; a value that a spreadsheet would run as a formula is prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_streaming_response(*, filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A StreamingHttpResponse that writes ``header`` then ``rows`` (already in order) as CSV."""
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # BOM: spreadsheets then read the file as UTF-8
        yield writer.writerow(list(header))
        for row in rows:
            yield writer.writerow([csv_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
