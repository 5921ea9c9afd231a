"""The schedule, for RQ's cron scheduler (run exactly one, beside the workers):

    flask --app webhook cron

It only enqueues; the workers (`flask --app webhook worker`) run the jobs. Cron times are the
scheduler host's local time: set TZ=Asia/Shanghai on that host.
"""
from rq import cron

from . import review

cron.register(review.overdue_report, "default", cron="0 8 * * *")  # every day at 08:00
