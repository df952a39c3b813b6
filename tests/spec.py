"""Where the tests read the ASD API v4.0 spec and its JSON samples: the copy kept in tests/data/spec/, so the suite
runs on any machine."""

from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent / "data" / "spec"
SPEC_TEXT = SPEC_DIR / "cisco-asd-api-v4.0.txt"
SAMPLES_DIR = SPEC_DIR / "samples"
