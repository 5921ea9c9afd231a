"""SQLAlchemy models, the shared engine/session, Redis connection and migrations."""
from .application import STATES, Application, ApplicationDocument, Transition
from .audit import AuditEntry
from .casework import Clue, Escalation, EscalationMessage, EscalationNote, Visit
from .conversation import Conversation
from .delivery import ChannelOptOut, Delivery
from .employment import Employer, Opening, Recommendation, Seeker, SeekerVisit, TrainingCourse, TrainingOffer
from .db import Base, Session, configure, engine, ping
from .household import CITY, DISTRICTS, Household, HouseholdChange, HouseholdLink, Member, Resident, utcnow
from .messages import InboundMessage, MediaFile, OutboundMessage
from .moderation import ContentCheck
from .miniprogram import FollowerUnionid, MiniProgramUser, MpSubscription
from .signing import DocumentExpiry, SigningLink
from .staff import ROLES, StaffUser, hash_password, verify_password

__all__ = [
    "STATES", "Application", "ApplicationDocument", "Transition", "AuditEntry",
    "Clue", "Escalation", "EscalationMessage", "EscalationNote", "Visit", "Conversation",
    "ChannelOptOut", "Delivery",
    "Employer", "Opening", "Recommendation", "Seeker", "SeekerVisit", "TrainingCourse", "TrainingOffer",
    "Base", "Session", "configure", "engine", "ping",
    "CITY", "DISTRICTS", "Household", "HouseholdChange", "HouseholdLink", "Member", "Resident", "utcnow",
    "InboundMessage", "MediaFile", "OutboundMessage",
    "ContentCheck", "FollowerUnionid", "MiniProgramUser", "MpSubscription",
    "ROLES", "StaffUser", "hash_password", "verify_password",
    "DocumentExpiry", "SigningLink",
]
