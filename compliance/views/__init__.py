"""Pages of the compliance app: the queue, the forms (read for all who may view, decided by officers), the trail."""

from compliance.views.audit import audit, audit_csv, audit_record
from compliance.views.forms import form_detail, form_refresh, forms_overview, queue, snapshot_detail

__all__ = [
    "audit",
    "audit_csv",
    "audit_record",
    "form_detail",
    "form_refresh",
    "forms_overview",
    "queue",
    "snapshot_detail",
]
