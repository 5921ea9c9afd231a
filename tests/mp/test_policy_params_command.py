"""`flask --app webhook policy-params`: what an operator reads to check the figures in force."""
from tests.conftest import run_flask


def test_values_in_force_with_their_dates_and_references(app):
    after = run_flask("policy-params", "--date", "2019-08-15")
    assert after.returncode == 0, after.stderr
    assert "800" in after.stdout and "since 2019-07-01" in after.stdout
    assert "厦委办发〔2018〕16号" in after.stdout
    before = run_flask("policy-params", "--date", "2018-03-01")
    assert "720" in before.stdout and "since 2017-07-01" in before.stdout
    assert "0.2" in before.stdout


def test_bad_or_uncovered_dates_are_refused(app):
    bad = run_flask("policy-params", "--date", "yesterday")
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr
    early = run_flask("policy-params", "--date", "2010-01-01")
    assert early.returncode != 0 and "2017-07-01" in early.stderr
