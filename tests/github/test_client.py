from __future__ import annotations

import json
import re
import socket
import threading
import urllib.parse

import pytest
import requests
from werkzeug import Response

from ratchet.github.client import (
    MAX_PAGES,
    MIN_ECHO,
    Forbidden,
    GitHub,
    GitHubError,
    NotFound,
    RateLimited,
)
from ratchet.github.settings import Secret
from tests.github.conftest import TOKEN

pytestmark = pytest.mark.integration


@pytest.fixture
def session():
    with requests.Session() as s:
        yield s


@pytest.fixture
def client(httpserver, session, no_sleep, clock):
    return GitHub(
        session,
        httpserver.url_for("/api/v3"),
        Secret(TOKEN),
        sleep=no_sleep,
        clock=clock,
        timeout=5,
    )


def test_every_call_sends_token_api_version_and_a_user_agent(httpserver, client):
    httpserver.expect_request("/api/v3/repos/o/r").respond_with_json({"ok": True})
    assert client.json("GET", "/repos/o/r") == {"ok": True}
    request, _ = httpserver.log[0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert request.headers["Accept"] == "application/vnd.github+json"
    assert request.headers["User-Agent"].startswith("coverage-ratchet/")


def test_paginate__follows_link_headers_verbatim(httpserver, client):
    base = httpserver.url_for("/api/v3/items")
    httpserver.expect_request("/api/v3/items", query_string="per_page=100").respond_with_json(
        [1, 2],
        headers={"Link": f'<{base}?per_page=100&page=2>; rel="next", <{base}?page=3>; rel="last"'},
    )
    httpserver.expect_request(
        "/api/v3/items", query_string="per_page=100&page=2"
    ).respond_with_json([3], headers={"Link": f'<{base}?per_page=100&page=3>; rel="next"'})
    httpserver.expect_request(
        "/api/v3/items", query_string="per_page=100&page=3"
    ).respond_with_json([4])
    assert list(client.paginate("/items")) == [1, 2, 3, 4]
    assert len(httpserver.log) == 3


def test_paginate__never_sends_the_token_to_another_host(httpserver, client):
    httpserver.expect_request("/api/v3/items").respond_with_json(
        [1], headers={"Link": '<http://evil.example/steal?page=2>; rel="next"'}
    )
    with pytest.raises(GitHubError, match="refusing to follow") as e:
        list(client.paginate("/items"))
    assert TOKEN not in str(e.value)
    assert len(httpserver.log) == 1


def test_retries__5xx_with_backoff_then_success(httpserver, client, no_sleep):
    httpserver.expect_ordered_request("/api/v3/x").respond_with_json({"m": "x"}, status=502)
    httpserver.expect_ordered_request("/api/v3/x").respond_with_json({"m": "x"}, status=503)
    httpserver.expect_ordered_request("/api/v3/x").respond_with_json({"done": 1})
    assert client.json("GET", "/x") == {"done": 1}
    assert no_sleep.calls == [1.0, 2.0]


def test_retries__5xx_gives_up_after_the_last_attempt(httpserver, client, no_sleep):
    httpserver.expect_request("/api/v3/x").respond_with_json({"message": "boom"}, status=500)
    with pytest.raises(GitHubError, match="HTTP 500: boom") as e:
        client.json("GET", "/x")
    assert e.value.status == 500
    assert len(httpserver.log) == client.retries + 1
    assert len(no_sleep.calls) == client.retries


def test_rate_limit__retry_after_is_honoured(httpserver, client, no_sleep):
    httpserver.expect_ordered_request("/api/v3/x").respond_with_json(
        {"message": "You have exceeded a secondary rate limit"},
        status=403,
        headers={"retry-after": "30"},
    )
    httpserver.expect_ordered_request("/api/v3/x").respond_with_json({"ok": 1})
    assert client.json("GET", "/x") == {"ok": 1}
    assert no_sleep.calls == [30.0]


def test_rate_limit__primary_waits_until_the_reset(httpserver, client, no_sleep, clock):
    reset = int(clock()) + 42
    httpserver.expect_ordered_request("/api/v3/x").respond_with_json(
        {"message": "API rate limit exceeded"},
        status=429,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    httpserver.expect_ordered_request("/api/v3/x").respond_with_json({"ok": 1})
    assert client.json("GET", "/x") == {"ok": 1}
    assert no_sleep.calls == [pytest.approx(reset - clock() + 1)]


def test_rate_limit__a_long_wait_is_refused_not_slept(httpserver, client, no_sleep, clock):
    httpserver.expect_request("/api/v3/x").respond_with_json(
        {"message": "API rate limit exceeded"},
        status=403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock()) + 3600)},
    )
    with pytest.raises(RateLimited, match="giving up"):
        client.json("GET", "/x")
    assert no_sleep.calls == []


