from rest_framework import serializers


class MeSerializer(serializers.Serializer):
    """The authenticated user and the roles they hold."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    is_admin = serializers.BooleanField()
    permissions = serializers.ListField(child=serializers.CharField())


class TokenSerializer(serializers.Serializer):
    """A newly created API token: the key is shown in this response only."""

    key = serializers.CharField()
