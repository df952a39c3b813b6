"""URL converters of device paths (registered in InventoryConfig.ready, before any URLconf is read)."""

from __future__ import annotations

DEVICE_ID_REGEX = "[0-9]{1,18}"
MAX_DEVICE_ID = 10**18 - 1  # the same bound for ids in request bodies (below every integer column's limit)


class DeviceIdConverter:
    """``<device_id:pk>``: up to 18 digits, so a huge number is a 404 rather than an integer no database column
    holds (SQLite raises OverflowError, PostgreSQL a DataError, both a 500)."""

    regex = DEVICE_ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
