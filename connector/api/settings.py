"""/api/connector/settings/: read and update the configuration settings (the same services as the page)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from connector.access import IsConnectorStaffReadOnly
from connector.api.fields import StrictCharField
from connector.configuration import FIELD_RULES, LOG_FREQUENCIES, SettingsDocumentError
from connector.secretserver import SecretServerError, Unavailable
from connector.services.audit import AuditWriteError
from connector.services.configuration_service import (
    UPDATE_FAILED,
    SettingsBusy,
    SettingsConflict,
    SettingsInvalid,
    SettingsMirrorBehind,
    SettingsUnavailable,
    settings_document_fresh,
    settings_update,
)
from connector.services.setup import UNAVAILABLE


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
        log_frequency = StrictCharField(required=False)
        allow_http_endpoints = serializers.BooleanField(required=False)
        connector_disabled = serializers.BooleanField(required=False)
        auditors_group = StrictCharField(required=False, max_length=500)
        access_window_days = serializers.IntegerField(required=False)

        def validate(self, attrs):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown setting."] for name in unknown})
            return attrs

    @extend_schema(responses={200: OutputSerializer, 503: inline_serializer("SettingsUnavailable", {
        "detail": serializers.CharField()})}, summary="Read the configuration settings")
    def get(self, request):
        try:
            document = settings_document_fresh()
        except Unavailable:
            return Response({"detail": UNAVAILABLE}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        except SecretServerError as exc:
            return Response({"detail": exc.product_message or "Secret Server refused the request."},
                            status=status.HTTP_502_BAD_GATEWAY)
        except SettingsDocumentError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_502_BAD_GATEWAY)
        return Response(self.OutputSerializer(_document_data(document)).data)

    def _update(self, request, *, partial: bool):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        revision = values.pop("revision")
        if not partial:
            missing = [name for name in FIELD_RULES if name not in values]
            if missing:
                return Response({name: ["This field is required."] for name in missing},
                                status=status.HTTP_400_BAD_REQUEST)
        try:
            document = settings_update(actor=request.user, request=request, values=values,
                                       expected_revision=revision)
        except SettingsInvalid as exc:
            return Response({k: [v] for k, v in exc.field_errors.items()}, status=status.HTTP_400_BAD_REQUEST)
        except SettingsConflict as exc:
            return Response({"detail": exc.message, "current": _document_data(exc.current)},
                            status=status.HTTP_409_CONFLICT)
        except SettingsBusy as exc:
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT, headers={"Retry-After": "1"})
        except SettingsUnavailable as exc:
            return Response({"detail": exc.message}, status=status.HTTP_503_SERVICE_UNAVAILABLE
                            if "unavailable" in exc.message else status.HTTP_502_BAD_GATEWAY)
        except SettingsMirrorBehind as exc:
            return Response({**_document_data(exc.document), "warning": exc.message})
        except AuditWriteError as exc:
            return Response({"detail": f"{UPDATE_FAILED} {exc.safe_message}"},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(self.OutputSerializer(_document_data(document)).data)

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, 400: dict, 409: dict, 503: dict},
                   summary="Replace the configuration settings (every setting plus revision)")
    def put(self, request):
        return self._update(request, partial=False)

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, 400: dict, 409: dict, 503: dict},
                   summary="Change some configuration settings (with revision)")
    def patch(self, request):
        return self._update(request, partial=True)
