"""Running the pairs of one PID in a refresh: one shared "above" query from the lowest release, a query of its own
for a pair the shared answer does not reach.

Why sharing is safe: "above R" answers every release newer than R. For a higher release S that this answer lists,
"above S" is exactly the part of the answer newer than S, so the pair (PID, S) needs no call of its own. A pair
whose release the answer does not list (another train or software type the upstream kept out of that answer, a
release it no longer publishes) cannot be derived and gets its own query: no device loses data.

Invariant: a run works only on the pairs it claimed (queued -> running by compare-and-set, or running past its
lease when the worker that had it died), and every claimed pair is finished and counted exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.db.models import F, Q
from django.utils import timezone

from portal.catalog.choices import PairState
from portal.catalog.models import CatalogRefresh, CatalogRefreshPair
from portal.catalog.services.changes import Change, catalog_changes_announce
from portal.catalog.services.store import catalog_records_store
from portal.cisco.exceptions import AsdError, InvalidRequest, NoDataFound
from portal.cisco.provider import get_client
from portal.cisco.versions import Version, parse_version
from portal.core.sanitise import plain_text
from portal.core.text import text_clean

logger = logging.getLogger(__name__)

OUTPUT_RELEASE = "above"  # newer releases are what recommendations need; the current one comes from status checks
PER_PAGE = 25  # the spec's maximum: fewest calls
# A pair left "running" longer than this was lost with its worker; a redelivered task may take it over.
PAIR_LEASE = dt.timedelta(minutes=15)
PID_UNKNOWN = "NO_DATA_FOUND_FOR_PID"
PIDRELEASE_PATH = "/metadata/pidrelease"
MESSAGE_LIMIT = 2000  # characters of an upstream message kept on a pair
INTERNAL = "internal_error"  # the code of a pair Depot itself failed on


@dataclass
class Answer:
    """What one walk of "above <release>" got: queries answered, the releases listed (their order keys), an error."""

    calls: int = 0
    records: int = 0
    listed: dict[str, Version] = field(default_factory=dict)
    error: AsdError | None = None

    def lists(self, release: str) -> bool:
        """Whether the answer lists ``release`` itself (so every release above it in the answer is known)."""
        return parse_version(release).normalized in self.listed

    def above(self, release: str) -> int:
        """How many listed releases are newer than ``release``."""
        key = parse_version(release).key
        return sum(1 for version in self.listed.values() if version.key > key)


@dataclass(frozen=True)
class Outcome:
    """How one pair ended: its state, its own calls and records, the pair whose query answered it, its error."""

    state: str
    calls: int = 0
    records: int = 0
    answered_by: int | None = None
    error: AsdError | None = None


def _claim(pair_id: int) -> CatalogRefreshPair | None:
    now = timezone.now()
    claimable = Q(state=PairState.QUEUED) | Q(state=PairState.RUNNING, started_at__lt=now - PAIR_LEASE)
    if not CatalogRefreshPair.objects.filter(claimable, pk=pair_id).update(state=PairState.RUNNING, started_at=now):
        return None
    return CatalogRefreshPair.objects.get(pk=pair_id)


class _Answers(threading.local):
    """How many HTTP answers to metadata/pidrelease this thread received while counting (None: not counting)."""

    count: int | None = None


_answers = _Answers()


def _count_answer(response: requests.Response, *args: object, **kwargs: object) -> None:
    if _answers.count is not None and urlsplit(response.url).path.endswith(PIDRELEASE_PATH):
        _answers.count += 1


@contextmanager
def _counting_answers(session: requests.Session) -> Iterator[_Answers]:
    """Count the answers the upstream sends this thread, retried attempts included (a 503 or a rate-limit refusal
    is an answer; a refused connection is none), with a response hook on the client's session."""
    if _count_answer not in session.hooks["response"]:
        session.hooks["response"].append(_count_answer)
    _answers.count = 0
    try:
        yield _answers
    finally:
        _answers.count = None


def _walk(pair: CatalogRefreshPair, changes: list[Change]) -> Answer:
    """Query every page of "above" the pair's release, storing each page as it arrives; errors end up on the answer.

    ``calls`` counts what reached the upstream: every HTTP answer, retries included; a refused connection is none."""
    client = get_client()
    answer = Answer()
    page_index = 1
    with _counting_answers(client.session) as answered:
        while True:
            try:
                page = client.releases(
                    pid=pair.pid,
                    current_release=pair.current_release,
                    output_release=OUTPUT_RELEASE,
                    page_index=page_index,
                    per_page=PER_PAGE,
                )
            except AsdError as exc:
                answer.calls = answered.count or 0
                # NO_DATA_FOUND past page 1: fewer pages than announced, the walk is complete.
                if not (isinstance(exc, NoDataFound) and page_index > 1 and exc.code != PID_UNKNOWN):
                    answer.error = exc
                return answer
            answer.calls = answered.count or 0
            stored = catalog_records_store(records=page.records, fetched_at=page.received_at)
            changes.extend(stored.changes)
            answer.records += len(page.records)
            for record in page.records:
                answer.listed.setdefault(parse_version(record.version).normalized, parse_version(record.version))
            # Progress on the row while a long pair runs (one small write per page).
            CatalogRefreshPair.objects.filter(pk=pair.pk).update(calls=answer.calls, records=answer.records)
            if not page.has_next or not page.records:
                return answer
            page_index = page.pagination.page_index + 1


def _own(answer: Answer) -> Outcome:
    if answer.error is None:
        return Outcome(PairState.DONE, answer.calls, answer.records)
    state = PairState.NO_DATA if isinstance(answer.error, NoDataFound) else PairState.FAILED
    return Outcome(state, answer.calls, answer.records, error=answer.error)


