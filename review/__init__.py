"""The application lifecycle, routing to reviewers, urgent cases, visits, clues and audit.

What the chat calls:
    submit(application_id)                       draft → submitted, routed to its team
    withdraw(application_id, openid)             the resident withdraws
    attach_document(application_id, item_id, media_file_id, member=None)
    open_requests(openid) -> list                what staff asked this resident for
    escalate_from_chat(openid, kind, reason, transcript, application_id=None, district=None)
    status_for(openid) -> list                   each application's programme and state (进度)
    intake.open_draft(...), intake.report_clue(...), intake.detach(document_id)
Refusals raise ReviewError (InvalidTransition for a step the state does not allow) with a
message in Chinese.
"""
from .documents import attach_document, open_requests
from .errors import InvalidTransition, NotAllowed, ReviewError
from .escalations import escalate_from_chat
from .lifecycle import status_for, submit, withdraw
from . import intake

__all__ = [
    "InvalidTransition", "NotAllowed", "ReviewError", "attach_document", "escalate_from_chat", "intake",
    "open_requests", "status_for", "submit", "withdraw",
]
