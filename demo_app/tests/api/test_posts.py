from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from app.models import MAX_ID, Post, User
from app.schemas import MAX_PAGE_SIZE

pytestmark = pytest.mark.integration

POSTS = "/api/v1/posts"
Headers = Callable[[User], dict[str, str]]
MakeUser = Callable[..., User]
MakePost = Callable[..., Post]


def test_create_post__returns_201_and_queues_the_notification(
    client: TestClient, make_user: MakeUser, auth_headers: Headers, arq_pool: Any
) -> None:
    author = make_user(email="ada@example.com")

    response = client.post(
        POSTS, headers=auth_headers(author), json={"title": "Hello", "body": "First!"}
    )

    assert response.status_code == 201
    post = response.json()
    assert (post["title"], post["body"], post["author_id"]) == ("Hello", "First!", author.id)
    arq_pool.enqueue_job.assert_awaited_once_with(
        "notify_new_post", post_id=post["id"], title="Hello", author_email="ada@example.com"
    )


async def test_create_post__works_over_the_async_client(
    async_client: httpx2.AsyncClient, make_user: MakeUser, auth_headers: Headers
) -> None:
    response = await async_client.post(
        POSTS, headers=auth_headers(make_user()), json={"title": "Hi", "body": "Async"}
    )

    assert response.status_code == 201


@pytest.mark.auth
def test_create_post__requires_a_token(client: TestClient, arq_pool: Any) -> None:
    assert client.post(POSTS, json={"title": "Hello", "body": "First!"}).status_code == 401
    arq_pool.enqueue_job.assert_not_called()


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "", "body": "x"},
        {"title": "x" * 201, "body": "x"},
        {"title": "x", "body": ""},
        {"title": "nul\x00byte", "body": "x"},
        {"title": "x"},
        {"title": 5, "body": "x"},
    ],
    ids=["empty-title", "long-title", "empty-body", "nul-in-title", "no-body", "wrong-type"],
)
def test_create_post__invalid_body_is_422(
    client: TestClient, make_user: MakeUser, auth_headers: Headers, payload: dict[str, Any]
) -> None:
    response = client.post(POSTS, headers=auth_headers(make_user()), json=payload)

    assert response.status_code == 422


def test_create_post__title_of_exactly_200_characters_is_accepted(
    client: TestClient, make_user: MakeUser, auth_headers: Headers
) -> None:
    response = client.post(
        POSTS, headers=auth_headers(make_user()), json={"title": "x" * 200, "body": "x"}
    )

    assert response.status_code == 201


def test_read_post__returns_it(client: TestClient, make_post: MakePost) -> None:
    post = make_post(title="Hello")

    response = client.get(f"{POSTS}/{post.id}")

    assert response.status_code == 200
    assert response.json()["title"] == "Hello"


def test_read_post__missing_is_404(client: TestClient) -> None:
    assert client.get(f"{POSTS}/4242").status_code == 404


@pytest.mark.parametrize("post_id", ["0", "-1", str(MAX_ID + 1), "abc"])
def test_read_post__ids_outside_the_key_range_are_422(client: TestClient, post_id: str) -> None:
    assert client.get(f"{POSTS}/{post_id}").status_code == 422


def test_list_posts__empty_is_an_empty_page(client: TestClient) -> None:
    response = client.get(POSTS)

    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0, "limit": 20, "offset": 0}


async def test_list_posts__pages_newest_first(
    async_client: httpx2.AsyncClient, make_post: MakePost
) -> None:
    for i in range(3):
        make_post(title=f"post {i}")

    page = (await async_client.get(POSTS, params={"limit": 2, "offset": 1})).json()

    assert [p["title"] for p in page["items"]] == ["post 1", "post 0"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)


@pytest.mark.parametrize("limit", [1, MAX_PAGE_SIZE])
def test_list_posts__page_size_at_the_bounds_is_accepted(client: TestClient, limit: int) -> None:
    assert client.get(POSTS, params={"limit": limit}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": MAX_PAGE_SIZE + 1}, {"offset": -1}, {"offset": MAX_ID + 1}],
    ids=["limit-0", "limit-over", "offset-negative", "offset-huge"],
)
def test_list_posts__page_parameters_out_of_range_are_422(
    client: TestClient, params: dict[str, int]
) -> None:
    assert client.get(POSTS, params=params).status_code == 422


def test_update_post__author_can_edit(
    client: TestClient, make_user: MakeUser, make_post: MakePost, auth_headers: Headers
) -> None:
    author = make_user()
    post = make_post(author=author, title="Old", body="Kept")

    response = client.patch(
        f"{POSTS}/{post.id}", headers=auth_headers(author), json={"title": "New"}
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["body"]) == ("New", "Kept")


@pytest.mark.auth
def test_update_post__someone_else_is_403(
    client: TestClient, make_user: MakeUser, make_post: MakePost, auth_headers: Headers
) -> None:
    post = make_post(title="Mine")

    response = client.patch(
        f"{POSTS}/{post.id}", headers=auth_headers(make_user()), json={"title": "Theirs"}
    )

    assert response.status_code == 403
    assert client.get(f"{POSTS}/{post.id}").json()["title"] == "Mine"


@pytest.mark.parametrize("method", ["post", "patch"])
def test_write_post__lone_surrogate_is_422_not_500(
    client: TestClient,
    make_user: MakeUser,
    make_post: MakePost,
    auth_headers: Headers,
    arq_pool: Any,
    method: str,
) -> None:
    author = make_user()
    url = POSTS if method == "post" else f"{POSTS}/{make_post(author=author).id}"
    headers = {**auth_headers(author), "content-type": "application/json"}

    response = client.request(
        method, url, headers=headers, content=b'{"title": "\\ud800", "body": "x"}'
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "title"]
    arq_pool.enqueue_job.assert_not_called()


def test_update_post__missing_is_404(
    client: TestClient, make_user: MakeUser, auth_headers: Headers
) -> None:
    response = client.patch(f"{POSTS}/4242", headers=auth_headers(make_user()), json={"title": "x"})

    assert response.status_code == 404


def test_delete_post__author_can_delete(
    client: TestClient, make_user: MakeUser, make_post: MakePost, auth_headers: Headers
) -> None:
    author = make_user()
    post = make_post(author=author)

    response = client.delete(f"{POSTS}/{post.id}", headers=auth_headers(author))

    assert response.status_code == 204
    assert client.get(f"{POSTS}/{post.id}").status_code == 404


@pytest.mark.auth
def test_delete_post__someone_else_is_403(
    client: TestClient, make_user: MakeUser, make_post: MakePost, auth_headers: Headers
) -> None:
    post = make_post()

    response = client.delete(f"{POSTS}/{post.id}", headers=auth_headers(make_user()))

    assert response.status_code == 403
    assert client.get(f"{POSTS}/{post.id}").status_code == 200


@pytest.mark.auth
def test_delete_post__requires_a_token(client: TestClient, make_post: MakePost) -> None:
    assert client.delete(f"{POSTS}/{make_post().id}").status_code == 401
