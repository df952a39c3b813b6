"""Depot: a self-hosted portal that gets Cisco software onto a network safely."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
