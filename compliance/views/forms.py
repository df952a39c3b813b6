"""The compliance queue and the forms: shown from stored snapshots; decided (and fetched) on an officer's POST."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from compliance.choices import DecisionStatus, FormKind
from compliance.decisions import answer_needs, file_names_clean
from compliance.errors import ComplianceError, DecisionNotPosted, FormUnavailable
from compliance.forms import DecisionForm
from compliance.models import FormSnapshot
from compliance.rendering import render_snapshot
from compliance.selectors import decisions_for_kind, form_standing, form_standings
from compliance.services import DecisionOutcome, decision_submit, form_snapshot_fetch

VIEW = "compliance.view_formsnapshot"
DECIDE = "compliance.decide_form"


def _kind(value: str) -> str:
    if value not in FormKind.values:
        raise Http404("No such form")
    return value


@require_GET
@permission_required(VIEW, raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    """Every download a form holds (waiting on it, or blocked by its decline), grouped by form, with what each
    form's latest decision covers."""
    standings = form_standings()
    waiting = len({job.pk for standing in standings for job in standing.jobs})
    return render(request, "compliance/queue.html", {"standings": standings, "waiting": waiting})


@require_GET
@permission_required(VIEW, raise_exception=True)
def forms_overview(request: HttpRequest) -> HttpResponse:
    """Both forms, their current version and standing: officers may decide ahead of any download."""
    return render(request, "compliance/forms.html", {"standings": form_standings()})


def _prefill_file_names(kind: str, jobs: list) -> str:
    """The file names of the jobs the form holds (posted as fileNames), oldest first."""
    names = [job.image_name for job in jobs]
    try:
        # K9 takes one name (spec); the oldest waiting job's image stands for the others.
        return file_names_clean(",".join(names[:1] if kind == FormKind.K9 else names), kind=kind)
    except ComplianceError:
        return ""


def _form_page(request: HttpRequest, kind: str, form: DecisionForm | None, status: int = 200) -> HttpResponse:
    standing = form_standing(kind)
    rendered = render_snapshot(standing.snapshot) if standing.snapshot else None
    can_decide = request.user.has_perm(DECIDE)
    if form is None and rendered is not None:
        form = DecisionForm(
            initial={
                "snapshot": rendered.snapshot.pk,
                "shown_sha256": rendered.sanitised_sha256,
                "file_names": _prefill_file_names(kind, standing.jobs + standing.blocked),
            }
        )
    context = {
        "kind": kind,
        "standing": standing,
        "rendered": rendered,
        "form": form,
        "can_decide": can_decide,
        "history": decisions_for_kind(kind),
        "answer_needs": answer_needs(rendered) if rendered else [],
        "declined": DecisionStatus.DECLINED,
    }
    return render(request, "compliance/form_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def form_detail(request: HttpRequest, kind: str) -> HttpResponse:
    """GET: the current form, rendered from Cisco's content; POST (officers): accept or decline it."""
    kind = _kind(kind)
    if request.method == "GET":
        return _form_page(request, kind, None)
    if not request.user.has_perm(DECIDE):
        raise PermissionDenied("Only compliance officers decide forms.")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _form_page(request, kind, form, status=400)
    try:
        outcome = decision_submit(
            data=form.to_input(kind), decided_by=request.user, client_address=request.META.get("REMOTE_ADDR")
        )
    except DecisionNotPosted as exc:
        messages.error(request, exc.message)
        return _form_page(request, kind, form, status=exc.http_status)
    except ComplianceError as exc:
        for field, errors in exc.fields.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        messages.error(request, exc.message)
        return _form_page(request, kind, form, status=exc.http_status)
    decision = outcome.decision
    messages.success(
        request,
        f"{decision.status}: the {FormKind(kind).label} form version {decision.sub_app_version} "
        f"(record #{decision.sequence}); Cisco answered {decision.upstream_status_code} "
        f"{decision.upstream_status_message}.{_jobs_note(outcome)}",
    )
    return redirect("compliance:queue")


def _jobs_note(outcome: DecisionOutcome) -> str:
    """What the decision did to the downloads the form held, in a sentence (empty when not known)."""
    count = outcome.jobs_affected
    if count is None:
        return ""
    if outcome.decision.status == DecisionStatus.ACCEPTED:
        if count == 0:
            return " No download was held by this form."
        text = ngettext("%(n)d download resumed.", "%(n)d downloads resumed.", count)
    else:
        if count == 0:
            return " No download was waiting on this form."
        text = ngettext(
            "%(n)d waiting download is now blocked by compliance; accepting the form later resumes it.",
            "%(n)d waiting downloads are now blocked by compliance; accepting the form later resumes them.",
            count,
        )
    return " " + text % {"n": count}


@require_POST
@permission_required(DECIDE, raise_exception=True)
def form_refresh(request: HttpRequest, kind: str) -> HttpResponse:
    """Fetch the form from Cisco now (an officer's explicit request; the beat task does it hourly anyway)."""
    kind = _kind(kind)
    try:
        snapshot = form_snapshot_fetch(kind=kind)
    except FormUnavailable as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Fetched the {FormKind(kind).label} form: version {snapshot.sub_app_version}.")
    return redirect("compliance:form", kind=kind)


@require_GET
@permission_required(VIEW, raise_exception=True)
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored version of a form exactly as delivered: rendered (sanitised) and raw."""
    snapshot = get_object_or_404(FormSnapshot, pk=pk)
    context = {"snapshot": snapshot, "rendered": render_snapshot(snapshot)}
    return render(request, "compliance/snapshot_detail.html", context)
