"""Secret templates (docs §5): search and get. Field keys are secretTemplateFieldId / fieldSlugName."""
from __future__ import annotations

from ..http import not_found, page
from ..router import route


def template_or_404(state, template_id):
    template = state.templates.get(template_id)
    if not template:
        raise not_found("SecretTemplate", template_id)
    return template


def template_field(field) -> dict:
    return {"secretTemplateFieldId": field["id"], "fieldSlugName": field["slug"], "name": field["name"],
            "displayName": field["name"], "description": field.get("description", ""),
            "isPassword": field.get("isPassword", False), "isRequired": field.get("isRequired", False),
            "isUrl": field.get("isUrl", False), "isNotes": field.get("isNotes", False), "isFile": False,
            "isList": False, "listType": "None", "sortOrder": field.get("sortOrder", 0),
            "editRequires": "Edit", "hideOnView": False, "passwordTypeFieldId": 0, "historyLength": 2147483647}


@route("GET", "/api/v1/secret-templates")
def search(ctx):
    text = (ctx.query.get("filter.searchtext") or "").lower()
    inactive = ctx.flag("filter.includeinactive")
    counts = ctx.flag("filter.includesecretcount")
    rows = []
    for t in sorted(ctx.state.templates.values(), key=lambda t: t["id"]):
        if text in t["name"].lower() and (inactive or t.get("active", True)):
            rows.append({"id": t["id"], "name": t["name"], "active": t.get("active", True),
                         "heartbeatEnabled": False, "passwordTypeId": None, "passwordTypeReady": False,
                         "secretCount": sum(1 for s in ctx.state.secrets.values() if s["secretTemplateId"] == t["id"])
                         if counts else None})
    return page(rows, ctx.query, "name")


@route("GET", "/api/v1/secret-templates/{id:int}")
def read(ctx, id):
    t = template_or_404(ctx.state, id)
    return {"id": t["id"], "name": t["name"], "passwordTypeId": None, "concurrencyId": "00000000-0000-0000-0000-000000000000",
            "active": t.get("active", True), "fields": [template_field(f) for f in t["fields"]]}
