"""CATALOG.md's worked example builds the catalog the guide says it does."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from portal.cisco.simulator.catalog import load_catalog
from portal.cisco.simulator.content import ImageBytes
from tests.fixtures.simulator import ROOT

GUIDE = ROOT / "portal" / "cisco" / "simulator" / "CATALOG.md"


def test_the_family_example_builds_a_servable_catalog(tmp_path):
    code = re.search(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL).group(1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(  # noqa: S603 - the guide's own example
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    catalog = load_catalog(tmp_path / "lab-catalog.json")
    assert list(catalog.products) == ["C8000V"]
    images = {image.name: image for image in catalog.images_by_guid.values()}
    assert sorted(images) == [f"c8000v-universalk9.{v}.SPA.bin" for v in ("17.09.04a", "17.12.03", "17.13.01")]
    assert images["c8000v-universalk9.17.12.03.SPA.bin"].delivery == "cloud"
    assert images["c8000v-universalk9.17.13.01.SPA.bin"].deleted
    for image in images.values():
        assert (image.fields["md5"], image.fields["sha512"]) == ImageBytes(image.guid, image.size).digests()
