"""``python -m portal.cisco.simulator --port 8001 [...]``: run the ASD API v4.0 simulator."""

from portal.cisco.simulator.cli import main

raise SystemExit(main())
