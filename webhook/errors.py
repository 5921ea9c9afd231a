"""HTTP errors: JSON for API and machine paths, a short Chinese page for people."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable

MESSAGES = {
    400: "请求的内容有误。",
    403: "没有权限访问。",
    404: "没有找到您要的页面。",
    405: "不支持这种请求方式。",
    413: "提交的内容太大了。",
    429: "操作太频繁了，请稍后再试。",
    500: "系统出了点问题，请稍后再试。",
    503: "系统正在维护，请稍后再试。",
}


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/healthz", "/wechat")) or request.is_json


def init_app(app: Flask) -> None:
    from redis.exceptions import ConnectionError as RedisDown
    from sqlalchemy.exc import OperationalError as DatabaseDown

    @app.errorhandler(DatabaseDown)
    @app.errorhandler(RedisDown)
    def backend_down(err):
        # Nothing was stored: a 503 tells WeChat (and any client) to deliver again later.
        app.logger.error("backend unavailable: %s", type(err).__name__)
        return http_error(ServiceUnavailable())

    from sqlalchemy.exc import DataError

    @app.errorhandler(DataError)
    def value_the_database_refused(err):
        # A value no column can hold (out of range, not a number) that got past validation:
        # the request was wrong, not the server.
        from models import Session

        Session.rollback()
        app.logger.warning("database refused a value: %s", type(err.orig).__name__)
        return http_error(BadRequest())

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        message = MESSAGES.get(err.code or 500, err.name)
        if wants_json():
            # A description given at abort() names what was wrong; keep it for machines.
            custom = err.description != type(err).description
            body = {"error": err.description if custom else message}
            return jsonify(body), err.code
        return render_template("error.html", code=err.code, message=message), err.code
