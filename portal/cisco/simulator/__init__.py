"""An implementation of Cisco's Automated Software Distribution (ASD) API v4.0, over real HTTP.

Run it with ``python -m portal.cisco.simulator --port 8001`` or ``python manage.py simulator --port 8001``
(no Django needed by the former). Modules: ``cli`` (options), ``server`` (HTTP/1.1), ``app`` (dispatch),
``routes/`` (endpoints), ``catalog`` (the data, see CATALOG.md), ``content`` (image bytes), ``state``,
``auth``, ``ratelimit``, ``faults``, ``clock``, ``wire`` (request/response objects and the error body shape).
"""
