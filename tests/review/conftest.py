from tests.review.fixtures import rules_available, run_worker, wx  # noqa: F401  (fixtures)
