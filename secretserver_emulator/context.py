"""What a handler receives: the state, the caller and the parsed request."""
from __future__ import annotations

from dataclasses import dataclass, field

from .http import CIDict, as_bool, invalid


@dataclass
class Ctx:
    state: object
    method: str
    path: str
    query: CIDict
    body: object = None           # parsed JSON (CIDict/list/scalar) or None
    form: CIDict = field(default_factory=CIDict)
    user: dict | None = None
    token: str | None = None
    log_user: str | None = None   # user name to record in the request log
    app: object = None            # the EmulatorApp (controls and the HTML page need it)

    @property
    def now(self):
        return self.state.now()

    def data(self) -> CIDict:
        """The JSON body as a case-insensitive dict (400 if it is something else)."""
        if self.body is None:
            return CIDict()
        if not isinstance(self.body, dict):
            raise invalid({"args": "The request body must be a JSON object."})
        return self.body

    def flag(self, name: str, default=False) -> bool:
        return as_bool(self.query.get(name), default)
