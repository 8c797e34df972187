"""OpenAPI description of our authentication, so /api/schema/ tells clients how to call the API."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SecretServerBearerScheme(OpenApiAuthenticationExtension):
    target_class = "connector.api.authentication.SecretServerBearerAuthentication"
    name = "SecretServerBearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A Secret Server access token (from Secret Server's /oauth2/token), checked against "
            "Secret Server with the same rules as a person signing in.",
        }
