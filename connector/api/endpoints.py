"""REST API for SCIM endpoints: thin views with Input/Output serializers over services.endpoints.

Reads: administrators and auditors. Writes: administrators. A response that carries a new token (create,
regenerate, an update that had to generate one) is the only place it ever appears; it is sent with
``Cache-Control: no-store``. Passwords are write-only.

Every read carries ``revision``. A write that sends it back (PUT/PATCH body, token POST body, DELETE
``?revision=``) is refused with 409 ``{"detail", "current"}`` if the endpoint changed since; nothing is
written. A write without it is not checked (clients older than the field). Every failure is a
``ConnectorError`` rendered by the one exception handler (connector/api/errors.py).
"""
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from connector.access import IsConnectorAdministrator, IsConnectorStaffReadOnly
from connector.api.errors import (
    FIELD_ERRORS,
    NOT_FOUND,
    SAVED_NOT_MIRRORED,
    SECRET_SERVER_REFUSED,
    UNAVAILABLE,
)
from connector.services.endpoints import (
    MAPPING_ROLES,
    MAPPING_TYPES,
    endpoint_create,
    endpoint_delete,
    endpoint_get,
    endpoint_list,
    endpoint_token_regenerate,
    endpoint_update,
)

ROLE_NAMES = MAPPING_ROLES["Container"]


class MappingSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=MAPPING_TYPES)
    value = serializers.CharField(max_length=255, allow_blank=True)
    role = serializers.ChoiceField(choices=ROLE_NAMES)


class EndpointOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="ss_secret_id", read_only=True, help_text="Secret Server secret id.")
    name = serializers.CharField()
    url = serializers.CharField()
    username = serializers.CharField()
    token_prefix = serializers.CharField(help_text="First characters of the current token (display hint).")
    token_issued_at = serializers.DateTimeField(allow_null=True)
    token_expires_at = serializers.DateTimeField(allow_null=True)
    permission_mappings = MappingSerializer(many=True)
    allow_sensitive_reads = serializers.BooleanField(help_text="SCIM may read sensitive secret values (audited).")
    revision = serializers.IntegerField(help_text="Bumped on every change; send it back on PUT/PATCH to refuse "
                                                  "a stale write (409).")


class EndpointWithTokenOutputSerializer(EndpointOutputSerializer):
    token = serializers.CharField(allow_null=True, help_text="The new token. Shown only in this response.")


class EndpointInputSerializer(serializers.Serializer):
    # Blank and missing values pass through: the service owns the rules and the product's wording.
    name = serializers.CharField(max_length=255, allow_blank=True, required=False)
    url = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    username = serializers.CharField(max_length=255, allow_blank=True, required=False)
    password = serializers.CharField(max_length=4000, allow_blank=True, required=False, write_only=True,
                                     trim_whitespace=False, style={"input_type": "password"},
                                     help_text="Write-only. On update, blank or missing keeps the current one.")
    permission_mappings = MappingSerializer(many=True, required=False)
    allow_sensitive_reads = serializers.BooleanField(
        required=False, help_text="Optional (default false on create; missing keeps it on update): SCIM may read "
                                  "sensitive secret values through GET /v2/PrivilegedData/GetFields, each read audited.")
    revision = serializers.IntegerField(
        min_value=0, required=False,
        help_text="Optional. The revision the change is based on (from a read). If the endpoint has been changed "
                  "since, nothing is written and the answer is 409 with the current endpoint. Missing: no check.")


class EndpointRevisionInputSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=0, required=False,
        help_text="Optional. Refuse (409, nothing changed) if the endpoint is no longer at this revision.")


CONFLICT_RESPONSE = OpenApiResponse(
    response=inline_serializer("EndpointConflict", {"detail": serializers.CharField(),
                                                    "current": EndpointOutputSerializer(required=False)}),
    description="The endpoint was changed since `revision`; `current` is what Secret Server holds now. "
                "Also: another save is in progress (`Retry-After: 1`, no `current`).")
WRITE_RESPONSES = {400: FIELD_ERRORS, 404: NOT_FOUND, 409: CONFLICT_RESPONSE, 500: SAVED_NOT_MIRRORED,
                   502: SECRET_SERVER_REFUSED, 503: UNAVAILABLE}
UPDATE_RESPONSES = {200: EndpointWithTokenOutputSerializer, **WRITE_RESPONSES}  # PUT and PATCH answer alike


