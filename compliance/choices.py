"""Fixed vocabularies of the compliance app."""

from __future__ import annotations

from django.db import models

from downloads.choices import ComplianceNeed


class FormKind(models.TextChoices):
    """The two legal forms of the ASD API (GET/POST compliance/k9 and compliance/eula)."""

    K9 = "k9", "K9 (export)"
    EULA = "eula", "EULA (licence)"


class DecisionStatus(models.TextChoices):
    """The answer to a form, spelled as the spec's ``status`` field."""

    ACCEPTED = "Accepted", "Accepted"
    DECLINED = "Declined", "Declined"


# Which forms a download job waits on, by DownloadJob.waiting_for.
FORMS_FOR_NEED: dict[str, tuple[str, ...]] = {
    ComplianceNeed.K9: (FormKind.K9,),
    ComplianceNeed.EULA: (FormKind.EULA,),
    ComplianceNeed.K9_EULA: (FormKind.K9, FormKind.EULA),
}
# ...and the other way round: the waiting_for values that mean "waits on this form".
NEEDS_FOR_FORM: dict[str, tuple[str, ...]] = {
    FormKind.K9: (ComplianceNeed.K9, ComplianceNeed.K9_EULA),
    FormKind.EULA: (ComplianceNeed.EULA, ComplianceNeed.K9_EULA),
}
