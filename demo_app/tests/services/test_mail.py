from __future__ import annotations

import pytest
from fastapi_mail import MessageType

from app.services.mail import WELCOME_SUBJECT, post_published_message, welcome_message

pytestmark = pytest.mark.unit


def test_welcome_message__greets_the_user_by_name() -> None:
    message = welcome_message(email="ada@example.com", full_name="Ada Lovelace")

    assert [(r.name, r.email) for r in message.recipients] == [("Ada Lovelace", "ada@example.com")]
    assert message.subject == WELCOME_SUBJECT
    assert message.subtype == MessageType.plain
    assert message.body is not None
    assert message.body.startswith("Hello Ada Lovelace,")


def test_welcome_message__without_a_name_says_hello() -> None:
    message = welcome_message(email="ada@example.com", full_name=None)

    assert message.body is not None
    assert message.body.startswith("Hello,\n")


def test_post_published_message__names_the_post() -> None:
    message = post_published_message(email="ada@example.com", title="Notes on the Engine")

    assert [r.email for r in message.recipients] == ["ada@example.com"]
    assert message.subject == "Your post is live: Notes on the Engine"
