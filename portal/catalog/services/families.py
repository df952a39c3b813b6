"""Image families kept in step with the catalog: which PIDs ship image files of which name stem, and the
family's name from what those PIDs' upstream names share (portal.cisco.imagefamily says how both are derived).

Families are derived, never typed: every recomputation of recommendations over PIDs (after a refresh, a standard
change, a look-up) syncs the families of those PIDs. A family row is kept when it loses its members, so a
standard set for it keeps its meaning when a later answer brings them back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from portal.catalog.caching import catalog_generation_next
from portal.catalog.models import Image, ImageFamily, Product, Release
from portal.cisco.imagefamily import image_family_key, series_name

KEY_LENGTH = ImageFamily._meta.get_field("key").max_length
NAME_LENGTH = ImageFamily._meta.get_field("name").max_length
Membership = ImageFamily.products.through


def family_key(image_name: str) -> str:
    """The family key of an image file name, as stored (cut to the column)."""
    return image_family_key(image_name)[:KEY_LENGTH]


def image_families_sync(*, keys_by_product: dict[int, set[str]]) -> None:
    """Make the memberships of these products what their images say (others' are left alone), create the
    families met for the first time and rename those whose members changed. Writes nothing when nothing changed."""
    if not keys_by_product:
        return
    have: dict[int, set[int]] = defaultdict(set)
    for product_id, family_id in Membership.objects.filter(product_id__in=list(keys_by_product)).values_list(
        "product_id", "imagefamily_id"
    ):
        have[product_id].add(family_id)
    ids = _family_ids(set().union(*keys_by_product.values()))
    added, touched = [], set()
    for product_id, keys in keys_by_product.items():
        want = {ids[key] for key in keys}
        for family_id in want - have[product_id]:
            added.append(Membership(product_id=product_id, imagefamily_id=family_id))
        gone = have[product_id] - want
        if gone:
            Membership.objects.filter(product_id=product_id, imagefamily_id__in=gone).delete()
        touched |= want ^ have[product_id]
    Membership.objects.bulk_create(added, ignore_conflicts=True)
    if touched:
        _rename(touched)
        catalog_generation_next()


def _family_ids(keys: set[str]) -> dict[str, int]:
    """Ids of the families of these keys, creating the missing ones (a concurrent creator's row is reused)."""
    ids = dict(ImageFamily.objects.filter(key__in=keys).values_list("key", "id"))
    missing = sorted(keys - ids.keys())
    if missing:
        ImageFamily.objects.bulk_create([ImageFamily(key=key) for key in missing], ignore_conflicts=True)
        ids.update(ImageFamily.objects.filter(key__in=missing).values_list("key", "id"))
    return ids


def _rename(family_ids: set[int]) -> None:
    names: dict[int, list[str]] = defaultdict(list)
    rows = Membership.objects.filter(imagefamily_id__in=family_ids).values_list(
        "imagefamily_id", "product__mdf_concept_name"
    )
    for family_id, concept in rows:
        names[family_id].append(concept)
    changed = []
    for family in ImageFamily.objects.filter(id__in=family_ids):
        name = series_name(names[family.id])[:NAME_LENGTH]
        if name != family.name:
            family.name = name
            changed.append(family)
    ImageFamily.objects.bulk_update(changed, ["name"])


def image_families_sync_pids(*, pids: Iterable[str] | None = None) -> None:
    """Sync the families of some PIDs (every PID of the catalog when None) from their stored images: one read of
    the main images' names, then :func:`image_families_sync`."""
    products = Product.objects.all() if pids is None else Product.objects.filter(pid__in=list(pids))
    keys: dict[int, set[str]] = {pk: set() for pk in products.values_list("pk", flat=True)}
    images = Image.objects.filter(is_related=False)
    if pids is not None:
        images = images.filter(release__product_id__in=list(keys))
    for product_id, name in images.values_list("release__product_id", "name").distinct().order_by():
        keys[product_id].add(family_key(name))
    image_families_sync(keys_by_product=keys)


def release_families(release: Release) -> list[ImageFamily]:
    """The families a release's main images belong to, by name, after syncing every PID's families (so a
    standard set for one of them reaches members whose devices were never recomputed since their catalog came)."""
    image_families_sync_pids()
    keys = {family_key(name) for name in release.images.filter(is_related=False).values_list("name", flat=True)}
    return list(ImageFamily.objects.filter(key__in=keys).order_by("name", "key"))
