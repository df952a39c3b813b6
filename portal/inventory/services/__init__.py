"""Everything that changes inventory state: devices (one or many), imports, show version, NetBox, seeding."""
