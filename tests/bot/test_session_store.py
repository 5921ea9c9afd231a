"""The conversation row: what a turn saves is what its transaction commits, nothing earlier
and nothing lost, and it is never sealed in the clear."""
from sqlalchemy import select

from bot import session as sessions
from bot import state
from models import Conversation, Session


def chat_at(title: str) -> dict:
    chat = state.empty()
    state.add(chat, {"key": "dibao", "form": "dibao", "title": title, "stage": "form", "answers": {"name": "陈明"},
                     "failures": {}})
    return chat


def stored(openid: str):
    """The row as a new request would read it."""
    Session.remove()
    return Session.scalar(select(Conversation).where(Conversation.openid == openid))


def test_a_save_is_read_back_at_once_and_kept_only_if_its_transaction_commits(app):
    with app.app_context():
        sessions.save_chat("o-1", chat_at("低保"))
        assert sessions.load("o-1")["title"] == "低保"  # the turn reads what it saved
        Session.rollback()  # the message's handling failed: nothing of the turn is kept
        assert sessions.load("o-1") is None and stored("o-1") is None

        sessions.save_chat("o-1", chat_at("低保"))
        Session.commit()
        row = stored("o-1")
        assert row.title == "低保" and row.state["contexts"]["dibao"]["answers"] == {"name": "陈明"}
        raw = Session.connection().exec_driver_sql("SELECT state FROM conversations").scalar()
        assert "陈明" not in raw  # sealed at rest


def test_a_savepoint_inside_the_turn_neither_writes_the_save_early_nor_drops_it(app):
    with app.app_context():
        sessions.save_chat("o-2", chat_at("教育救助"))
        outer = Session.begin_nested()
        with Session.begin_nested():
            pass  # a savepoint committed: the save still waits for the turn's own commit…
        outer.rollback()  # …so rolling back the savepoint around it cannot lose it
        assert sessions.load("o-2")["title"] == "教育救助"
        Session.commit()
        assert stored("o-2").title == "教育救助"


def test_a_conversation_with_nothing_open_leaves_no_row(app):
    with app.app_context():
        sessions.save_chat("o-3", chat_at("低保"))
        Session.commit()
        chat = sessions.load_chat("o-3")
        chat["contexts"], chat["order"], chat["active"] = {}, [], None
        sessions.save_chat("o-3", chat)
        assert not sessions.applying("o-3")
        Session.commit()
        assert stored("o-3") is None
