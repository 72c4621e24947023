"""The e-mails the app sends, as values; sending is the mailer's job."""

from __future__ import annotations

from fastapi_mail import MessageSchema, MessageType
from pydantic import NameEmail

WELCOME_SUBJECT = "Welcome to the demo app"


def welcome_message(*, email: str, full_name: str | None) -> MessageSchema:
    greeting = f"Hello {full_name}," if full_name else "Hello,"
    return MessageSchema(
        subject=WELCOME_SUBJECT,
        recipients=[NameEmail(name=full_name or email, email=email)],
        body=f"{greeting}\n\nyour account is ready. Log in with this e-mail address.\n",
        subtype=MessageType.plain,
    )


def post_published_message(*, email: str, title: str) -> MessageSchema:
    return MessageSchema(
        subject=f"Your post is live: {title}",
        recipients=[NameEmail(name=email, email=email)],
        body=f"Your post \u201c{title}\u201d has been published.\n",
        subtype=MessageType.plain,
    )
