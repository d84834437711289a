"""Domain exceptions carrying catalogue message ids, shown in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """A catalogue id with its placeholders, optionally tied to a form field."""

    key: str
    params: dict[str, object] = field(default_factory=dict)
    field: str | None = None


class DomainError(Exception):
    """A refusal the user can understand and fix; nothing was written."""

    def __init__(self, *messages: Message) -> None:
        super().__init__("; ".join(m.key for m in messages))
        self.messages = list(messages)


class ValidationError(DomainError):
    """The input breaks a rule (missing, impossible or inconsistent values)."""


class NotFound(DomainError):
    """The record the user refers to does not exist."""


class Conflict(DomainError):
    """The write clashes with data that already exists (e.g. a duplicate letter number)."""
