"""Request/response plumbing shared by every handler.

Secret Server (ASP.NET Web API) matches query names and JSON body keys
case-insensitively, so everything a handler reads goes through `CIDict`.
Error bodies and the paging envelope live here so that no handler
hand-builds them (docs/secretserver-api.md §8).
"""
from __future__ import annotations

import json
import math
from datetime import datetime, timezone


class CIDict(dict):
    """A dict whose string keys are matched case-insensitively (stored lower-cased)."""

    def __init__(self, data=None):
        super().__init__()
        for key, value in (data or {}).items():
            self[key] = value

    @staticmethod
    def _k(key):
        return key.lower() if isinstance(key, str) else key

    def __setitem__(self, key, value):
        super().__setitem__(self._k(key), value)

    def __getitem__(self, key):
        return super().__getitem__(self._k(key))

    def __contains__(self, key):
        return super().__contains__(self._k(key))

    def get(self, key, default=None):
        return super().get(self._k(key), default)


def ci(obj):
    """Wrap parsed JSON recursively so nested keys (data.approvers.value) are case-insensitive."""
    if isinstance(obj, dict):
        return CIDict({k: ci(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return [ci(v) for v in obj]
    return obj


def parse_query(pairs) -> CIDict:
    """Query names, lower-cased, with any `paging.` prefix dropped (GOSDK / SCIM send one).

    The last value wins; `values(query, name)` returns every value of a repeated name.
    """
    out = CIDict()
    for name, value in pairs:
        key = name.lower()
        if key.startswith("paging."):
            key = key[len("paging."):]
        out.setdefault("__all__", []).append((key, value))
        out[key] = value
    return out


def values(query: CIDict, name: str) -> list:
    """All values of a repeated query name: `name=1&name=2`, `name[]=1`, `name[0]=1&name[1]=2`."""
    name = name.lower()
    out = []
    for key, value in query.get("__all__", []):
        indexed = key.startswith(name + "[") and key.endswith("]") and key[len(name) + 1:-1].isdigit()
        if key in (name, name + "[]") or indexed:
            out.append(value)
    return out


# ---- value coercion -------------------------------------------------------

def as_bool(value, default=False):
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def as_int(value, default=None):
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        return default


def required_secret_id(data: dict, errors: dict) -> int | None:
    """``secretId`` from a request body; when missing or not a number, the product's model-state message."""
    secret_id = as_int(data.get("secretId"))
    if secret_id is None:
        errors["secretId"] = "The SecretId field is required."
    return secret_id


# ---- dates ------------------------------------------------------------------

def fmt_dt(value: datetime | None):
    """`2024-01-31T12:00:00.123`: UTC, milliseconds, no zone suffix (PYSDK strips `.fff`).

    UNCONFIRMED: the real server's zone convention; we always speak UTC.
    """
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}"


def parse_dt(value) -> datetime | None:
    """Accept ISO 8601 with or without fraction/`Z`/offset; return naive UTC. Raises ValueError."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def iso(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def from_iso(text) -> datetime | None:
    return datetime.fromisoformat(text) if text else None



# ---- errors -----------------------------------------------------------------

class ApiError(Exception):
    """Raised by handlers; the app turns it into `status` + JSON `body`."""

    def __init__(self, status: int, body):
        super().__init__(body)
        self.status = status
        self.body = body


def access_denied() -> ApiError:
    """Permission failure: 400, not 403 (Decisions table; PSI#161)."""
    return ApiError(400, {"errorCode": "API_AccessDenied", "message": "Access Denied"})


def approval_required() -> ApiError:
    # UNCONFIRMED errorCode: invented per the Decisions table.
    return ApiError(400, {"errorCode": "API_ValidateSecretAccessApprovalRequired",
                          "message": "The requested Secret requires approval."})


def comment_required() -> ApiError:
    """Contract §5 (PSI#91): code and message confirmed; the 400 status is our choice (PSI#90 saw a 500)."""
    return ApiError(400, {"errorCode": "API_ValidateSecretAccessCommentRequired",
                          "message": "The requested Secret requires a comment when viewed."})


def checkout_required() -> ApiError:
    # UNCONFIRMED errorCode and message, in the API_ValidateSecretAccess… family of the confirmed ones.
    return ApiError(400, {"errorCode": "API_ValidateSecretAccessCheckoutRequired",
                          "message": "The requested Secret requires check out."})


def checked_out_by_another() -> ApiError:
    # UNCONFIRMED errorCode and message.
    return ApiError(400, {"errorCode": "API_ValidateSecretAccessCheckedOutByAnotherUser",
                          "message": "The requested Secret is checked out by another user."})


def auth_failed() -> ApiError:
    """Missing, expired or revoked bearer token (403, AuthenticationFailedResponse)."""
    return ApiError(403, {"message": "Authentication failed."})


def invalid(errors: dict) -> ApiError:
    """Validation failure: 400 BadRequestResponse with modelState {field: [messages]}."""
    return ApiError(400, {"message": "The request is invalid.",
                          "modelState": {k: v if isinstance(v, list) else [v] for k, v in errors.items()}})


def not_found(kind: str, ident) -> ApiError:
    """Unknown users, groups, templates, permissions and access requests.

    UNCONFIRMED: the real body. We answer 404 with an ASP.NET-style `message`
    (PYSDK only needs a 4xx with `message`). Secrets and folders do NOT use
    this: an unknown id there is indistinguishable from no permission
    (400 Access Denied), as the doc suggests for nonexistent secrets.
    """
    return ApiError(404, {"message": f"{kind} {ident} not found.", "errorCode": "API_NotFound"})


def no_route(method: str, path: str) -> ApiError:
    return ApiError(404, {"message": f"No HTTP resource was found that matches the request URI '{path}'."})


def bad_method(method: str) -> ApiError:
    return ApiError(405, {"message": f"The requested resource does not support http method '{method}'."})


def server_error(exc_message: str, exc_type: str = "System.Exception", stack: str | None = None,
                 message: str = "An error has occurred.") -> dict:
    return {"message": message, "exceptionMessage": exc_message, "exceptionType": exc_type,
            "stackTrace": stack}


def deleted(ident: int, object_type: str) -> dict:
    """DeletedModel. UNCONFIRMED objectType values: Secret, Folder, FolderPermission, SecretPermission."""
    return {"id": ident, "objectType": object_type, "responseCodes": []}


# ---- paging -----------------------------------------------------------------

DEFAULT_TAKE = 10  # UNCONFIRMED; the doc's example envelope shows take 10


def _sort_spec(query: CIDict, default_name: str):
    name = query.get("sortby[0].name")
    if not name:  # the default order is echoed back, as the real envelope does
        return (default_name, "Asc"), [{"name": default_name, "direction": "Asc", "priority": 0}]
    direction = "Desc" if str(query.get("sortby[0].direction", "asc")).lower().startswith("desc") else "Asc"
    return (name, direction), [{"name": name, "direction": direction,
                                "priority": as_int(query.get("sortby[0].priority"), 0)}]


def _norm(value):
    if value is None:
        return (0, "")
    return (1, value.lower() if isinstance(value, str) else value)


def _sort_key_for(records: list, name: str, build):
    """A key function for `name`, matched case-insensitively against the response model's fields.

    Resolved once per call, not per record, so sorting 10,000 rows stays cheap: when the stored row has
    the model's field under the same name its value is used directly, otherwise each row's model is
    built. Only fields the response shows can be sorted on (a stored password never can).
    None when there is no such field (the natural order is kept).
    """
    if not records:
        return None
    wanted = name.lower()
    first = records[0]
    model = build(first) if build is not None else first
    field = next((k for k in model if isinstance(k, str) and k.lower() == wanted), None)
    if field is None:
        return None
    if build is None or field in first:
        return lambda r: _norm(r.get(field))
    return lambda r: _norm(build(r).get(field))


def page(records: list, query: CIDict, default_sort: str = "id", build=None, presorted: bool = False) -> dict:
    """The §8 paging envelope with the Decisions-table arithmetic.

    `build`, when given, turns a stored row into its response model; only the
    rows of the requested page are built (sorting reads the stored row when it
    has the field), so a search over 10,000 users builds 10 models, not 10,000.
    `presorted` says the rows already are in the default order (ascending
    `default_sort`); they are then only re-sorted for an explicit `sortBy`.
    take <= 0 or unparsable falls back to DEFAULT_TAKE (UNCONFIRMED).
    batchCount mirrors pageCount (UNCONFIRMED: its meaning is undocumented).
    """
    skip = max(0, as_int(query.get("skip"), 0) or 0)
    take = as_int(query.get("take"), DEFAULT_TAKE)
    if not take or take <= 0:
        take = DEFAULT_TAKE
    spec, sort_by = _sort_spec(query, default_sort)
    if spec[0] and not (presorted and not query.get("sortby[0].name")):
        key = _sort_key_for(records, spec[0], build)
        if key is not None:
            try:
                records = sorted(records, key=key, reverse=spec[1] == "Desc")
            except TypeError:
                pass  # mixed types: keep natural order
    total = len(records)
    page_count = math.ceil(total / take)
    window = records[skip:skip + take]
    return {
        "success": True, "severity": "None",
        "skip": skip, "take": take, "total": total,
        "pageCount": page_count, "currentPage": skip // take + 1, "batchCount": page_count,
        "prevSkip": max(0, skip - take), "nextSkip": skip + take,
        "hasPrev": skip > 0, "hasNext": skip + take < total,
        "sortBy": sort_by,
        "records": [build(r) for r in window] if build is not None else window,
    }


def json_bytes(body) -> bytes:
    return json.dumps(body).encode("utf-8")
