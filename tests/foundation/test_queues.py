"""Jobs enqueued by the web app run in a separate worker process; failures are retried, then
kept in RQ's failed-job registry."""
from rq.job import Job
from rq.registry import FailedJobRegistry

from models import kv
from models.queues import NAMES, default_retry, enqueue, queue
from tests import jobs
from tests.conftest import run_flask


def test_named_queues_exist(app):
    assert {"default", "outbound", "batch"} <= set(NAMES)


def test_job_from_web_app_runs_in_worker(app):
    with app.test_request_context("/"):
        default = enqueue(jobs.record, "results", "first")
        outbound = enqueue(jobs.record, "results", "second", queue_name="outbound")
    result = run_flask("worker", "--burst")
    assert result.returncode == 0, result.stderr
    assert sorted(kv.client().lrange("results", 0, -1)) == [b"first", b"second"], result.stderr
    assert Job.fetch(default.id, connection=kv.client()).get_status() == "finished"
    assert Job.fetch(outbound.id, connection=kv.client()).get_status() == "finished"


def test_failing_job_is_retried_then_kept_as_failed(app):
    with app.app_context():
        job = enqueue(jobs.fail_always, "attempts")
    result = run_flask("worker", "--burst")
    assert result.returncode == 0, result.stderr
    # retry_max = 2 in the test configuration: one attempt plus two retries.
    assert int(kv.client().get("attempts")) == 3
    registry = FailedJobRegistry(queue=queue("default"))
    assert job.id in registry.get_job_ids()
    assert "this job always fails" in Job.fetch(job.id, connection=kv.client()).latest_result().exc_string


def test_retries_back_off_by_default(app):
    from models import queues

    saved = dict(queues._retry)
    try:
        queues.configure(3, [10, 60, 300])
        retry = default_retry()
        assert retry.max == 3
        assert retry.intervals == [10, 60, 300]
    finally:
        queues.configure(saved["max"], saved["interval"])


def test_one_live_job_per_id_and_an_ended_one_makes_way(app, run_worker):
    from models.queues import enqueue_once

    with app.app_context():
        assert enqueue_once(jobs.record, "results", "first", job_id="record-7") is not None
        assert enqueue_once(jobs.record, "results", "twice", job_id="record-7") is None
    assert queue("default").count == 1
    run_worker()
    assert kv.client().lrange("results", 0, -1) == [b"first"]
    with app.app_context():
        assert enqueue_once(jobs.record, "results", "again", job_id="record-7") is not None
    run_worker()
    assert kv.client().lrange("results", 0, -1) == [b"first", b"again"]
    assert Job.fetch("record-7", connection=kv.client()).get_status() == "finished"
