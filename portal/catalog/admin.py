from django.contrib import admin

from portal.catalog.models import (
    CatalogRefresh,
    CatalogRefreshPair,
    Image,
    ImageFamily,
    ImageStatus,
    Product,
    Recommendation,
    Release,
    SoftwareType,
    StandardRelease,
)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["pid", "mdf_id", "mdf_concept_name", "fetched_at"]
    search_fields = ["pid", "mdf_concept_name"]


@admin.register(SoftwareType)
class SoftwareTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "type_id"]
    search_fields = ["name", "type_id"]


class ImageInline(admin.TabularInline):
    model = Image
    extra = 0
    fields = ["name", "size", "md5", "crypto", "is_deleted", "psirt"]
    readonly_fields = fields
    can_delete = False


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["product", "version", "software_type", "is_suggested", "is_deferred", "is_deleted", "psirt"]
    list_filter = ["is_suggested", "is_deferred", "is_deleted", "psirt"]
    search_fields = ["product__pid", "version"]
    list_select_related = ["product", "software_type"]
    readonly_fields = ["sort_key", "fetched_at", "metadata_trans_id"]
    autocomplete_fields = ["product", "software_type"]
    inlines = [ImageInline]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["name", "release", "size", "crypto", "is_deleted", "fetched_at"]
    search_fields = ["name", "guid"]
    list_select_related = ["release__product"]
    raw_id_fields = ["release"]


@admin.register(ImageStatus)
class ImageStatusAdmin(admin.ModelAdmin):
    list_display = ["name", "known", "is_deleted", "is_deferred", "checked_at"]
    search_fields = ["name"]


@admin.register(StandardRelease)
class StandardReleaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "product", "family", "release", "site", "role", "created_by", "updated"]
    search_fields = ["product__pid", "family__key", "family__name", "site", "role"]
    raw_id_fields = ["product", "family", "release", "created_by"]
    list_select_related = ["product", "family", "release", "created_by"]

    def save_model(self, request, obj, form, change) -> None:  # noqa: ANN001 - Django's signature
        """Recommendations follow admin edits (the model's constraints keep one standard per scope)."""
        from portal.catalog.services.recommendations import recommendations_recompute
        from portal.catalog.services.standards import standard_pids

        before = standard_pids(StandardRelease.objects.get(pk=obj.pk)) if change else []
        super().save_model(request, obj, form, change)
        recommendations_recompute(pids=sorted({*before, *standard_pids(obj)}))


@admin.register(ImageFamily)
class ImageFamilyAdmin(admin.ModelAdmin):
    """Families are derived from the catalog: read only."""

    list_display = ["key", "name", "updated"]
    search_fields = ["key", "name", "products__pid"]
    readonly_fields = ["key", "name", "products", "updated"]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001 - Django's signature
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001 - Django's signature
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["device", "target_release", "reason", "upgrade_available", "on_standard", "computed_at"]
    list_filter = ["reason", "upgrade_available", "downgrade", "fit", "on_standard", "running_deleted", "psirt"]
    search_fields = ["device__hostname"]
    raw_id_fields = ["device", "current", "target_release", "target_image", "standard"]
    list_select_related = ["device", "target_release"]
    show_full_result_count = False


class PairInline(admin.TabularInline):
    model = CatalogRefreshPair
    extra = 0
    fields = ["pid", "current_release", "state", "calls", "records", "error_code"]
    readonly_fields = fields
    can_delete = False


@admin.register(CatalogRefresh)
class CatalogRefreshAdmin(admin.ModelAdmin):
    list_display = ["id", "state", "trigger", "pairs_done", "pairs_total", "pairs_failed", "calls", "created"]
    list_filter = ["state", "trigger"]
    readonly_fields = [f.name for f in CatalogRefresh._meta.fields]
    inlines = [PairInline]
