"""Errors that carry a message a user can read (in Russian, through gettext)."""

from __future__ import annotations


class AccessDenied(Exception):
    """The user may not do this. Pages turn it into 403, the API into its error shape."""


class ValidationFailed(Exception):
    """Input broke a rule; `messages` are ready to show to the user."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


class Conflict(ValidationFailed):
    """Someone else changed the record since the user opened it; nothing was saved.

    Pages show the message and the current state; the API answers 409."""
