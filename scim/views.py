"""The SCIM view: thin. The gateway service does the work; this turns its answer into an HTTP response."""
from __future__ import annotations

import json

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from scim.services.gateway import scim_serve

SCIM_CONTENT_TYPE = "application/scim+json"


@csrf_exempt
def scim_endpoint(request, path: str = ""):
    response = scim_serve(request)
    body = b"" if response.body is None else json.dumps(response.body, ensure_ascii=False).encode("utf-8")
    http = HttpResponse(body, status=int(response.status), content_type=SCIM_CONTENT_TYPE)
    for name, value in response.headers.items():
        if name.lower() not in ("content-type", "location") or (name.lower() == "location" and int(response.status) == 201):
            http[name] = value
    return http
