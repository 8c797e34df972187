"""The API's JSON parser: hostile JSON is a 400, never a 500, and what it yields is safe to pass on.

DRF's ``JSONParser`` let through what later broke: 100,000 nested arrays (RecursionError, a 500),
``1e999999`` (a float ``inf`` that a CharField then turned into the string "inf"), lone surrogates such as
``"\\ud800"`` (unencodable, a 500 when written), NUL characters (PostgreSQL cannot store them) and bodies of
any size (DRF reads the stream without Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` check). This parser refuses
all of them with a 400 (413 for size) whose message never repeats the input.
"""
from __future__ import annotations

import codecs
import json
import math

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32  # our documents are at most 4 levels deep; the audit redaction and serializers recurse


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def _parse_error(reason: str) -> exceptions.ParseError:
    return exceptions.ParseError(f"JSON parse error - {reason}")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _refuse_constant(name: str):
    raise ValueError("NaN and Infinity are not valid JSON")


def _check_strings_and_depth(data) -> None:
    """Iteratively (no recursion): depth ≤ MAX_DEPTH; no lone surrogate or NUL in any key or string."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise _parse_error(f"nested deeper than {MAX_DEPTH} levels")
            items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            for key, item in items:
                if key is not None:
                    _check_text(key)
                stack.append((item, depth + 1))


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise _parse_error("NUL characters are not allowed")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _parse_error("invalid Unicode (a lone surrogate)") from None


class SafeJSONParser(JSONParser):
    """``application/json`` with a size cap, a depth cap, finite numbers and storable strings."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError):
            raise _parse_error(f"the body is not valid {encoding}") from None
        try:
            data = json.loads(text, parse_float=_finite_float, parse_constant=_refuse_constant)
        except RecursionError:
            raise _parse_error(f"nested deeper than {MAX_DEPTH} levels") from None
        except json.JSONDecodeError as exc:
            raise _parse_error(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
        except ValueError as exc:  # our number/constant checks, Python's int-digits limit
            raise _parse_error(str(exc).split(":")[0][:100]) from None
        _check_strings_and_depth(data)
        return data
