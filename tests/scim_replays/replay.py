"""Replay an identity provider's SCIM request sequence (a YAML data file of steps) against the connector.

Why data files: Okta and Microsoft Entra each send their own dialect of SCIM. The sequences in this folder
are written by us from their published documentation (each file names its sources); keeping them as data
makes it plain what each identity provider sends and what it must get back, without Python in the way.

A file::

    name: ...
    source: [where the requests come from]
    vars: {user_name: test.user@okta.local}          # {{user_name}} anywhere below
    steps:
      - name: create the user
        request:
          method: POST
          path: /Users                                # relative to the SCIM base /v2
          query: {filter: 'userName eq "x"'}          # optional; URL-encoded here
          headers: {User-Agent: Okta SCIM Client 1.0.0}
          body: {...}                                 # JSON; or raw: "not json" (sent as is)
          auth: none | <token>                        # optional: no header / another bearer value
        expect:
          status: 201                                 # or a list of statuses
          headers: {Location: {$contains: /v2/Users/}}
          body: {...}                                 # a matcher, see below
        capture: {user_id: body.id, etag: header.ETag}
        secret_server:                                # checks against Secret Server's own API afterwards
          - {user: "{{user_name}}", enabled: true}

Body matchers: a mapping matches a JSON object holding at least those keys, each matching; a list matches
a list holding, for each expected item, some matching item; scalars compare strictly (``"False"`` is not
``false``). Operators: ``$absent`` (key missing or null), ``$empty`` (missing, null or []), ``$type``
(int/str/bool/list/dict), ``$len``, ``$nonempty``, ``$eq`` (exact, ordered), ``$ieq`` (case-insensitive
string), ``$contains`` (substring or list item), ``$not_contains``, ``$none_of`` (a value outside the list),
``$startswith``, ``$gte``/``$lte``,
``$set_of`` ({sub_attribute: [values]}: the values of that sub-attribute over the list, as a set; a
missing list is empty), ``$each`` (every item matches).

Checked on every response, whatever the file says: SCIM responses with a body are ``application/scim+json``;
errors carry the SCIM Error schema and a *string* ``status`` equal to the HTTP status, and a detail free of
tracebacks and library reports (pydantic's "validation error for …"); 401 carries
``WWW-Authenticate: Bearer``; a password sent in the request never comes back in the response.

Set ``SCIM_REPLAY_TRACE=1`` (with ``pytest -s``) to print every exchange.

A failed expectation does not stop the replay (later steps often still say something useful); a failed
capture does, since later steps would only fail for that reason. All failures are reported together.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlencode

import requests
import yaml

SCIM_BASE = "/v2"
SCIM_CONTENT_TYPE = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_TYPES = {"int": int, "str": str, "bool": bool, "list": list, "dict": dict}
_MISSING = object()
# An error's detail is for the identity provider's administrator: never a traceback or a library's own report.
_INTERNALS = ("Traceback (most recent call last)", "errors.pydantic.dev", "validation error for ", 'File "/')


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-cased names
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text.strip() else None


@dataclass
class StepFailure:
    index: int
    name: str
    problems: list[str]
    request: str
    response: str

    def __str__(self) -> str:
        lines = [f"step {self.index} '{self.name}':", f"  request:  {self.request}",
                 f"  response: {self.response}"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


@dataclass
class ReplayResult:
    name: str
    steps: int
    failures: list[StepFailure] = field(default_factory=list)
    aborted: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failures and not self.aborted

    def report(self) -> str:
        head = f"{self.name}: {self.steps - len(self.failures)}/{self.steps} steps passed"
        parts = [head] + [str(f) for f in self.failures]
        if self.aborted:
            parts.append(f"ABORTED: {self.aborted}")
        return "\n".join(parts)


def load(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict) or not isinstance(document.get("steps"), list):
        raise ValueError(f"{path}: a replay file is a mapping with a 'steps' list")
    return document


# --- variables ---------------------------------------------------------------------------------------

def substitute(value: Any, variables: dict[str, Any]) -> Any:
    """Replace ``{{name}}`` in every string of ``value``; a string that is only ``{{name}}`` keeps its type."""
    if isinstance(value, str):
        whole = _VAR.fullmatch(value.strip())
        if whole and value.strip() == value:
            return _lookup(variables, whole.group(1))
        return _VAR.sub(lambda m: str(_lookup(variables, m.group(1))), value)
    if isinstance(value, list):
        return [substitute(item, variables) for item in value]
    if isinstance(value, dict):
        return {substitute(k, variables): substitute(v, variables) for k, v in value.items()}
    return value


def _lookup(variables: dict[str, Any], name: str) -> Any:
    if name not in variables:
        raise KeyError(f"variable {{{{{name}}}}} is not defined (not captured by an earlier step?)")
    return variables[name]


def dig(document: Any, dotted: str) -> Any:
    """``Resources.0.id`` into parsed JSON; ``_MISSING`` when any part is absent."""
    current = document
    for part in dotted.split("."):
        if isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, dict) and part in current:
            current = current[part]
        else:
            return _MISSING
    return current


# --- matching ----------------------------------------------------------------------------------------

def match(expected: Any, actual: Any, where: str = "body") -> list[str]:
    """Problems found comparing ``actual`` against the matcher ``expected`` (empty when it matches)."""
    if isinstance(expected, dict) and expected and all(k.startswith("$") for k in expected):
        return _match_operators(expected, actual, where)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {_short(actual)}"]
        problems = []
        for key, sub in expected.items():
            value = actual.get(key, _MISSING)
            if isinstance(sub, dict) and ("$absent" in sub or "$empty" in sub):
                problems += _match_operators(sub, value, f"{where}.{key}")
            elif isinstance(sub, dict) and "$set_of" in sub and value is _MISSING:
                problems += _match_operators(sub, [], f"{where}.{key}")
            elif value is _MISSING:
                problems.append(f"{where}.{key}: missing (expected {_short(sub)})")
            else:
                problems += match(sub, value, f"{where}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected a list, got {_short(actual)}"]
        problems = []
        for item in expected:
            if not any(not match(item, candidate) for candidate in actual):
                problems.append(f"{where}: no item matches {_short(item)} in {_short(actual)}")
        return problems
    if type(expected) is not type(actual) or expected != actual:
        if isinstance(expected, int) and not isinstance(expected, bool) and type(actual) is float \
                and actual == expected:
            return []
        return [f"{where}: expected {_short(expected)}, got {_short(actual)}"]
    return []


def _match_operators(ops: dict, actual: Any, where: str) -> list[str]:
    problems: list[str] = []
    present = actual is not _MISSING and actual is not None
    for op, arg in ops.items():
        if op == "$absent":
            if bool(arg) == present:
                problems.append(f"{where}: expected {'absent' if arg else 'present'}, got {_short(actual)}")
        elif op == "$empty":
            empty = not present or actual == []
            if bool(arg) != empty:
                problems.append(f"{where}: expected {'empty' if arg else 'non-empty'}, got {_short(actual)}")
        elif not present and op != "$eq":
            problems.append(f"{where}: missing (expected {op} {_short(arg)})")
        elif op == "$type":
            wanted = _TYPES[arg]
            if not isinstance(actual, wanted) or (wanted is int and isinstance(actual, bool)):
                problems.append(f"{where}: expected a {arg}, got {_short(actual)}")
        elif op == "$len":
            if not hasattr(actual, "__len__") or len(actual) != arg:
                problems.append(f"{where}: expected length {arg}, got {_short(actual)}")
        elif op == "$nonempty":
            if bool(arg) != bool(actual):
                problems.append(f"{where}: expected {'non-empty' if arg else 'empty'}, got {_short(actual)}")
        elif op == "$eq":
            if actual is _MISSING or type(arg) is not type(actual) or arg != actual:
                problems.append(f"{where}: expected exactly {_short(arg)}, got {_short(actual)}")
        elif op == "$ieq":
            if not isinstance(actual, str) or actual.casefold() != str(arg).casefold():
                problems.append(f"{where}: expected {arg!r} (any case), got {_short(actual)}")
        elif op == "$contains":
            if isinstance(actual, str):
                ok = str(arg) in actual
            elif isinstance(actual, list):
                ok = any(not match(arg, item) for item in actual)
            else:
                ok = False
            if not ok:
                problems.append(f"{where}: expected to contain {_short(arg)}, got {_short(actual)}")
        elif op == "$not_contains":
            if isinstance(actual, str):
                bad = str(arg) in actual
            else:
                bad = isinstance(actual, list) and any(not match(arg, item) for item in actual)
            if bad:
                problems.append(f"{where}: expected not to contain {_short(arg)}, got {_short(actual)}")
        elif op == "$none_of":
            if any(type(actual) is type(value) and actual == value for value in arg):
                problems.append(f"{where}: expected none of {_short(arg)}, got {_short(actual)}")
        elif op == "$startswith":
            if not isinstance(actual, str) or not actual.startswith(str(arg)):
                problems.append(f"{where}: expected to start with {arg!r}, got {_short(actual)}")
        elif op in ("$gte", "$lte"):
            if not isinstance(actual, (int, float)) or isinstance(actual, bool) or \
                    (actual < arg if op == "$gte" else actual > arg):
                problems.append(f"{where}: expected {op[1:]} {arg}, got {_short(actual)}")
        elif op == "$set_of":
            (sub, values), = arg.items()
            if not isinstance(actual, list):
                problems.append(f"{where}: expected a list, got {_short(actual)}")
            else:
                got = {item.get(sub) if isinstance(item, dict) else item for item in actual}
                if got != set(values):
                    problems.append(f"{where}: expected {sub}s {sorted(values)}, got {sorted(map(str, got))}")
        elif op == "$each":
            if not isinstance(actual, list):
                problems.append(f"{where}: expected a list, got {_short(actual)}")
            else:
                for i, item in enumerate(actual):
                    problems += match(arg, item, f"{where}[{i}]")
        else:
            raise ValueError(f"{where}: unknown matcher {op}")
    return problems


def _short(value: Any, limit: int = 300) -> str:
    if value is _MISSING:
        return "<missing>"
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


# --- rules every SCIM response must follow -----------------------------------------------------------

def protocol_problems(response: Response, sent_passwords: list[str]) -> list[str]:
    problems = []
    body_text = response.text.strip()
    content_type = response.headers.get("content-type", "")
    if body_text and not content_type.startswith(SCIM_CONTENT_TYPE):
        problems.append(f"Content-Type is {content_type!r}, not {SCIM_CONTENT_TYPE}")
    if response.status >= 400:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            problems.append(f"error {response.status} without a SCIM error body: {body_text[:200]!r}")
        else:
            if body.get("schemas") != [ERROR_SCHEMA]:
                problems.append(f"error body schemas {body.get('schemas')!r}, expected [{ERROR_SCHEMA!r}]")
            if body.get("status") != str(response.status):
                problems.append(f"error body status {body.get('status')!r}, expected the string "
                                f"{str(response.status)!r}")
            detail = str(body.get("detail", ""))
            leaked = [marker for marker in _INTERNALS if marker in detail]
            if leaked:
                problems.append(f"error detail exposes internals ({', '.join(leaked)}): {detail[:200]!r}")
    if response.status == 401 and not response.headers.get("www-authenticate", "").lower().startswith("bearer"):
        problems.append(f"401 without WWW-Authenticate: Bearer ({response.headers.get('www-authenticate')!r})")
    for password in sent_passwords:
        if password and password in response.text:
            problems.append("a password sent in the request came back in the response")
    return problems


def _passwords(body: Any) -> list[str]:
    found = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key.lower().endswith("password") and isinstance(value, str):
                found.append(value)
            else:
                found += _passwords(value)
    elif isinstance(body, list):
        for item in body:
            found += _passwords(item)
    return found


# --- the replay --------------------------------------------------------------------------------------

Send = Callable[[str, str, dict[str, str], bytes | None], Response]


def build_url(path: str, query: dict | None) -> str:
    url = SCIM_BASE + path
    if query:
        url += "?" + urlencode({k: str(v) for k, v in query.items()}, quote_via=quote, safe="")
    return url


def replay(document: dict, send: Send, token: str, secret_server: "SecretServerProbe",
           variables: dict[str, Any] | None = None) -> ReplayResult:
    """Run every step of ``document`` through ``send`` (method, url, headers, body) and check it."""
    variables = {**(variables or {}), **document.get("vars", {})}
    variables = {k: substitute(v, variables) for k, v in variables.items()}
    result = ReplayResult(document.get("name", "replay"), len(document["steps"]))
    for index, step in enumerate(document["steps"], start=1):
        name = step.get("name", f"step {index}")
        try:
            request = substitute(step["request"], variables)
            expect = substitute(step.get("expect", {}), variables)
            checks = substitute(step.get("secret_server", []), variables)
        except KeyError as exc:
            result.aborted = f"step {index} '{name}': {exc.args[0]}"
            return result
        method = request["method"].upper()
        url = build_url(request["path"], request.get("query"))
        headers = {"Accept": SCIM_CONTENT_TYPE}
        auth = request.get("auth", token)
        if auth != "none":
            headers["Authorization"] = f"Bearer {auth}"
        if "raw" in request:
            payload: bytes | None = request["raw"].encode("utf-8")
        elif "body" in request:
            payload = json.dumps(request["body"]).encode("utf-8")
        else:
            payload = None
        if payload is not None:
            headers["Content-Type"] = SCIM_CONTENT_TYPE
        headers.update(request.get("headers", {}))
        response = send(method, url, headers, payload)
        sent = f"{method} {url}" + (f" {payload.decode('utf-8')[:400]}" if payload else "")
        got = f"{response.status} {response.text[:600]}"

        problems = protocol_problems(response, _passwords(request.get("body")))
        wanted_status = expect.get("status")
        if wanted_status is not None:
            allowed = wanted_status if isinstance(wanted_status, list) else [wanted_status]
            if response.status not in allowed:
                problems.append(f"status {response.status}, expected {wanted_status}")
        try:
            body = response.json()
        except ValueError:
            body = _MISSING
            if "body" in expect:
                problems.append("body is not JSON")
        if "body" in expect and body is not _MISSING:
            problems += match(expect["body"], body)
        for header, matcher in expect.get("headers", {}).items():
            value = response.headers.get(header.lower(), _MISSING)
            if isinstance(matcher, dict) and ("$absent" in matcher or "$empty" in matcher):
                problems += _match_operators(matcher, value, f"header {header}")
            elif value is _MISSING:
                problems.append(f"header {header}: missing")
            else:
                problems += match(matcher, value, f"header {header}")
        for check in checks:
            problems += secret_server.check(check)
        if problems:
            result.failures.append(StepFailure(index, name, problems, sent, got))
        if os.environ.get("SCIM_REPLAY_TRACE"):  # pytest -s with SCIM_REPLAY_TRACE=1: every exchange
            print(f"\n[{'FAIL' if problems else 'ok'}] {index} {name}\n  > {sent}\n  < {got}")
        for var, source in step.get("capture", {}).items():
            kind, _, dotted = source.partition(".")
            value = response.headers.get(dotted.lower(), _MISSING) if kind == "header" else (
                dig(body, dotted) if body is not _MISSING else _MISSING)
            if value is _MISSING or value is None:
                result.aborted = f"step {index} '{name}': cannot capture {var} from {source} ({got})"
                return result
            variables[var] = value
    return result


# --- Secret Server's own API, to prove it is the source of truth ---------------------------------------

class SecretServerProbe:
    """Reads Secret Server (the emulator, over HTTP) as an administrator, through its public REST API only."""

    def __init__(self, base_url: str, username: str, password: str):
        self.base = base_url.rstrip("/")
        self.http = requests.Session()
        grant = self.http.post(f"{self.base}/oauth2/token", timeout=10, data={
            "grant_type": "password", "username": username, "password": password})
        grant.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {grant.json()['access_token']}"

    def _get(self, path: str, **params) -> Any:
        response = self.http.get(self.base + path, params=params, timeout=10)
        response.raise_for_status()
        return response.json()

    def _all(self, path: str, **params) -> list[dict]:
        records, skip = [], 0
        while True:
            page = self._get(path, skip=skip, take=500, **params)
            records += page.get("records", [])
            if not page.get("hasNext"):
                return records
            skip = page.get("nextSkip", skip + 500)

    def users_named(self, user_name: str) -> list[dict]:
        found = self._all("/api/v1/users", **{"filter.searchText": user_name, "filter.includeInactive": "true"})
        return [u for u in found if str(u.get("userName", "")).casefold() == user_name.casefold()]

    def groups_named(self, name: str) -> list[dict]:
        found = self._all("/api/v1/groups", **{"filter.searchText": name, "filter.includeInactive": "true"})
        return [g for g in found if str(g.get("name", "")).casefold() == name.casefold()]

    def check(self, check: dict) -> list[str]:
        """One Secret Server check from a step's ``secret_server`` list; problems found (empty when fine)."""
        where = f"Secret Server {json.dumps(check)}"
        if "user" in check:
            users = self.users_named(check["user"])
            if len(users) != 1:
                return [f"{where}: {len(users)} users named {check['user']!r}, expected 1"]
            model = self._get(f"/api/v1/users/{users[0]['id']}", includeInactive="true")
            problems = []
            for key in ("enabled", "displayName", "emailAddress"):
                if key in check and model.get(key) != check[key]:
                    problems.append(f"{where}: {key} is {model.get(key)!r}")
            return problems
        if "users_matching" in check:
            found = self._all("/api/v1/users", **{"filter.searchText": check["users_matching"],
                                                  "filter.includeInactive": "true"})
            if len(found) != check["count"]:
                names = [u.get("userName") for u in found]
                return [f"{where}: {len(found)} users match ({names}), expected {check['count']}"]
            return []
        if "group" in check:
            groups = self.groups_named(check["group"])
            if len(groups) != 1:
                return [f"{where}: {len(groups)} groups named {check['group']!r}, expected 1"]
            if "members" not in check:
                return []
            members = self._all(f"/api/v1/groups/{groups[0]['id']}/users",
                                **{"filter.includeInactiveUsersForGroup": "true"})
            got = {str(m.get("userName", "")).casefold() for m in members}
            wanted = {str(name).casefold() for name in check["members"]}
            return [] if got == wanted else [f"{where}: members are {sorted(got)}"]
        if "group_absent" in check:
            groups = self.groups_named(check["group_absent"])
            return [f"{where}: the group still exists ({groups})"] if groups else []
        if "groups_matching" in check:
            found = self._all("/api/v1/groups", **{"filter.searchText": check["groups_matching"],
                                                   "filter.includeInactive": "true"})
            if len(found) != check["count"]:
                return [f"{where}: {len(found)} groups match ({[g.get('name') for g in found]}), "
                        f"expected {check['count']}"]
            return []
        if "login" in check:
            grant = requests.post(f"{self.base}/oauth2/token", timeout=10, data={
                "grant_type": "password", "username": check["login"], "password": check["password"]})
            ok = grant.status_code == 200 and "access_token" in grant.text
            return [] if ok == check.get("succeeds", True) else [f"{where}: password grant answered "
                                                                  f"{grant.status_code}"]
        raise ValueError(f"unknown Secret Server check {check!r}")
