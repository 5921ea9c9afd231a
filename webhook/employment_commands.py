"""`flask --app webhook employment …`: the 112 service's imports, matching and ledger."""
from __future__ import annotations

import sys

import click
from flask import Flask

from models import Session


@click.group("employment")
def employment():
    """The 112 employment service: imports, matching, the 1-1-2 ledger."""


def _import(kind: str, path: str, noun: str) -> None:
    """One import, the whole file or nothing: the report of bad rows, or the summary."""
    from employment import imports

    try:
        outcome = getattr(imports, f"import_{kind}")(path)
    except imports.ImportRefused as refused:
        Session.rollback()
        click.echo(refused.report(), err=True)
        sys.exit(1)
    Session.commit()
    click.echo(outcome.summary(noun))


@employment.command("import-openings")
@click.argument("path", type=click.Path(dir_okay=False))
def import_openings(path: str):
    """Openings from CSV/XLSX (header in interfaces.md): the whole file or nothing."""
    _import("openings", path, "岗位")
    click.echo("新岗位的推荐：flask --app webhook employment match")


@employment.command("import-seekers")
@click.argument("path", type=click.Path(dir_okay=False))
def import_seekers(path: str):
    """Registered unemployed and unemployed graduates (人社's registry), CSV/XLSX."""
    _import("seekers", path, "求职者")


@employment.command("match")
@click.option("--opening", "opening_id", type=click.IntRange(1, 2**31 - 1), default=None,
              help="only this (new) opening's candidates")
def match(opening_id: int | None):
    """Match everything (or one opening), record the recommendations and queue the pushes."""
    from employment import matching
    from models import Opening
    from models.queues import enqueue

    if opening_id is not None and Session.get(Opening, opening_id) is None:
        raise click.BadParameter(f"no opening {opening_id}", param_hint="--opening")
    added = matching.recommend(opening_id)
    Session.commit()
    click.echo(f"新推荐 {added} 条")
    if added:
        enqueue("tasks.employment.push_due")
        click.echo("推送已排队（由 worker 发送）")


@employment.command("ledger")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="write CSV here (default: standard output)")
def ledger(year: int, out_path: str | None):
    """The 1-1-2 ledger: one row per seeker — visits, trainings offered, recommendations delivered."""
    from employment import ledger as book

    if out_path:
        with open(out_path, "w", encoding="utf-8-sig", newline="") as out:
            count = book.to_csv(year, out)
        click.echo(f"{year}年 112台账：{count} 名求职者，已写入 {out_path}", err=True)
    else:
        count = book.to_csv(year, sys.stdout)
        click.echo(f"{year}年 112台账：{count} 名求职者", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(employment)