def test_rate_limit__secondary_without_headers_backs_off_capped(httpserver, session, no_sleep):
    gh = GitHub(session, httpserver.url_for("/"), Secret(TOKEN), sleep=no_sleep, max_wait=90)
    httpserver.expect_ordered_request("/x").respond_with_json(
        {"message": "You have exceeded a secondary rate limit."}, status=403
    )
    httpserver.expect_ordered_request("/x").respond_with_json({"ok": 1})
    gh.json("GET", "/x")
    assert no_sleep.calls == [60.0]


def test_forbidden__permission_403_is_not_a_rate_limit(httpserver, client, no_sleep):
    httpserver.expect_request("/api/v3/x", method="POST").respond_with_json(
        {"message": "Resource not accessible by integration"},
        status=403,
        headers={"x-ratelimit-remaining": "4999"},
    )
    with pytest.raises(Forbidden, match="Resource not accessible by integration"):
        client.json("POST", "/x", json={"body": "b"})
    assert len(httpserver.log) == 1
    assert no_sleep.calls == []


def test_login__falls_back_when_the_token_cannot_say(httpserver, client):
    httpserver.expect_ordered_request("/api/v3/user").respond_with_json(
        {"message": "Resource not accessible by integration"}, status=403
    )
    httpserver.expect_ordered_request("/api/v3/user").respond_with_json({"login": "ratchet-bot"})
    assert client.login() is None
    assert client.login() == "ratchet-bot"


def test_errors__404_and_422_raise_at_once(httpserver, client):
    httpserver.expect_request("/api/v3/missing").respond_with_json(
        {"message": "Not Found"}, status=404
    )
    httpserver.expect_request("/api/v3/bad").respond_with_json(
        {"message": "Validation Failed"}, status=422
    )
    with pytest.raises(NotFound):
        client.json("GET", "/missing")
    with pytest.raises(GitHubError, match="422: Validation Failed"):
        client.json("POST", "/bad", json={})


def test_timeout__every_call_has_one(session, no_sleep):
    # A server that never answers: the kernel takes each connection into the backlog and
    # nothing accepts it, so every attempt times out however busy the machine is (a server
    # slower than the timeout is not, and it would answer into the next test). Without a
    # timeout the call would wait for ever: the timer closes the socket, which resets the
    # waiting connections, and the test fails instead of hanging.
    with socket.create_server(("127.0.0.1", 0), backlog=4) as silent:
        watchdog = threading.Timer(60, silent.close)
        watchdog.start()
        try:
            url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
            gh = GitHub(session, url, Secret(TOKEN), sleep=no_sleep, timeout=0.1, retries=1)
            with pytest.raises(GitHubError, match="ReadTimeout"):
                gh.json("GET", "/slow")
        finally:
            watchdog.cancel()
    assert no_sleep.calls == [1.0]


def test_token__never_in_messages_even_when_the_server_echoes_it(httpserver, client, session):
    httpserver.expect_request(re.compile("/api/v3/echo.*")).respond_with_handler(
        lambda r: Response(
            json.dumps({"message": f"bad token {r.headers['Authorization']}"}),
            status=401,
            content_type="application/json",
        )
    )
    with pytest.raises(GitHubError) as e:
        client.json("GET", "/echo")
    assert TOKEN not in str(e.value) and "***" in str(e.value)
    assert TOKEN not in repr(client)
    down = GitHub(session, "http://127.0.0.1:9", Secret(TOKEN), retries=0)
    with pytest.raises(GitHubError) as e2:
        down.json("GET", "/x")
    assert TOKEN not in str(e2.value)
    assert "ConnectionError" in str(e2.value)


@pytest.mark.parametrize(
    "quote",
    [repr, json.dumps, lambda t: repr(t.encode()), lambda t: urllib.parse.quote(t, safe="")],
)
def test_token__escaped_forms_scrubbed_too(httpserver, session, no_sleep, quote):
    # A token with a backslash and a quote: as a repr, JSON or URL-encoding quotes it, it is
    # no longer the token's own characters.
    token = "ghs_ab\\cd\"ef'gh/ij"
    httpserver.expect_request("/api/v3/echo").respond_with_json(
        {"message": f"Bad credentials: {quote(token)}"}, status=401
    )
    gh = GitHub(session, httpserver.url_for("/api/v3"), Secret(token), sleep=no_sleep)
    with pytest.raises(GitHubError) as e:
        gh.json("GET", "/echo")
    shown = str(e.value)
    assert "***" in shown
    for piece in ("ab\\", "cd", "ef", "gh", "ij"):
        assert piece not in shown.split("Bad credentials:")[1]


@pytest.mark.parametrize(
    "echo",
    [
        TOKEN.upper(),
        TOKEN.lower(),
        TOKEN[:20] + "...",  # cut short, as a log line or a proxy truncates
        TOKEN[:MIN_ECHO],  # the shortest echo that is scrubbed
        urllib.parse.quote(TOKEN[:12]).upper(),
        TOKEN.swapcase()[:16] + " and again " + TOKEN[:9],
    ],
    ids=["upper", "lower", "prefix-20", "prefix-8", "quoted-prefix-upper", "twice"],
)
def test_token__case_changed_or_truncated_echoes_scrubbed(httpserver, client, echo):
    httpserver.expect_request("/api/v3/echo").respond_with_json(
        {"message": f"Bad credentials: {echo}"}, status=401
    )
    with pytest.raises(GitHubError) as e:
        client.json("GET", "/echo")
    shown = str(e.value).split("Bad credentials: ")[1]
    assert "***" in shown
    assert TOKEN[4:MIN_ECHO].lower() not in shown.lower()  # not one secret character


