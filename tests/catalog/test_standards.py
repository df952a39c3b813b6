"""Standards by PID or image family, narrowed by site and role: which one applies (the precedence order), what the
device is told, the families derived from the catalog, and the API and pages that never overwrite silently."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.catalog.choices import Reason
from portal.catalog.models import ImageFamily, Product, Recommendation, StandardRelease
from portal.catalog.services.recommendations import recommendations_recompute
from portal.catalog.services.standards import StandardExists, standard_release_delete, standard_release_set
from portal.inventory.choices import OsFamily
from tests.factories_inventory import DeviceFactory, catalog_of

pytestmark = pytest.mark.django_db

C9300 = [
    ("16.12.10a",),
    ("17.3.8a", "suggested"),
    ("17.6.7", "suggested"),
    ("17.9.1", "deferred", "deleted"),
    ("17.9.4", "psirt"),
    ("17.9.4a", "suggested"),
    ("17.9.5", "suggested"),
    ("17.12.4", "suggested"),
    ("17.15.1",),
]
NAMES = {
    "C9300-24P": "Catalyst 9300 24-port Data and PoE+ Switch",
    "C9300-48U": "Catalyst 9300 48-port UPOE Switch",
    "C9300X-12Y": "Catalyst 9300X 12-port 25G Fiber Switch",
}


@pytest.fixture
def c9300() -> dict[str, dict]:
    """Two Catalyst 9300 PIDs shipping the same cat9k_iosxe files, and a 9300X that has only the newest two."""
    out = {pid: catalog_of(pid, C9300) for pid in ("C9300-24P", "C9300-48U")}
    out["C9300X-12Y"] = catalog_of("C9300X-12Y", C9300[-2:])
    for pid, name in NAMES.items():
        Product.objects.filter(pid=pid).update(mdf_concept_name=name)
    recommendations_recompute()  # derives the families
    return out


def _family() -> ImageFamily:
    return ImageFamily.objects.get(key="cat9k_iosxe")


def _rec(device) -> Recommendation:
    recommendations_recompute(device_ids=[device.pk])  # the factory writes rows, not through the services
    return Recommendation.objects.select_related("target_release", "standard__family", "standard__product").get(
        device=device
    )


def test_a_family_is_every_pid_shipping_the_same_image_files_named_as_their_series(c9300):
    catalog_of("C9200-24P", [("17.9.4a", "suggested")], image="cat9k_lite_iosxe.{}.SPA.bin")
    recommendations_recompute()
    family = _family()
    assert sorted(family.products.values_list("pid", flat=True)) == ["C9300-24P", "C9300-48U", "C9300X-12Y"]
    assert family.name == "Catalyst 9300" and family.display == "Catalyst 9300 family"
    lite = ImageFamily.objects.get(key="cat9k_lite_iosxe")
    assert list(lite.products.values_list("pid", flat=True)) == ["C9200-24P"]
    assert lite.display == "Product C9200-24P family"  # one PID: its own upstream name


def test_a_family_follows_the_catalog_and_is_renamed_with_its_members(c9300):
    catalog_of("C9300L-24P-4G", [("17.12.4", "suggested")])
    Product.objects.filter(pid="C9300L-24P-4G").update(mdf_concept_name="Catalyst 9300L 24-port PoE+ Switch")
    DeviceFactory(pid="C9300L-24P-4G", current_release="17.12.4")  # recompute() covers PIDs with devices
    DeviceFactory(pid="C9300-24P", current_release="17.12.4")
    recommendations_recompute()
    assert "C9300L-24P-4G" in _family().products.values_list("pid", flat=True)
    assert _family().name == "Catalyst 9300"
    Product.objects.filter(pid="C9300L-24P-4G").update(mdf_concept_name="Catalyst 9000 Switch")
    recommendations_recompute(pids=["C9300-24P"])  # names are only recomputed when members change
    assert _family().name == "Catalyst 9300"


def test_precedence_pid_before_family_then_site_then_role(c9300):
    """The whole order, one level at a time: each standard removed hands the device to the next one down."""
    pid, family = c9300["C9300-24P"], _family()
    order = [  # highest first: (scope, site, role, version)
        ("pid", "ber1", "core", "17.15.1"),
        ("pid", "ber1", "", "17.12.4"),
        ("pid", "", "core", "17.9.5"),
        ("pid", "", "", "17.9.4a"),
        ("family", "ber1", "core", "17.9.4"),
        ("family", "ber1", "", "17.6.7"),
        ("family", "", "core", "17.3.8a"),
        ("family", "", "", "16.12.10a"),
    ]
    standards = [
        standard_release_set(
            release=pid[version] if scope == "pid" else c9300["C9300-48U"][version],
            family=family if scope == "family" else None,
            site=site,
            role=role,
        )
        for scope, site, role, version in reversed(order)
    ][::-1]
    device = DeviceFactory(pid="C9300-24P", current_release="17.3.8a", site="ber1", role="core")
    other = DeviceFactory(pid="C9300-48U", current_release="17.3.8a", site="lon1", role="core")
    assert _rec(other).target_release.version == "17.3.8a"  # family and role: the only ones matching it
    assert _rec(other).standard.scope_text == "Catalyst 9300 family, role core"
    for standard, (scope, site, role, version) in zip(standards, order, strict=True):
        rec = _rec(device)
        assert rec.target_release.version == version, (scope, site, role)
        assert rec.standard_id == standard.pk
        assert rec.target_release.product.pid == "C9300-24P"  # a family standard gives the PID its own release
        standard_release_delete(standard=standard)
    assert _rec(device).reason == Reason.SUGGESTED


def test_the_device_is_told_which_standard_and_where_from(c9300, client, engineer):
    standard_release_set(release=c9300["C9300-48U"]["17.9.5"], family=_family(), site="Munich")
    device = DeviceFactory(pid="C9300-24P", current_release="17.3.8a", site="Munich", role="access")
    rec = _rec(device)
    assert rec.reason == Reason.STANDARD and rec.standard.scope_text == "Catalyst 9300 family, site Munich"
    assert (
        rec.reason_text == "The standard for Catalyst 9300 family, site Munich is 17.9.5; running 17.3.8a: an upgrade."
    )
    client.force_login(engineer)
    page = client.get(f"/devices/{device.pk}/").content.decode()
    assert 'id="standard-scope">Standard for Catalyst 9300 family, site Munich</p>' in page
    assert '17.9.5 — standard for Catalyst 9300 family, site Munich <span class="pill ok">applies</span>' in page


def test_a_family_standard_a_pid_does_not_publish_is_passed_over_and_said(c9300):
    standard_release_set(release=c9300["C9300-24P"]["17.9.5"], family=_family())
    device = DeviceFactory(pid="C9300X-12Y", current_release="17.12.4")
    rec = _rec(device)
    assert rec.standard is None and rec.reason == Reason.LATEST and rec.target_release.version == "17.15.1"
    assert "(The standard for Catalyst 9300 family, 17.9.5, is not published for C9300X-12Y.)" in rec.reason_text


def test_family_standards_apply_only_to_the_software_the_device_runs():
    common = {"type_name": "NX-OS System Software", "type_id": "282088129"}
    catalog_of("N9K-C93180YC-FX", [("9.3(12)", "suggested"), ("9.3(13)",)], image="nxos.{}.bin", **common)
    catalog_of("N9K-C93180YC-FX", [("10.3(5)M", "suggested"), ("10.4(4)M",)], image="nxos64-cs.{}.bin", **common)
    catalog_of("N9K-C93180YC-FX", [("10.4(4)M",)], type_id="282088132", type_name="NX-OS EPLD Updates",
               image="n9000-epld.{}.img")  # fmt: skip
    old = DeviceFactory(pid="N9K-C93180YC-FX", current_release="9.3(10)", running_image="nxos.9.3.10.bin",
                        os_family=OsFamily.NX_OS)  # fmt: skip
    new = DeviceFactory(pid="N9K-C93180YC-FX", current_release="10.2(5)M", running_image="nxos64-cs.10.2.5.M.bin",
                        os_family=OsFamily.NX_OS)  # fmt: skip
    recommendations_recompute()
    product = Product.objects.get(pid="N9K-C93180YC-FX")
    release = {(r.version, r.software_type.type_id): r for r in product.releases.select_related("software_type")}
    epld_release = release["10.4(4)M", "282088132"]
    epld = standard_release_set(release=epld_release, family=ImageFamily.objects.get(key="n9000-epld"))
    assert _rec(new).standard is None  # an EPLD standard is not the system software's
    standard_release_set(release=release["9.3(13)", "282088129"], family=ImageFamily.objects.get(key="nxos"))
    standard_release_set(release=release["10.4(4)M", "282088129"], family=ImageFamily.objects.get(key="nxos64-cs"))
    # Equal standards of one software type: the family of the image the device runs.
    assert _rec(old).target_release.version == "9.3(13)"
    assert _rec(new).target_release.version == "10.4(4)M"
    assert _rec(new).target_release.software_type.name == "NX-OS System Software"
    assert epld.pk not in {_rec(old).standard_id, _rec(new).standard_id}


def test_a_scope_that_has_a_standard_is_never_overwritten_silently(c9300):
    first = standard_release_set(release=c9300["C9300-24P"]["17.9.4a"], family=_family(), site="ber1", note="CAB-1")
    with pytest.raises(StandardExists) as refused:
        standard_release_set(release=c9300["C9300-24P"]["17.12.4"], family=_family(), site="ber1")
    assert refused.value.existing.pk == first.pk
    first.refresh_from_db()
    assert first.release.version == "17.9.4a" and first.note == "CAB-1"
    replaced = standard_release_set(release=c9300["C9300-24P"]["17.12.4"], family=_family(), site="ber1", replace=True)
    assert replaced.pk == first.pk and replaced.release.version == "17.12.4" and replaced.note == "CAB-1"
    # A PID standard and a family standard of the same site are different scopes.
    standard_release_set(release=c9300["C9300-24P"]["17.9.5"], site="ber1")
    assert StandardRelease.objects.count() == 2


def test_bad_scopes_are_refused(c9300):
    catalog_of("C9200-24P", [("17.9.4a", "suggested")], image="cat9k_lite_iosxe.{}.SPA.bin")
    with pytest.raises(ValidationError, match="ships no image of the Catalyst 9300 family"):
        standard_release_set(release=Product.objects.get(pid="C9200-24P").releases.get(), family=_family())
    with pytest.raises(ValidationError, match="must not contain < or >"):
        standard_release_set(release=c9300["C9300-24P"]["17.9.4a"], site="<b>ber1</b>")
    with pytest.raises(ValidationError, match="control or invisible character"):
        standard_release_set(release=c9300["C9300-24P"]["17.9.4a"], role="core\u202e")
    with pytest.raises(ValidationError, match="deleted or deferred"):
        standard_release_set(release=c9300["C9300-24P"]["17.9.1"], family=_family())
    assert not StandardRelease.objects.exists()


# --- API ----------------------------------------------------------------------------------------------------


def test_api_family_standard_and_409_for_an_existing_scope(api_as, engineer, c9300):
    device = DeviceFactory(pid="C9300-48U", current_release="17.3.8a", site="ber1")
    api = api_as(engineer)
    body = {"release": c9300["C9300-24P"]["17.9.4a"].pk, "family": "cat9k_iosxe", "site": "ber1", "note": "CAB-1"}
    created = api.post("/api/v1/catalog/standards/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["pid"] is None and created.json()["family"] == "cat9k_iosxe"
    assert created.json()["family_name"] == "Catalyst 9300 family"
    assert created.json()["scope_text"] == "Catalyst 9300 family, site ber1"
    rec = api.get(f"/api/v1/devices/{device.pk}/recommendation/").json()
    assert rec["target_release"] == "17.9.4a" and rec["standard"] == "Catalyst 9300 family, site ber1"

    again = api.post("/api/v1/catalog/standards/", {**body, "release": c9300["C9300-24P"]["17.12.4"].pk, "note": ""})
    assert again.status_code == 409
    assert again.json()["code"] == "standard_exists" and again.json()["existing_id"] == created.json()["id"]
    assert f"/api/v1/catalog/standards/{created.json()['id']}/" in again.json()["message"]
    kept = api.get(f"/api/v1/catalog/standards/{created.json()['id']}/").json()
    assert kept["note"] == "CAB-1" and kept["version"] == "17.9.4a"

    changed = api.patch(f"/api/v1/catalog/standards/{kept['id']}/", {"release": c9300["C9300-24P"]["17.12.4"].pk})
    assert changed.status_code == 200 and changed.json()["version"] == "17.12.4" and changed.json()["note"] == "CAB-1"
    assert api.get(f"/api/v1/devices/{device.pk}/recommendation/").json()["target_release"] == "17.12.4"


def test_api_pid_standard_twice_and_a_scope_change_onto_another_are_409(api_as, engineer, c9300):
    api = api_as(engineer)
    first = api.post("/api/v1/catalog/standards/", {"release": c9300["C9300-24P"]["17.9.4a"].pk}).json()
    second = api.post("/api/v1/catalog/standards/", {"release": c9300["C9300-24P"]["17.9.5"].pk})
    assert second.status_code == 409 and second.json()["existing_id"] == first["id"]
    other = api.post("/api/v1/catalog/standards/", {"release": c9300["C9300-24P"]["17.9.5"].pk, "role": "core"}).json()
    moved = api.patch(f"/api/v1/catalog/standards/{other['id']}/", {"role": ""})
    assert moved.status_code == 409 and moved.json()["existing_id"] == first["id"]
    assert StandardRelease.objects.get(pk=other["id"]).role == "core"


def test_api_refuses_a_family_the_release_does_not_ship_and_unknown_families(api_as, engineer, c9300):
    catalog_of("C9200-24P", [("17.9.4a", "suggested")], image="cat9k_lite_iosxe.{}.SPA.bin")
    api = api_as(engineer)
    lite = Product.objects.get(pid="C9200-24P").releases.get()
    wrong = api.post("/api/v1/catalog/standards/", {"release": lite.pk, "family": "cat9k_iosxe"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_standard"
    unknown = api.post("/api/v1/catalog/standards/", {"release": lite.pk, "family": "nope"}, format="json")
    assert unknown.status_code == 400 and "family" in unknown.json()["fields"]
    assert not StandardRelease.objects.exists()


def test_api_lists_families_with_their_pids(api_as, engineer, c9300):
    body = api_as(engineer).get("/api/v1/catalog/families/").json()
    family = next(f for f in body["results"] if f["key"] == "cat9k_iosxe")
    assert family["display"] == "Catalyst 9300 family"
    assert family["pids"] == ["C9300-24P", "C9300-48U", "C9300X-12Y"]
    one = api_as(engineer).get("/api/v1/catalog/families/cat9k_iosxe/").json()
    assert one["name"] == "Catalyst 9300"


# --- pages --------------------------------------------------------------------------------------------------


def test_standards_page_adds_a_family_standard(client, engineer, c9300):
    device = DeviceFactory(pid="C9300-48U", current_release="17.3.8a", site="Munich")
    client.force_login(engineer)
    page = client.get("/catalog/standards/").content.decode()
    assert 'id="standard-add"' in page and "Catalyst 9300 family (cat9k_iosxe, 3 PIDs)" in page
    response = client.post(
        "/catalog/standards/add/",
        {"scope": "family", "family": "cat9k_iosxe", "version": "17.09.05", "site": "Munich", "note": "golden"},
        follow=True,
    )
    assert "17.9.5 is now the standard for Catalyst 9300 family, site Munich." in response.content.decode()
    assert _rec(device).target_release.version == "17.9.5"
    listing = client.get("/catalog/standards/").content.decode()
    assert 'data-scope="Catalyst 9300 family, site Munich"' in listing and "1 standard<" in listing


def test_standards_page_form_errors_keep_what_was_typed(client, engineer, c9300):
    client.force_login(engineer)
    missing = client.post("/catalog/standards/add/", {"scope": "pid", "pid": "C9300-24P", "version": "99.1.1"})
    assert missing.status_code == 400
    assert "The catalog holds no release 99.1.1 of C9300-24P" in missing.content.decode()
    assert 'value="99.1.1"' in missing.content.decode()
    no_family = client.post("/catalog/standards/add/", {"scope": "family", "version": "17.9.5"})
    assert no_family.status_code == 400 and "Choose the image family." in no_family.content.decode()
    client.post("/catalog/standards/add/", {"scope": "pid", "pid": "C9300-24P", "version": "17.9.4a", "note": "first"})
    again = client.post("/catalog/standards/add/", {"scope": "pid", "pid": "c9300-24p", "version": "17.9.5"})
    assert again.status_code == 400
    assert "A standard already covers C9300-24P: 17.9.4a" in again.content.decode()
    assert StandardRelease.objects.get().release.version == "17.9.4a"
    replaced = client.post(
        "/catalog/standards/add/", {"scope": "pid", "pid": "C9300-24P", "version": "17.9.5", "replace": "on"}
    )
    assert replaced.status_code == 302
    kept = StandardRelease.objects.get()
    assert kept.release.version == "17.9.5" and kept.note == "first"


def test_release_list_marks_a_family_standard(client, engineer, c9300):
    device = DeviceFactory(pid="C9300-48U", current_release="17.3.8a")
    client.force_login(engineer)
    page = client.get("/catalog/products/C9300-24P/").content.decode()
    assert '<option value="cat9k_iosxe">every PID of the Catalyst 9300 family (cat9k_iosxe)</option>' in page
    release = c9300["C9300-24P"]["17.9.4a"]
    client.post("/catalog/standards/new/", {"release": release.pk, "family": "cat9k_iosxe", "next": "/"})
    assert _rec(device).target_release.version == "17.9.4a"
    other = client.get("/catalog/products/C9300-48U/").content.decode()
    assert "standard · Catalyst 9300 family" in other  # shown on the other member's release too
    refused = client.post("/catalog/standards/new/", {"release": release.pk, "family": "cat9k_iosxe"}, follow=True)
    assert "A standard already covers Catalyst 9300 family: 17.9.4a" in refused.content.decode()


def test_admin_edits_of_a_family_standard_recompute_its_members(client, administrator, c9300):
    device = DeviceFactory(pid="C9300-48U", current_release="17.3.8a")
    recommendations_recompute()
    client.force_login(administrator)
    response = client.post(
        "/admin/catalog/standardrelease/add/",
        {"family": _family().pk, "release": c9300["C9300-24P"]["17.9.5"].pk, "site": "", "role": "", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Recommendation.objects.get(device=device).target_release.version == "17.9.5"
    both = client.post(
        "/admin/catalog/standardrelease/add/",
        {
            "product": Product.objects.get(pid="C9300-24P").pk,
            "family": _family().pk,
            "release": c9300["C9300-24P"]["17.6.7"].pk,
        },
    )
    assert both.status_code == 200 and StandardRelease.objects.count() == 1  # a PID or a family, not both


def test_the_recommendations_list_says_what_each_detail_says(api_as, engineer, c9300):
    """The list reads the target's and the standard's names as annotations, the detail through the relations."""
    family = DeviceFactory(pid="C9300-48U", current_release="17.3.8a", site="ber1")
    pid = DeviceFactory(pid="C9300-24P", current_release="17.3.8a", site="muc1", role="core")
    unknown = DeviceFactory(pid="N9K-C93180YC-FX", current_release="9.3(8)")  # no catalog: no target
    api = api_as(engineer)
    for body in (
        {"release": c9300["C9300-24P"]["17.9.4a"].pk, "family": "cat9k_iosxe", "site": "ber1"},
        {"release": c9300["C9300-24P"]["17.12.4"].pk, "role": "core"},
    ):
        assert api.post("/api/v1/catalog/standards/", body, format="json").status_code == 201
    recommendations_recompute()

    listed = {row["device"]: row for row in api.get("/api/v1/catalog/recommendations/?page_size=500").json()["results"]}
    assert listed[family.pk]["standard"] == "Catalyst 9300 family, site ber1"
    assert listed[pid.pk]["standard"] == "C9300-24P, role core" and listed[pid.pk]["target_release"] == "17.12.4"
    assert listed[unknown.pk]["target_release"] is None and listed[unknown.pk]["standard"] is None
    for device in (family, pid, unknown):
        assert listed[device.pk] == api.get(f"/api/v1/catalog/recommendations/{device.pk}/").json()
