"""/api/connector/settings/: read and update the configuration settings (the same services as the page)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from connector.access import IsConnectorStaffReadOnly
from connector.api.errors import FIELD_ERRORS, SECRET_SERVER_REFUSED, UNAVAILABLE
from connector.configuration import FIELD_RULES, LOG_FREQUENCIES
from connector.errors import InvalidInput
from connector.messages import MSG_FIELD_REQUIRED, MSG_SETTINGS_UPDATE_FAILED, MSG_UNKNOWN_SETTING
from connector.services.configuration_service import (
    SettingsMirrorBehind,
    settings_document_fresh,
    settings_update,
)


def _document_data(document) -> dict:
    return {**document.settings.as_dict(), "revision": document.revision}


class SettingsApi(APIView):
    """Configuration settings as Secret Server holds them. Writes must carry the revision they were read at."""

    permission_classes = [IsConnectorStaffReadOnly]

    class OutputSerializer(serializers.Serializer):
        revision = serializers.IntegerField()
        bulk_max_operations = serializers.IntegerField(help_text=FIELD_RULES["bulk_max_operations"][1])
        bulk_max_payload = serializers.IntegerField(help_text=FIELD_RULES["bulk_max_payload"][1])
        ui_session_minutes = serializers.IntegerField(help_text=FIELD_RULES["ui_session_minutes"][1])
        endpoint_token_days = serializers.IntegerField(help_text=FIELD_RULES["endpoint_token_days"][1])
        error_threshold = serializers.IntegerField(help_text=FIELD_RULES["error_threshold"][1])
        log_frequency = serializers.ChoiceField(choices=LOG_FREQUENCIES)
        allow_http_endpoints = serializers.BooleanField(help_text=FIELD_RULES["allow_http_endpoints"][1])
        connector_disabled = serializers.BooleanField(help_text=FIELD_RULES["connector_disabled"][1])
        auditors_group = serializers.CharField(help_text=FIELD_RULES["auditors_group"][1])
        access_window_days = serializers.IntegerField(help_text=FIELD_RULES["access_window_days"][1])

    class InputSerializer(serializers.Serializer):
        """Types only; the rules (ranges, choices, Allow HTTP) are the service's, so page and API agree."""

        revision = serializers.IntegerField(min_value=0, help_text="The revision these values were read at.")
        bulk_max_operations = serializers.IntegerField(required=False)
        bulk_max_payload = serializers.IntegerField(required=False)
        ui_session_minutes = serializers.IntegerField(required=False)
        endpoint_token_days = serializers.IntegerField(required=False)
        error_threshold = serializers.IntegerField(required=False)
        log_frequency = serializers.CharField(required=False)
        allow_http_endpoints = serializers.BooleanField(required=False)
        connector_disabled = serializers.BooleanField(required=False)
        auditors_group = serializers.CharField(required=False, max_length=500)
        access_window_days = serializers.IntegerField(required=False)

        def validate(self, attrs):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [MSG_UNKNOWN_SETTING] for name in unknown})
            return attrs

    def error_current(self, document) -> dict:
        """``current`` of a 409: the settings as Secret Server holds them now."""
        return self.OutputSerializer(_document_data(document)).data

    @extend_schema(responses={200: OutputSerializer, 502: SECRET_SERVER_REFUSED, 503: UNAVAILABLE},
                   summary="Read the configuration settings")
    def get(self, request):
        return Response(self.OutputSerializer(_document_data(settings_document_fresh())).data)

    def _update(self, request, *, partial: bool):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        revision = values.pop("revision")
        if not partial:
            missing = [name for name in FIELD_RULES if name not in values]
            if missing:
                raise InvalidInput(MSG_SETTINGS_UPDATE_FAILED, field_errors={name: MSG_FIELD_REQUIRED
                                                                            for name in missing})
        try:
            document = settings_update(actor=request.user, request=request, values=values,
                                       expected_revision=revision)
        except SettingsMirrorBehind as exc:  # saved: the answer is the new settings, with a warning
            return Response({**_document_data(exc.document), "warning": exc.message})
        return Response(self.OutputSerializer(_document_data(document)).data)

    UPDATE_RESPONSES = {
        200: OutputSerializer, 400: FIELD_ERRORS,
        409: OpenApiResponse(inline_serializer("SettingsConflict", {
            "detail": serializers.CharField(), "current": OutputSerializer(required=False)}),
            description="Changed by someone else since `revision` (`current` holds what Secret Server has now), "
                        "or another save is in progress (`Retry-After: 1`, no `current`)."),
        502: SECRET_SERVER_REFUSED, 503: UNAVAILABLE,
    }

    @extend_schema(request=InputSerializer, responses=UPDATE_RESPONSES,
                   summary="Replace the configuration settings (every setting plus revision)")
    def put(self, request):
        return self._update(request, partial=False)

    @extend_schema(request=InputSerializer, responses=UPDATE_RESPONSES,
                   summary="Change some configuration settings (with revision)")
    def patch(self, request):
        return self._update(request, partial=True)
