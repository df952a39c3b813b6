"""Messages of the downloads pages that say what was done, with links to it."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from downloads.choices import SkipReason
from downloads.services import FleetDownload
from portal.core.humanize import counted

_LINKED_JOBS = 10  # more jobs than this: the jobs list is the place to see them
# What lies behind each reason for skipping an image, said after its label.
_SKIP_DETAIL = {SkipReason.TOO_SMALL: "memory or flash too small"}


def fleet_message(result: FleetDownload) -> SafeString:
    """What a fleet request did, in a sentence or three, each job linked to its page."""
    text = format_html(
        "{} requested for {}",
        counted(len(result.jobs), "download"),
        counted(result.devices, "device"),
    )
    if result.jobs:
        links = format_html_join(
            ", ",
            '<a href="{}">job {}</a> ({})',
            ((job.get_absolute_url(), job.pk, job.image_name) for job in result.jobs[:_LINKED_JOBS]),
        )
        more = len(result.jobs) - _LINKED_JOBS
        text = format_html("{}: {}{}.", text, links, f" and {more} more" if more > 0 else "")
    else:
        text = format_html("{}.", text)
    if result.without_target:
        verb = "has" if result.without_target == 1 else "have"
        text = format_html("{} {} no target image.", text, f"{counted(result.without_target, 'device')} {verb}")
    for reason in SkipReason:
        skipped = sum(1 for skip in result.skipped if skip.reason == reason)
        if skipped:
            subject = "it" if skipped == 1 else "each"
            why = f"{subject} {reason.label} ({_SKIP_DETAIL[reason]})"
            text = format_html("{} {} skipped: {}.", text, counted(skipped, "image"), why)
    if result.refused:
        refused = format_html_join("; ", "{} ({})", result.refused[:5])
        text = format_html("{} Refused: {}.", text, refused)
    return text
