"""Discovery jobs: thin calls into discovery/ (registries, the nightly run, linked programmes)."""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from models import Application, Session

log = logging.getLogger(__name__)

IMPORT = "tasks.discovery.import_registry"
AFTER_DECISION = "tasks.discovery.after_decision"
# How often a running import writes its progress where the console page reads it.
PROGRESS_EVERY = 200


def import_registry(kind: str, path: str, file_name: str, by: str, today: str | None = None) -> dict:
    """A registry file uploaded in the console: the whole file or nothing, then the discovery
    run; progress and the outcome in job.meta (the page shows them). A refused file is an
    answer, not a failure: it is not retried."""
    from rq import get_current_job

    from discovery import cases, registries, standards
    from models.tabular import ImportRefused

    standards.ensure_current()  # staff-added parameter values reach the worker too
    job = get_current_job()
    day = date.fromisoformat(today) if today else None

    def progress(done: int, total: int) -> None:
        if job is not None and (done == total or done % PROGRESS_EVERY == 0):
            job.meta["progress"] = {"done": done, "total": total}
            job.save_meta()

    try:
        record = registries.import_file(kind, path, file_name=file_name, by=by, today=day, progress=progress)
    except ImportRefused as refused:
        Session.rollback()
        result = {"ok": False, "report": refused.report()}
    else:
        outcome = cases.discover(day)
        Session.commit()
        cases.notify_pending()
        result = {"ok": True, "import_id": record.id, "summary": registries.summary(record),
                  "discovery": outcome.summary()}
    Path(path).unlink(missing_ok=True)  # the upload names people: kept no longer than needed
    if job is not None:
        job.meta["result"] = result
        job.save_meta()
    log.info("registry import %s: %s", kind, "done" if result["ok"] else "refused")
    return result


def discover(today: str | None = None) -> str:
    """Every known household assessed; automatic cases opened and the families told."""
    from discovery import cases, standards

    standards.ensure_current()
    outcome = cases.discover(date.fromisoformat(today) if today else None)
    Session.commit()
    told = cases.notify_pending()
    log.info("discovery: %d cases, %d worklist added, %d told", len(outcome.cases), outcome.worklist_added, told)
    return outcome.summary()


def after_decision(application_id: int) -> dict:
    """An approval checks the family's other programmes (queued by the approve handler)."""
    from discovery import cases, linked, standards

    standards.ensure_current()
    app = Session.get(Application, application_id)
    if app is None:
        return {}
    opened = linked.after_decision(Session, app)
    Session.commit()
    cases.notify_pending()
    return opened
