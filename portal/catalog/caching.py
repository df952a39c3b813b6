"""Catalog reads kept in the shared cache for one "generation" of the catalog.

A release browser (the device page, the product page, the API's release lists) reads a product's releases with
their images, standards and image families, and the API serializes them: most of those requests' time. The rows
change only when Depot stores an upstream answer, a standard is set or removed, or image families are synced, so
the reads are cached under the catalog's generation token (:mod:`portal.core.counts`) and every write of a catalog
row starts a new generation:

- saves and deletes through the ORM (standards, the admin, look-ups) by :func:`catalog_row_written`, connected in
  ``CatalogConfig.ready`` to the catalog's models;
- bulk writers (the catalog store, image families, the demo seed), which signal nothing, by calling
  :func:`catalog_generation_next` themselves.

A generation starts at once (a later read in the writer's own transaction sees its rows) and again when the
writer's transaction commits: a reader in another process that met the first token while the rows were not yet
committed may have cached what it saw under it, and the second token is never that one. Device counts per release
are not part of it: they follow the fleet generation. Keys also carry the catalog models' fields, so a deploy that
changes them never unpickles rows of the old shape.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

from portal.core.counts import generation_cached, generation_next

CATALOG = "catalog"
CATALOG_TTL = 3600
T = TypeVar("T")


@functools.cache
def _models_shape() -> str:
    """A digest of the cached models' fields: part of every key (computed once per process)."""
    from portal.catalog.models import Image, ImageFamily, Product, Release, SoftwareType, StandardRelease

    models = (Product, SoftwareType, Release, Image, ImageFamily, StandardRelease)
    text = ";".join(f"{m._meta.label}:{','.join(f.attname for f in m._meta.concrete_fields)}" for m in models)
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def catalog_generation_next() -> None:
    """Start a new catalog generation now and again when the current transaction commits (see the module)."""
    generation_next(CATALOG)
    transaction.on_commit(lambda: generation_next(CATALOG))


def catalog_row_written(**_: Any) -> None:
    """Receiver of post_save, post_delete and m2m_changed of the catalog's models."""
    catalog_generation_next()


def catalog_cached(name: str, parts: tuple, compute: Callable[[], T], *, also: tuple[str, ...] = ()) -> T:
    """``compute()`` once per catalog generation (and those named in ``also``, e.g. the fleet's) and ``parts``
    (what the result depends on besides those rows: a product id, the filters, the request's URL), then from the
    shared cache."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
    return generation_cached((CATALOG, *also), f"catalog:{name}:{_models_shape()}:{digest}", compute, CATALOG_TTL)