def _with_token(result, http_status):
    data = EndpointWithTokenOutputSerializer(
        {**vars(result.endpoint), "token": result.token.value if result.token else None}).data
    response = Response(data, status=http_status)
    add_never_cache_headers(response)  # Cache-Control: ... no-store, private
    return response


class _EndpointApi(APIView):
    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [IsConnectorStaffReadOnly()]
        return [IsConnectorAdministrator()]

    def error_current(self, endpoint) -> dict:
        """``current`` of a 409 (connector/api/errors.py): the endpoint as Secret Server holds it now."""
        return EndpointOutputSerializer(endpoint).data


class EndpointListCreateApi(_EndpointApi):
    @extend_schema(operation_id="endpoints_list",
                   responses={200: EndpointOutputSerializer(many=True), 502: SECRET_SERVER_REFUSED, 503: UNAVAILABLE},
                   summary="List endpoints (synced from Secret Server first)")
    def get(self, request):
        endpoints = endpoint_list()
        return Response(EndpointOutputSerializer(endpoints, many=True).data)

    @extend_schema(operation_id="endpoints_create", request=EndpointInputSerializer,
                   responses={201: EndpointWithTokenOutputSerializer, **WRITE_RESPONSES},
                   summary="Create an endpoint; the response shows its token once")
    def post(self, request):
        serializer = EndpointInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = endpoint_create(request=request, name=data.get("name", ""), url=data.get("url", ""),
                                 username=data.get("username", ""), password=data.get("password", ""),
                                 permission_mappings=data.get("permission_mappings"),
                                 allow_sensitive_reads=data.get("allow_sensitive_reads", False))
        return _with_token(result, status.HTTP_201_CREATED)


class EndpointDetailApi(_EndpointApi):
    @extend_schema(operation_id="endpoints_retrieve",
                   responses={200: EndpointOutputSerializer, 404: NOT_FOUND, 502: SECRET_SERVER_REFUSED,
                              503: UNAVAILABLE},
                   summary="Read one endpoint, fresh from Secret Server")
    def get(self, request, pk):
        endpoint = endpoint_get(pk)
        return Response(EndpointOutputSerializer(endpoint).data)

    def _update(self, request, pk, *, partial):
        serializer = EndpointInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected_revision = data.pop("revision", None)
        if not partial:  # PUT replaces: missing text fields become blank (and fail validation)
            for key in ("name", "url", "username"):
                data.setdefault(key, "")
            data.setdefault("permission_mappings", [])
        result = endpoint_update(pk, request=request, expected_revision=expected_revision, **data)
        if result.token:
            return _with_token(result, status.HTTP_200_OK)
        return Response(EndpointOutputSerializer(result.endpoint).data)

    @extend_schema(operation_id="endpoints_update", request=EndpointInputSerializer,
                   responses=UPDATE_RESPONSES,
                   summary="Replace an endpoint (password optional: blank keeps it)")
    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    @extend_schema(operation_id="endpoints_partial_update", request=EndpointInputSerializer,
                   responses=UPDATE_RESPONSES,
                   summary="Change some fields of an endpoint")
    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    @extend_schema(operation_id="endpoints_destroy", request=None,
                   parameters=[OpenApiParameter("revision", int, required=False, description=(
                       "Optional. Refuse (409, nothing deleted) if the endpoint is no longer at this revision."))],
                   responses={204: None, **WRITE_RESPONSES},
                   summary="Delete (deactivate) an endpoint; its token stops working at once")
    def delete(self, request, pk):
        revision = EndpointRevisionInputSerializer(data=request.query_params)
        revision.is_valid(raise_exception=True)
        endpoint_delete(pk, request=request, expected_revision=revision.validated_data.get("revision"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointTokenApi(_EndpointApi):
    @extend_schema(operation_id="endpoints_token_regenerate", request=EndpointRevisionInputSerializer,
                   responses={200: EndpointWithTokenOutputSerializer, **WRITE_RESPONSES},
                   summary="Generate a new token (shown once); the old one fails at once")
    def post(self, request, pk):
        revision = EndpointRevisionInputSerializer(data=request.data)
        revision.is_valid(raise_exception=True)
        result = endpoint_token_regenerate(pk, request=request,
                                           expected_revision=revision.validated_data.get("revision"))
        return _with_token(result, status.HTTP_200_OK)
