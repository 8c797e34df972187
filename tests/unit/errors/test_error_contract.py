"""The one error contract: one definition per product message, one API error shape, no client errors
caught above the services."""
import re
from pathlib import Path

import pytest
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient
from rest_framework.views import APIView

from connector import messages
from connector.errors import Busy, Conflict, InvalidInput, SecretServerRefused, SecretServerUnavailable
from connector.secretserver import AccessDenied, Unavailable, UnexpectedResponse, ValidationFailed
from connector.services.failures import secretserver_failure

ROOT = Path(__file__).resolve().parents[3]
SOURCE_DIRS = ("connector", "accessrequests", "scimsite", "templates", "static")
SOURCE_SUFFIXES = {".py", ".html", ".js", ".txt"}
DEFINITION = ROOT / "connector" / "messages.py"


def _source_files():
    for top in SOURCE_DIRS:
        for file in (ROOT / top).rglob("*"):
            if file.suffix in SOURCE_SUFFIXES and file.is_file() and file != DEFINITION:
                yield file


def _product_messages() -> dict[str, str]:
    return {name: value for name, value in vars(messages).items() if name.startswith("MSG_") and isinstance(value, str)}


def _spelled_out_again(files) -> list[str]:
    texts = {file: file.read_text(encoding="utf-8") for file in files}
    return [f"{name} {value!r} in {file.name}"
            for name, value in _product_messages().items() for file, text in texts.items() if value in text]


def test_every_product_message_has_one_definition():
    defined = _product_messages()
    assert len(defined) >= 30
    values = list(defined.values())
    assert len(values) == len(set(values)), "two names in connector/messages.py hold the same sentence"
    assert _spelled_out_again(_source_files()) == [], (
        "product messages spelled out again instead of imported from connector/messages.py")


def test_the_grep_finds_a_second_definition(tmp_path):
    copy = tmp_path / "views.py"
    copy.write_text(f'WARNING = "{messages.MSG_UNAVAILABLE}"\n', encoding="utf-8")
    assert _spelled_out_again([copy]) == [f"MSG_UNAVAILABLE {messages.MSG_UNAVAILABLE!r} in views.py"]


CLIENT_ERRORS = ("SecretServerError", "LoginFailed", "PasswordExpired", "AccessDenied", "ApprovalRequired",
                 "NotFound", "AuthenticationFailed", "ValidationFailed", "Unavailable", "UnexpectedResponse")
EXCEPT_CLIENT_ERROR = re.compile(r"^\s*except\s*\(?[^:]*\b(" + "|".join(CLIENT_ERRORS) + r")\b", re.M)
ALLOWED = ("connector/services/", "connector/secretserver/", "accessrequests/services.py")


def test_no_client_error_is_caught_above_the_services():
    offenders = []
    for file in _source_files():
        relative = file.relative_to(ROOT).as_posix()
        if file.suffix != ".py" or relative.startswith(ALLOWED):
            continue
        text = file.read_text(encoding="utf-8")
        drf_imports = re.findall(r"from rest_framework\.exceptions import ([^\n]+)", text)
        drf_names = set(re.findall(r"\w+", " ".join(drf_imports)))
        for match in EXCEPT_CLIENT_ERROR.finditer(text):
            # rest_framework.exceptions.* are DRF's, not the client's
            if "exceptions." not in match.group(0) and match.group(1) not in drf_names:
                offenders.append(f"{relative}: {match.group(0).strip()}")
    assert offenders == []


@pytest.mark.parametrize("exc, cls, status, message", [
    (Unavailable(), SecretServerUnavailable, 503, messages.MSG_UNAVAILABLE),
    (Unavailable(product_message="maintenance"), SecretServerUnavailable, 503, messages.MSG_UNAVAILABLE),
    (UnexpectedResponse(), SecretServerUnavailable, 503, messages.MSG_UNAVAILABLE),
    (AccessDenied(), SecretServerRefused, 502, messages.MSG_APP_MISSING_PERMISSION),
    (AccessDenied(product_message="Access Denied"), SecretServerRefused, 502, "Access Denied"),
    (ValidationFailed(), SecretServerRefused, 502, messages.MSG_REFUSED_CHANGE),
])
def test_client_errors_are_translated_by_type_not_by_text(exc, cls, status, message):
    translated = secretserver_failure(exc)
    assert (type(translated), translated.status, translated.message) == (cls, status, message)
    prefixed = secretserver_failure(exc, prefix=messages.MSG_SETTINGS_UPDATE_FAILED)
    assert prefixed.status == status and prefixed.message == f"{messages.MSG_SETTINGS_UPDATE_FAILED} {message}"


class _Raises(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    error = None

    def get(self, request):
        raise self.error

    def error_current(self, current):
        return {"shown": current}


urlpatterns = [
    path("api/refused/", _Raises.as_view(error=SecretServerRefused("Nope."))),
    path("api/conflict/", _Raises.as_view(error=Conflict("Changed.", current="now"))),
    path("api/busy/", _Raises.as_view(error=Busy())),
    path("api/invalid/", _Raises.as_view(error=InvalidInput("x", field_errors={"name": "Bad.", "__all__": ["All."]}))),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url, status, body, retry_after", [
    ("/api/refused/", 502, {"detail": "Nope."}, None),
    ("/api/conflict/", 409, {"detail": "Changed.", "current": {"shown": "now"}}, None),
    ("/api/busy/", 409, {"detail": messages.MSG_WRITES_BUSY}, "1"),
    ("/api/invalid/", 400, {"name": ["Bad."], "non_field_errors": ["All."]}, None),
])
def test_the_api_renders_every_connector_error_in_one_shape(settings, url, status, body, retry_after):
    settings.ROOT_URLCONF = __name__
    response = APIClient().get(url)
    assert response.status_code == status and response.json() == body
    assert response.get("Retry-After") == retry_after


@pytest.mark.django_db
def test_the_schema_documents_the_error_shape(admin_client):
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"] == {"detail": {"type": "string", "description": error["properties"]["detail"][
        "description"]}} and error["required"] == ["detail"]
    settings_put = schema["paths"]["/api/connector/settings/"]["put"]["responses"]
    assert settings_put["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    endpoint_get = schema["paths"]["/api/connector/endpoints/{id}/"]["get"]["responses"]
    assert endpoint_get["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
