"""Refusals the chat and the console show as they are: every message is plain Chinese."""
from __future__ import annotations


class ReviewError(Exception):
    """An action refused for a reason the person who tried it can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidTransition(ReviewError):
    """The application's state does not allow this step (or another person just changed it)."""


class NotAllowed(ReviewError):
    """The staff member's role may not do this (the object itself is within their scope)."""
