"""Deployment hygiene: the API docs load nothing from the internet; the schema describes our auth."""
import re

import pytest


@pytest.mark.django_db
def test_the_api_docs_serve_swagger_ui_locally(client):
    body = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in body
    assert not re.search(r"""(src|href)=["']https?://""", body), "assets must be served locally, not from a CDN"


@pytest.mark.django_db
def test_the_schema_describes_the_secret_server_bearer_scheme(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scheme = schema["components"]["securitySchemes"]["SecretServerBearer"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    assert "/api/connector/endpoints/" in schema["paths"]


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
