"""Template context for the page chrome: the navigation each role sees."""

from __future__ import annotations

from django.http import HttpRequest

from portal.accounts.roles import user_roles
from portal.core.navigation import links_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    engineer_links = links_for(request, "engineer")
    compliance_links = links_for(request, "compliance")
    return {
        "nav": {
            "roles": user_roles(user),
            "engineer": bool(engineer_links),
            "officer": bool(compliance_links),
            "admin": user.is_staff,
        },
        "nav_engineer_links": engineer_links,
        "nav_compliance_links": compliance_links,
    }
