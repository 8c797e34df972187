from rest_framework import serializers

from accessrequests.models import AccessRequest, AccessRequestEvent


class AccessRequestEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessRequestEvent
        fields = ["id", "time", "from_status", "status", "actor_name", "justification", "window_start",
                  "window_end"]


class AccessRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessRequest
        fields = ["id", "ss_request_id", "secret_id", "requester_name", "status", "requested_at", "comment",
                  "reviewer_name", "justification", "reviewed_at", "window_start", "window_end", "synced_at"]
        read_only_fields = fields


class AccessRequestDetailSerializer(AccessRequestSerializer):
    events = AccessRequestEventSerializer(many=True, read_only=True)

    class Meta(AccessRequestSerializer.Meta):
        fields = [*AccessRequestSerializer.Meta.fields, "events"]
        read_only_fields = fields
