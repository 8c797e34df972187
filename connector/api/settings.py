"""/api/connector/settings/: read and update the configuration settings (the same services as the page)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from connector.access import IsConnectorStaffReadOnly
from connector.api.errors import FIELD_ERRORS, SECRET_SERVER_REFUSED, UNAVAILABLE
from connector.configuration import SETTINGS, SettingSpec
from connector.messages import MSG_UNKNOWN_SETTING
from connector.services.configuration_service import (
    SettingsMirrorBehind,
    settings_document_fresh,
    settings_update,
)


def _document_data(document) -> dict:
    return {**document.settings.as_dict(), "revision": document.revision}


def _output_field(spec: SettingSpec) -> serializers.Field:
    if spec.kind is bool:
        return serializers.BooleanField(help_text=spec.help)
    if spec.kind is int:
        return serializers.IntegerField(help_text=spec.help)
    if spec.choices:
        return serializers.ChoiceField(choices=spec.choices, help_text=spec.help)
    return serializers.CharField(help_text=spec.help)


def _input_field(spec: SettingSpec) -> serializers.Field:
    """Types only: the rules (ranges, choices, Allow HTTP) are the service's, so page and API agree."""
    if spec.kind is bool:
        return serializers.BooleanField(required=False, help_text=spec.help)
    if spec.kind is int:
        return serializers.IntegerField(required=False, help_text=spec.help)
    return serializers.CharField(required=False, help_text=spec.help)


class SettingsOutputSerializer(serializers.Serializer):
    """The revision and one field per declared setting (connector/configuration.py ``SETTINGS``)."""

    revision = serializers.IntegerField()

    def get_fields(self):
        return {**super().get_fields(), **{name: _output_field(spec) for name, spec in SETTINGS.items()}}


class SettingsInputSerializer(serializers.Serializer):
    """The revision read, and the settings to change (all of them for PUT). Unknown names are refused."""

    revision = serializers.IntegerField(min_value=0, help_text="The revision these values were read at.")

    def get_fields(self):
        return {**super().get_fields(), **{name: _input_field(spec) for name, spec in SETTINGS.items()}}

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [MSG_UNKNOWN_SETTING] for name in unknown})
        return attrs


class SettingsApi(APIView):
    """Configuration settings as Secret Server holds them. Writes must carry the revision they were read at."""

    permission_classes = [IsConnectorStaffReadOnly]
    OutputSerializer = SettingsOutputSerializer
    InputSerializer = SettingsInputSerializer

    def error_current(self, document) -> dict:
        """``current`` of a 409: the settings as Secret Server holds them now."""
        return self.OutputSerializer(_document_data(document)).data

    @extend_schema(responses={200: SettingsOutputSerializer, 502: SECRET_SERVER_REFUSED, 503: UNAVAILABLE},
                   summary="Read the configuration settings")
    def get(self, request):
        return Response(self.OutputSerializer(_document_data(settings_document_fresh())).data)

    def _update(self, request, *, partial: bool):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        revision = values.pop("revision")
        try:
            document = settings_update(actor=request.user, request=request, values=values,
                                       expected_revision=revision, complete=not partial)
        except SettingsMirrorBehind as exc:  # saved: the answer is the new settings, with a warning
            return Response({**_document_data(exc.document), "warning": exc.message})
        return Response(self.OutputSerializer(_document_data(document)).data)

    UPDATE_RESPONSES = {
        200: SettingsOutputSerializer, 400: FIELD_ERRORS,
        409: OpenApiResponse(inline_serializer("SettingsConflict", {
            "detail": serializers.CharField(), "current": SettingsOutputSerializer(required=False)}),
            description="Changed by someone else since `revision` (`current` holds what Secret Server has now), "
                        "or another save is in progress (`Retry-After: 1`, no `current`)."),
        502: SECRET_SERVER_REFUSED, 503: UNAVAILABLE,
    }

    @extend_schema(request=SettingsInputSerializer, responses=UPDATE_RESPONSES,
                   summary="Replace the configuration settings (every setting plus revision)")
    def put(self, request):
        return self._update(request, partial=False)

    @extend_schema(request=SettingsInputSerializer, responses=UPDATE_RESPONSES,
                   summary="Change some configuration settings (with revision)")
    def patch(self, request):
        return self._update(request, partial=True)
