"""Template context for the page chrome: the navigation and roles each user sees, and the upstream banner.

It lives in accounts because it reads the user's roles; core keeps the registries it reads (navigation, upstream)."""

from __future__ import annotations

from django.http import HttpRequest

from portal.accounts.access import user_roles
from portal.core.navigation import links_for
from portal.core.upstream import UpstreamStatus, upstream_status


def navigation(request: HttpRequest) -> dict:
    """The links and roles of the page chrome for the logged-in user (nothing for anonymous pages)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    engineer_links = links_for(request, "engineer")
    compliance_links = links_for(request, "compliance")

    def upstream_trouble() -> UpstreamStatus | None:
        # Engineers and officers start the work that needs the upstream, so they are told when it fails. A callable:
        # read (one cache read) only by templates that show the banner, not by every htmx fragment.
        if not (engineer_links or compliance_links):
            return None
        status = upstream_status()
        return status if status.failing else None

    return {
        "upstream_trouble": upstream_trouble,
        "nav": {
            "roles": user_roles(user),
            "engineer": bool(engineer_links),
            "officer": bool(compliance_links),
            "admin": user.is_staff,
            # shown on the phone's "Menu" button, where the links and their badges are folded away
            "badge_total": sum(item["badge"] for item in engineer_links + compliance_links),
        },
        "nav_engineer_links": engineer_links,
        "nav_compliance_links": compliance_links,
    }
