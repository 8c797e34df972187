"""PATCH dialect fixes the library's policy does not cover (pure, unit-tested).

Microsoft Entra sends member values as ``{"$ref": null, "value": "13"}``. RFC 7643 §2.5 makes a null
the same as an unassigned attribute, but scim2-models compares the ``null`` against the stored
``$ref`` when it selects what a ``remove`` with a value removes, and nothing matches. Dropping the
null-valued keys inside PATCH operation values restores the RFC's meaning before the library reads them.
"""
from __future__ import annotations

import json


def _without_nulls(value):
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _operations(document: dict):
    return next((v for k, v in document.items() if isinstance(k, str) and k.lower() == "operations"), None)


def patch_operations_normalise(document):
    """A PatchOp document with null-valued keys removed from each operation's ``value`` (others untouched)."""
    if not isinstance(document, dict):
        return document
    operations = _operations(document)
    if not isinstance(operations, list):
        return document
    for operation in operations:
        if isinstance(operation, dict):
            for key in [k for k in operation if isinstance(k, str) and k.lower() == "value"]:
                if operation[key] is not None:
                    operation[key] = _without_nulls(operation[key])
    return document


def patch_body_normalise(body: bytes) -> bytes:
    """The PATCH body with Entra's null members dropped; bodies that are not JSON objects are left to the library."""
    try:
        document = json.loads(body)
    except ValueError:
        return body
    if not isinstance(document, dict) or not isinstance(_operations(document), list):
        return body
    return json.dumps(patch_operations_normalise(document)).encode()


def bulk_body_normalise(body: bytes) -> bytes:
    """The same for the PATCH operations inside a bulk request."""
    try:
        document = json.loads(body)
    except ValueError:
        return body
    operations = _operations(document) if isinstance(document, dict) else None
    if not isinstance(operations, list):
        return body
    for operation in operations:
        if isinstance(operation, dict) and str(operation.get("method", "")).upper() == "PATCH":
            data = next((v for k, v in operation.items() if k.lower() == "data"), None)
            patch_operations_normalise(data)
    return json.dumps(document).encode()
