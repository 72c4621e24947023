"""The fakes in conftest.py are strict: they reject what the real libraries would reject."""

from __future__ import annotations

import socket
from typing import Any
from unittest.mock import MagicMock

import pytest
from botocore.exceptions import ParamValidationError
from fastapi_mail import MessageSchema, MessageType

pytestmark = pytest.mark.unit


def test_autospec__rejects_a_call_with_the_wrong_signature(mailer: Any) -> None:
    # A plausible mistake: FastMail.send_message takes a MessageSchema, not recipients.
    loose = MagicMock()
    loose.send_message(recipients=["ada@example.com"], subject="Hi")  # silently "works"

    with pytest.raises(TypeError, match="message"):
        mailer.send_message(recipients=["ada@example.com"], subject="Hi")


async def test_autospec__accepts_the_real_signature(mailer: Any) -> None:
    message = MessageSchema(
        subject="Hi", recipients=["ada@example.com"], body="x", subtype=MessageType.plain
    )
    await mailer.send_message(message)
    mailer.send_message.assert_awaited_once_with(message)


def test_autospec__rejects_attributes_the_real_object_lacks(mailer: Any, arq_pool: Any) -> None:
    with pytest.raises(AttributeError):
        mailer.send_email  # noqa: B018 - the attribute access is the test
    with pytest.raises(AttributeError):
        arq_pool.enqueue  # noqa: B018


async def test_arq_pool__enqueue_job_requires_a_function_name(arq_pool: Any) -> None:
    with pytest.raises(TypeError, match="function"):
        await arq_pool.enqueue_job(user_id=1)


def test_s3_client__rejects_a_misspelt_parameter(s3_client: Any) -> None:
    with pytest.raises(ParamValidationError, match="ContentTyp"):
        s3_client.put_object(Bucket="b", Key="k", Body=b"x", ContentTyp="image/png")


def test_s3_client__rejects_positional_arguments_like_boto3(s3_client: Any) -> None:
    with pytest.raises(TypeError):
        s3_client.put_object("b", "k")


def test_network_guard__blocks_connections_to_real_hosts() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(RuntimeError, match="network connection"),
    ):
        sock.connect(("192.0.2.1", 6379))  # TEST-NET-1: never routed, never reached
