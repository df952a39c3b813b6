from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from portal.core.api.fields import ApiUrlField, DisplayField


class MeSerializer(serializers.Serializer):
    """The authenticated user and the roles they hold."""

    url = ApiUrlField("api-me", lookup=None, help_text="This answer in the API (absolute URL)")
    display = DisplayField(lambda me: me["full_name"] or me["username"], help_text="The full name, else the user name")
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    is_admin = serializers.BooleanField()
    permissions = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="ApiToken")
class TokenSerializer(serializers.Serializer):
    """A newly created API token: the key is shown in this response only."""

    key = serializers.CharField()
