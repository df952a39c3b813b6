from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from portal.accounts.access import user_roles
from portal.accounts.forms import TokenActionForm
from portal.accounts.services import api_token_create, api_token_hint, api_token_revoke


def profile(request: HttpRequest) -> HttpResponse:
    """The user's own page: roles and API token (create, rotate, revoke)."""
    new_key = None
    if request.method == "POST":
        form = TokenActionForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["action"] == "create":
                new_key = api_token_create(user=request.user)
                messages.success(request, "New API token created. Copy it now: it is shown only once.")
            else:
                revoked = api_token_revoke(user=request.user)
                messages.info(request, "API token revoked." if revoked else "You had no API token.")
                return redirect("profile")
    else:
        form = TokenActionForm()
    context = {
        "roles": user_roles(request.user),
        "token_hint": api_token_hint(user=request.user),
        "new_key": new_key,
        "form": form,
    }
    return render(request, "accounts/profile.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, the validators of settings, the session kept), back to the profile
    with a message instead of a page of its own."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("profile")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password was changed.")
        return response
