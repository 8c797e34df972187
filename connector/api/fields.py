"""Serializer fields that take the type a client sent at its word.

DRF's ``CharField`` turns a number into its text, so ``{"name": 1e999999}`` became the endpoint name "inf"
and ``{"name": 12}`` the name "12". A value that should be a string must arrive as a JSON string.
"""
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    default_error_messages = {"not_a_string": "Not a valid string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)
