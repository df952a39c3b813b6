"""What a waiting or blocked job needs, said plainly for pages (the upstream's own message is shown as well)."""

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


def job_needs(job: DownloadJob) -> str:
    """One sentence: what must happen for this job to go on (empty when nothing is asked of anyone)."""
    if job.state == JobState.AWAITING_COMPLIANCE:
        form = _FORMS.get(job.waiting_for, "a compliance officer must record a decision")
        return f"To continue, {form} (Compliance → Forms); the download then resumes by itself."
    if job.state == JobState.BLOCKED:
        code = job.upstream_code or ""
        for prefixes, text in _BLOCKS:
            if any(prefix in code for prefix in prefixes):
                return f"{text} Then press Retry."
        return (
            "Cisco refuses this download for this account; nothing Depot can accept changes that. Fix it "
            "with Cisco, then press Retry."
        )
    if job.state == JobState.FAILED:
        return "Press Retry to start again from the beginning (a partial download is resumed where possible)."
    return ""
