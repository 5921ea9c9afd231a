"""SQLAlchemy models, the shared engine/session, Redis connection and migrations."""
from .application import STATES, Application, ApplicationDocument, Transition
from .audit import AuditEntry
from .casework import Clue, Escalation, EscalationMessage, EscalationNote, Visit
from .conversation import Conversation
from .db import Base, Session, configure, engine, ping
from .household import CITY, DISTRICTS, Household, Member, Resident, utcnow
from .messages import InboundMessage, MediaFile, OutboundMessage
from .staff import ROLES, StaffUser, hash_password, verify_password

__all__ = [
    "STATES", "Application", "ApplicationDocument", "Transition", "AuditEntry",
    "Clue", "Escalation", "EscalationMessage", "EscalationNote", "Visit", "Conversation",
    "Base", "Session", "configure", "engine", "ping",
    "CITY", "DISTRICTS", "Household", "Member", "Resident", "utcnow",
    "InboundMessage", "MediaFile", "OutboundMessage",
    "ROLES", "StaffUser", "hash_password", "verify_password",
]
