"""Jobs enqueued by the web app run in a separate worker process; failures are retried, then
kept in RQ's failed-job registry."""
from rq.job import Job
from rq.registry import FailedJobRegistry

from models import kv
from tasks import enqueue, queue
from tasks.queues import NAMES, default_retry
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
    from tasks import queues

    saved = dict(queues._retry)
    try:
        queues.configure(3, [10, 60, 300])
        retry = default_retry()
        assert retry.max == 3
        assert retry.intervals == [10, 60, 300]
    finally:
        queues.configure(saved["max"], saved["interval"])
