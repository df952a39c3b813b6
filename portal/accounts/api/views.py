from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.access import user_roles
from portal.accounts.api.serializers import MeSerializer, TokenSerializer
from portal.accounts.services import api_token_create, api_token_revoke
from portal.core.api.exceptions import ServiceError
from portal.core.api.schemas import ErrorSerializer


class MeView(APIView):
    """Who am I: the user behind this token or session, with roles and permissions."""

    @extend_schema(responses={200: MeSerializer, 401: ErrorSerializer})
    def get(self, request: Request) -> Response:
        user = request.user
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "email": user.email,
            "full_name": user.get_full_name(),
            "roles": user_roles(user),
            "is_admin": user.is_staff,
            "permissions": sorted(user.get_all_permissions()),
        }
        return Response(MeSerializer(data, context={"request": request}).data)


class MyTokenView(APIView):
    """Create (rotate) or revoke the caller's own API token."""

    @extend_schema(
        request=None,
        responses={201: TokenSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        description="From a logged-in session only: a token cannot mint its own successor, so a leaked token "
        "cannot be made to outlive its revocation.",
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            raise ServiceError(
                "Create a token from a logged-in session (your profile page), not with a token.",
                code="session_required",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        key = api_token_create(user=request.user)
        return Response(TokenSerializer({"key": key}).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 401: ErrorSerializer})
    def delete(self, request: Request) -> Response:
        api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
