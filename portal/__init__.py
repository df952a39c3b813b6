"""Depot: a self-hosted portal that gets Cisco software onto a network safely.

Nothing is imported here: the ASD simulator (``python -m portal.cisco.simulator``) lives in this package and
runs on the standard library alone. Django loads the Celery app when it starts (``portal.core.apps``), and
``celery -A portal`` finds it in ``portal/celery.py``.
"""
