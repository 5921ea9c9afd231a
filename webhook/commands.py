"""The `flask --app webhook ...` commands: everything operational."""
from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import select

from models import CITY, DISTRICTS, ROLES, Session, StaffUser, hash_password, kv, migrate


def init_app(app: Flask) -> None:
    for command in (init_db, worker, scheduler, cron, create_staff, seed_demo, dev, wechat_menu, policy_params):
        app.cli.add_command(command)
    from .employment_commands import employment; app.cli.add_command(employment)  # noqa: E702 (the 112 service)
    from .discovery_commands import discover, registry; app.cli.add_command(registry); app.cli.add_command(discover)  # noqa: E702 (主动发现)
    from .review_commands import review; app.cli.add_command(review)  # noqa: E702 (the annual review)


@click.command("init-db")
def init_db():
    """Bring the database to the latest migration (safe to repeat)."""
    before = migrate.current()
    migrate.upgrade()
    after = migrate.current()
    if before == after:
        click.echo(f"database already at revision {after}")
    else:
        click.echo(f"database migrated {before or 'empty'} -> {after}")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued, then exit.")
def worker(burst: bool):
    """An RQ worker on every queue (default, outbound, batch); run several."""
    from tasks import worker as rq_worker

    click.echo(f"worker: Redis is {kv.where()}")
    rq_worker.run(burst=burst)


@click.command("scheduler")
def scheduler():
    """RQ's scheduler: moves retries whose backoff has elapsed back onto their queues."""
    from tasks import worker as rq_worker

    click.echo(f"scheduler: Redis is {kv.where()}")
    rq_worker.run_scheduler()


@click.command("cron")
def cron():
    """RQ's cron scheduler for tasks/cron.py (run exactly one, beside the workers)."""
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=kv.client())
    scheduler.load_config_from_file("tasks.cron")
    click.echo(f"cron: Redis is {kv.where()}")
    scheduler.start()


@click.command("create-staff")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--district", required=True, help=f"one of {'、'.join(DISTRICTS)}, or {CITY} for admins")
@click.option("--street", default=None, help="街道 / 镇, for caseworkers")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_staff(username: str, role: str, district: str, street: str | None, password: str):
    """A staff account for the console."""
    if district not in DISTRICTS + (CITY,):
        raise click.BadParameter(f"unknown district {district!r}", param_hint="--district")
    if role == "admin" and district != CITY:
        raise click.BadParameter(f"admins work for the whole city: use {CITY}", param_hint="--district")
    if len(password) < 10:
        raise click.BadParameter("at least 10 characters", param_hint="--password")
    if Session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise click.ClickException(f"staff user {username!r} already exists")
    Session.add(StaffUser(username=username, role=role, district=district, street=street,
                          password_hash=hash_password(password)))
    Session.commit()
    click.echo(f"created {role} {username} ({district})")


@click.command("seed-demo")
def seed_demo():
    """Demo staff and households for a first look (once; a second run changes nothing)."""
    from . import demo

    created = demo.seed()
    click.echo(demo.LOGIN_HINT if created else "demo data already present")


@click.command("dev")
@click.option("--port", default=5000, show_default=True)
@click.option("--fake-port", default=5001, show_default=True)
def dev(port: int, fake_port: int):
    """What `make run` starts: fake WeChat API, a worker, the schedulers and the web server."""
    from . import devrun

    devrun.run(current_app._get_current_object(), port=port, fake_port=fake_port)


@click.command("wechat-menu")
def wechat_menu():
    """Publish the Official Account's custom menu from bot/menu.yaml."""
    from bot.router import menu
    from channels.wechat_api import WeChatAPI, WeChatError

    with WeChatAPI.from_config(current_app.config, kv.client()) as api:
        try:
            api.call("POST", "cgi-bin/menu/create", json=menu())
        except WeChatError as err:
            raise click.ClickException(f"WeChat refused the menu: {err}") from None
    click.echo(f"menu published to {current_app.config['WECHAT_API_BASE_URL']}")


@click.command("policy-params")
@click.option("--date", "on", default=None, help="YYYY-MM-DD (default: today)")
def policy_params(on: str | None):
    """The rule parameters in force on a date, with their references."""
    import datetime as dt

    import policy

    try:
        day = dt.date.fromisoformat(on) if on else dt.date.today()
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--date") from None
    from discovery import standards
    from policy.overrides import STAFF_NOTE

    standards.ensure_current(force=True)  # values staff added in the console count too
    try:
        rows = policy.parameters_in_force(day.isoformat())
    except (policy.SituationError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    if not rows:
        raise click.ClickException(f"no rule parameters in force on {day.isoformat()}: the rules start on 2017-07-01")
    click.echo(f"rule parameters in force on {day.isoformat()} (rules {policy.RULES_VERSION}):")
    for row in rows:
        flag = ("  [待核实 verify]" if row["verify"] else "") + ("  [工作人员添加 staff]" if row.get("note") == STAFF_NOTE else "")
        click.echo(f"- {row['title']}: {row['value']}{row.get('unit') or ''} (since {row['since']}){flag}")
        click.echo(f"    {row['name']} — {row['reference']}")