def test_token__an_echo_within_another_is_scrubbed_once(httpserver, session, no_sleep):
    # The token's own head recurs inside it: the second match lies within the first echo.
    token = "ghs_abcdghs_abcd1234"
    httpserver.expect_request("/api/v3/echo").respond_with_json(
        {"message": f"Bad credentials: {token}!"}, status=401
    )
    gh = GitHub(session, httpserver.url_for("/api/v3"), Secret(token), sleep=no_sleep)
    with pytest.raises(GitHubError) as e:
        gh.json("GET", "/echo")
    assert str(e.value).endswith("Bad credentials: ***!")


def test_token__an_echo_shorter_than_min_echo_is_left(httpserver, client):
    # The boundary: "ghs_" and three random characters of 36 are no secret worth scrubbing
    # innocent words for.
    short = TOKEN[: MIN_ECHO - 1]
    httpserver.expect_request("/api/v3/echo").respond_with_json(
        {"message": f"Bad credentials: {short}"}, status=401
    )
    with pytest.raises(GitHubError) as e:
        client.json("GET", "/echo")
    assert str(e.value).endswith(f"Bad credentials: {short}")


@pytest.mark.parametrize("token", [TOKEN + "\r\nX-Evil: 1", TOKEN + "\u20ac"])
def test_token__a_header_requests_will_not_send_is_an_error_not_a_crash(
    httpserver, session, no_sleep, token
):
    gh = GitHub(session, httpserver.url_for("/api/v3"), Secret(token), sleep=no_sleep)
    with pytest.raises(GitHubError) as e:
        gh.json("GET", "/user")
    assert TOKEN[4:] not in str(e.value) and "\\r\\n" not in str(e.value)
    assert no_sleep.calls == []  # no retry can help
    assert len(httpserver.log) == 0


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}, 60.0),  # an HTTP date: a minute
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "soon"}, 60.0),
    ],
    ids=["retry-after-date", "reset-not-a-number"],
)
def test_rate_limit__a_header_that_is_not_a_number_waits_a_minute(
    httpserver, client, no_sleep, headers, wait
):
    httpserver.expect_ordered_request("/api/v3/x").respond_with_json(
        {"message": "API rate limit exceeded"}, status=429, headers=headers
    )
    httpserver.expect_ordered_request("/api/v3/x").respond_with_json({"ok": 1})
    assert client.json("GET", "/x") == {"ok": 1}
    assert no_sleep.calls == [wait]


def test_json__no_content_is_none_and_a_body_that_is_not_json_is_an_error(httpserver, client):
    httpserver.expect_request("/api/v3/empty", method="DELETE").respond_with_data("", status=204)
    httpserver.expect_request("/api/v3/html").respond_with_data(
        "<html>proxy says hi</html>", content_type="text/html"
    )
    assert client.json("DELETE", "/empty") is None
    with pytest.raises(GitHubError, match="GET /html: the response is not JSON"):
        client.json("GET", "/html")


def test_errors__a_body_that_is_not_json_gives_the_status_reason(httpserver, client):
    httpserver.expect_request("/api/v3/gone").respond_with_data("<h1>gone</h1>", status=404)
    with pytest.raises(NotFound, match="NOT FOUND"):
        client.json("GET", "/gone")


@pytest.mark.parametrize(
    ("body", "message"),
    [("not json", "the response is not JSON"), ('{"items": []}', "expected a list")],
)
def test_paginate__a_page_that_is_not_a_list_is_an_error(httpserver, client, body, message):
    httpserver.expect_request("/api/v3/items").respond_with_data(
        body, content_type="application/json"
    )
    with pytest.raises(GitHubError, match=f"GET /items: {message}"):
        list(client.paginate("/items"))


def test_paginate__stops_after_max_pages(httpserver, client):
    # A server whose every page says there is another: bounded, not an endless loop.
    url = httpserver.url_for("/api/v3/items")
    httpserver.expect_request("/api/v3/items").respond_with_json(
        [1], headers={"Link": f'<{url}?per_page=100&page=2>; rel="next"'}
    )
    with pytest.raises(GitHubError, match=f"more than {MAX_PAGES} pages"):
        list(client.paginate("/items"))
    assert len(httpserver.log) == MAX_PAGES


def test_scrub__without_a_token_messages_are_kept_as_they_are(httpserver, session, no_sleep):
    gh = GitHub(session, httpserver.url_for("/"), None, sleep=no_sleep)
    httpserver.expect_request("/x").respond_with_json({"message": "Bad credentials"}, status=401)
    with pytest.raises(GitHubError, match="Bad credentials"):
        gh.json("GET", "/x")
