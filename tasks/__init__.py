"""The worker entry, the retry scheduler and the cron schedule. Each job function is a thin
call into the part that owns the work; queues and enqueueing are in models.queues."""
