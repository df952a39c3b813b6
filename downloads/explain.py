"""What a waiting or blocked job needs, said plainly for pages (the upstream's own message is shown as well), to
the reader: only those who may retry a job are told to press Retry."""

from __future__ import annotations

from downloads.choices import ComplianceNeed, JobState
from downloads.models import DownloadJob

_FORMS = {
    ComplianceNeed.K9: "a compliance officer must accept the K9 (export) form",
    ComplianceNeed.EULA: "a compliance officer must accept the End User License Agreement",
    ComplianceNeed.K9_EULA: "a compliance officer must accept both the K9 (export) form and the EULA",
}
_BLOCKS = [
    (("LOGIN",), "Cisco wants a logged-in Cisco.com user with download rights behind the API client's account."),
    (
        ("CONTRACT", "IMG_CONTRACT", "IAC_ERROR", "CPR_ADDRESS"),
        "Cisco wants a valid service contract associated with the API client's Cisco.com account (Profile "
        "Manager), or the profile completed.",
    ),
    (
        ("K9_REJECTED", "IMG_K9", "IP_CHECK_FAIL"),
        "Cisco refuses strong-encryption software to this account or location; only Cisco's trade office can "
        "change that (tradeopscpr@cisco.com).",
    ),
    (("SW_NO_LONGER_AVL",), "Cisco no longer distributes this image; choose another release."),
    (("PROD_REG", "DNAC_REG"), "The API client must be registered for this service with Cisco."),
]


def job_needs(job: DownloadJob, *, can_retry: bool = True) -> str:
    """One sentence: what must happen for this job to go on (empty when nothing is asked of anyone).

    ``can_retry``: whether the reader may press Retry; others (officers) are told who can, never to press it.
    """
    retry = "press Retry" if can_retry else "an engineer can retry it"
    if job.state == JobState.AWAITING_COMPLIANCE:
        form = _FORMS.get(job.waiting_for, "a compliance officer must record a decision")
        return f"To continue, {form} (Compliance → Forms); the download then resumes by itself."
    if job.state == JobState.BLOCKED_BY_COMPLIANCE:
        form = _FORMS.get(job.waiting_for, "a compliance officer must accept the form")
        cancel = " Until then it can be cancelled." if can_retry else ""
        return (
            f"The form was declined. To continue, {form} (Compliance → Forms); the download then resumes by "
            f"itself.{cancel}"
        )
    if job.state == JobState.BLOCKED:
        code = job.upstream_code or ""
        text = next(
            (text for prefixes, text in _BLOCKS if any(prefix in code for prefix in prefixes)),
            "Cisco refuses this download for this account; nothing Depot can accept changes that. Fix it with Cisco.",
        )
        return f"{text} Then {retry}."
    if job.state == JobState.FAILED:
        start = "Press Retry" if can_retry else "An engineer can retry it"
        return f"{start} to start again from the beginning (a partial download is resumed where possible)."
    return ""
