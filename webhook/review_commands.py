"""`flask --app webhook review …`: the annual review (年度复核) of current recipients."""
from __future__ import annotations

import datetime as dt
import sys

import click

from models import Session, utcnow
from review.routing import local_date

OUTCOME_WORDS = {"continue": "继续", "change": "建议调整", "stop": "建议停发", "missing": "缺少家庭情况"}


@click.group("review")
def review():
    """The annual review of 低保, 低收入 and 特困 recipients."""


@review.command("annual")
@click.option("--date", "on", default=None, help="review with the rules in force on YYYY-MM-DD (default: today)")
@click.option("--chunk-size", type=click.IntRange(1, 100_000), default=None,
              help="recipients per transaction (default 5000); a stopped run resumes after its last chunk")
@click.option("--chunks", type=click.IntRange(1), default=None,
              help="process at most this many chunks now, then stop; run again to continue")
@click.option("--again", is_flag=True, help="review a date already reviewed once more")
def annual(on: str | None, chunk_size: int | None, chunks: int | None, again: bool):
    """Re-assess every current recipient; proposals wait for reviewers at /staff/annual."""
    from discovery import annual as review_run

    try:
        day = dt.date.fromisoformat(on) if on else local_date(utcnow())
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD, for example 2026-07-01", param_hint="--date") from None
    try:
        run = review_run.start(day, by="command", chunk_size=chunk_size or review_run.CHUNK_SIZE, again=again)
    except review_run.AnnualError as err:
        Session.rollback()
        raise click.ClickException(err.message) from None
    if chunk_size:  # the cursor, not the chunk size, says where a run stands
        run.chunk_size = chunk_size
    Session.commit()
    resumed = run.processed > 0
    click.echo(f"{day.isoformat()} 年度复核（第{run.id}次）{'从上次停下的地方继续' if resumed else '开始'}，"
               f"已完成 {run.processed} 户")
    done_chunks = 0
    with click.progressbar(length=review_run.remaining(run), label="复核中", file=sys.stderr) as bar:
        while chunks is None or done_chunks < chunks:
            reviewed = review_run.step(run)
            Session.commit()  # the chunk's items and the cursor together
            if not reviewed:
                break
            done_chunks += 1
            bar.update(reviewed)
    Session.refresh(run)
    counts = run.counts or {}
    summary = "，".join(f"{OUTCOME_WORDS[k]} {counts.get(k, 0)} 户" for k in OUTCOME_WORDS)
    if run.state != "done":
        click.echo(f"已暂停：复核了 {run.processed} 户（{summary}）。再运行同一命令继续。")
        return
    click.echo(f"完成：共复核 {run.processed} 户，{summary}。")
    click.echo("调整和停发的建议要由审核人员在工作台“年度复核”页面决定，系统不会自行停发或减少任何人的救助。")
