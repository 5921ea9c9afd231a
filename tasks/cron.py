"""The schedule, for RQ's cron scheduler (run exactly one, beside the workers and the retry
scheduler):

    flask --app webhook cron

It only enqueues; the workers (`flask --app webhook worker`) run the jobs. Cron times are the
scheduler host's local time: set TZ=Asia/Shanghai on that host.
"""
from rq import cron

from . import discovery, employment, inbound, moderation, review, sweep

cron.register(review.overdue_report, "default", cron="0 8 * * *")  # every day at 08:00
# Deadlines counted on weekends only (a year the holiday package did not know), again.
cron.register(review.recompute_deadlines, "default", cron="30 7 * * *")
# Records whose job Redis lost get it back within a minute or two (channels/sweep.py).
cron.register(sweep.orphaned_work, "default", interval=60, job_timeout=30)
# Messages stored but never handled (every delivery died) are handled within a minute or two.
cron.register(inbound.sweep, "default", interval=60, job_timeout=60)
# 112: new matches every night, the week's digests every morning (quiet hours are 21:00-08:00).
cron.register(employment.match, "batch", cron="0 2 * * *", job_timeout=600)
cron.register(employment.push_due, "default", cron="0 9 * * *", job_timeout=300)
cron.register(employment.employer_emails, "default", cron="0 10 * * *", job_timeout=300)
cron.register(employment.training_offers, "default", cron="30 9 * * *", job_timeout=600)  # 112: a course a year
cron.register(employment.worklists, "default", cron="30 7 * * *", job_timeout=600)  # 112: who is behind, per street
# 主动发现: every household assessed nightly; image checks WeChat never answered go to staff.
cron.register(discovery.discover, "batch", cron="0 3 * * *", job_timeout=3600)
cron.register(moderation.hold_overdue, "default", interval=300, job_timeout=60)