def _shared(lead: CatalogRefreshPair, answer: Answer, pair: CatalogRefreshPair) -> Outcome | None:
    """The pair's outcome from the lead's answer, or None when only a query of its own can tell."""
    error = answer.error
    if error is None:
        if not answer.lists(pair.current_release):
            return None
        above = answer.above(pair.current_release)
        return Outcome(PairState.DONE if above else PairState.NO_DATA, records=above, answered_by=lead.pk)
    if isinstance(error, NoDataFound):  # nothing above the lowest release says nothing about a higher one ...
        return Outcome(PairState.NO_DATA, answered_by=lead.pk) if _pid_unknown(error) else None  # ... unlike this
    if isinstance(error, InvalidRequest):  # a refusal of this question (the lead's release, say), not of others
        return None
    # The upstream is down, refuses us or is out of budget: asking again for each pair would only wait longer.
    return Outcome(PairState.FAILED, answered_by=lead.pk, error=error)


def _pid_unknown(error: AsdError | None) -> bool:
    return isinstance(error, NoDataFound) and error.code == PID_UNKNOWN


def _error_fields(error: AsdError | None) -> dict[str, object]:
    if error is None:
        return {"error_code": "", "error_message": "", "http_status": None}
    # The client's messages are redacted (no secrets, no query strings); markup from the upstream is dropped.
    return {
        "error_code": text_clean(error.code or type(error).__name__)[:64],
        "error_message": text_clean(plain_text(error.message))[:MESSAGE_LIMIT],
        "http_status": error.http_status,
    }


def _record(pair: CatalogRefreshPair, outcome: Outcome) -> None:
    CatalogRefreshPair.objects.filter(pk=pair.pk, state=PairState.RUNNING).update(
        state=outcome.state,
        calls=outcome.calls,
        records=outcome.records,
        answered_by_id=outcome.answered_by,
        finished_at=timezone.now(),
        **_error_fields(outcome.error),
    )
    if outcome.state == PairState.FAILED and outcome.answered_by is None:
        # Upstream text in a log line: as plain text, so it cannot forge lines or hide behind control characters.
        reason = plain_text(str(outcome.error))
        logger.warning("catalog refresh: %s %s failed: %s", plain_text(pair.pid), pair.current_release, reason)


def catalog_refresh_pid_run(*, pair_ids: list[int]) -> dict[int, Outcome]:
    """Run the claimable pairs among ``pair_ids`` (one PID's pairs of a refresh); returns each claimed pair's outcome.

    The lowest release asks; the others are answered by it or ask by themselves. The refresh's counters move as
    pairs finish, so the progress bar follows; announcing what changed for engineers waits until every page of
    the PID is stored. Should Depot itself fail on the way (a bug, a database refusal), the pairs not finished yet
    fail with that reason instead of staying claimed, so the refresh still closes."""
    claimed = [pair for pair in map(_claim, pair_ids) if pair is not None]
    outcomes: dict[int, Outcome] = {}
    if not claimed:
        return outcomes
    changes: list[Change] = []
    try:
        _run_pid(sorted(claimed, key=lambda p: parse_version(p.current_release).key), outcomes, changes)
    except Exception as exc:
        logger.exception("catalog refresh: Depot failed on the pairs of %s", plain_text(claimed[0].pid))
        reason = f"Depot could not finish this pair ({type(exc).__name__}); see the worker's log"
        error = AsdError(reason, code=INTERNAL)
        running = set(
            CatalogRefreshPair.objects.filter(pk__in=pair_ids, state=PairState.RUNNING).values_list("pk", flat=True)
        )
        left = [pair for pair in claimed if pair.pk in running]  # what this run claimed and did not finish
        outcomes.update({pair.pk: Outcome(PairState.FAILED, error=error) for pair in left})
        _finish(left, outcomes)
    catalog_changes_announce(changes=changes)
    return outcomes


def _run_pid(pairs: list[CatalogRefreshPair], outcomes: dict[int, Outcome], changes: list[Change]) -> None:
    """Walk the lowest pair, answer the others from it or let them ask; ``outcomes`` holds each pair once finished."""
    lead, *others = pairs
    answer = _walk(lead, changes)
    done = {lead.pk: _own(answer)}
    asking: list[CatalogRefreshPair] = []
    for pair in others:
        shared = _shared(lead, answer, pair)
        if shared is None:
            asking.append(pair)
        else:
            done[pair.pk] = shared
    _finish([p for p in pairs if p.pk in done], done)
    outcomes.update(done)
    for pair in asking:
        own = {pair.pk: _own(_walk(pair, changes))}
        _finish([pair], own)
        outcomes.update(own)


def _finish(pairs: list[CatalogRefreshPair], outcomes: dict[int, Outcome]) -> None:
    if not pairs:
        return
    for pair in pairs:
        _record(pair, outcomes[pair.pk])
    _count(pairs[0].refresh_id, [outcomes[pair.pk] for pair in pairs])


def _count(refresh_id: int, outcomes: list[Outcome]) -> None:
    own = [o for o in outcomes if o.answered_by is None]
    CatalogRefresh.objects.filter(pk=refresh_id).update(
        pairs_done=F("pairs_done") + len(outcomes),
        pairs_failed=F("pairs_failed") + sum(o.state == PairState.FAILED for o in outcomes),
        calls=F("calls") + sum(o.calls for o in outcomes),
        records=F("records") + sum(o.records for o in own),
    )
