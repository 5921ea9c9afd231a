"""gunicorn's settings for this app, read by any `gunicorn` started in this folder (deployment,
bench/): command-line options such as -w and -b still apply on top."""

# Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel spreads new
# connections over them. With one shared socket, the worker that wakes first accepts every
# waiting keep-alive connection (gthread accepts up to worker_connections), and WeChat's or a
# load balancer's few long-lived connections then all land on one process: one core.
reuse_port = True
