"""The schedule, for RQ's cron scheduler (run exactly one, beside the workers and the retry
scheduler):

    flask --app webhook cron

It only enqueues; the workers (`flask --app webhook worker`) run the jobs. Cron times are the
scheduler host's local time: set TZ=Asia/Shanghai on that host.
"""
from rq import cron

from . import inbound, review, sweep

cron.register(review.overdue_report, "default", cron="0 8 * * *")  # every day at 08:00
# Records whose job Redis lost get it back within a minute or two (channels/sweep.py).
cron.register(sweep.orphaned_work, "default", interval=60, job_timeout=30)
# Messages stored but never handled (every delivery died) are handled within a minute or two.
cron.register(inbound.sweep, "default", interval=60, job_timeout=60)
