"""Read-only admin views of the compliance records: nobody adds, changes or deletes them here, admins included."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from compliance.models import ChainHead, Decision, FormSnapshot


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows rows; every write permission is refused whatever the user's permissions say."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "created_at", "kind", "status", "posted_ok", "decided_by_username", "sub_app_version")
    list_filter = ("kind", "status", "posted_ok")
    search_fields = ("decided_by_username", "file_names", "comments")
    ordering = ("-sequence",)


@admin.register(FormSnapshot)
class FormSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("kind", "sub_app_version", "sha256", "fetched_at", "last_seen_at")
    list_filter = ("kind",)


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("length", "last_hash", "updated_at")
