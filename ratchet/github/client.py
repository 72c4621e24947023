"""A thin GitHub REST client: base URL from ``$GITHUB_API_URL``, a timeout on every call,
``Link`` pagination, and retries with backoff on 5xx and rate limits.

A 403 is a rate limit only when GitHub says so (``retry-after``, ``x-ratelimit-remaining:
0`` or a "rate limit" message); "Resource not accessible by integration" is a read-only
token (fork and Dependabot PRs) and raises ``Forbidden`` at once. The token travels only in
the ``Authorization`` header and is scrubbed from every message this module builds.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ratchet import __version__
from ratchet.errors import RatchetError
from ratchet.github.settings import Secret

if TYPE_CHECKING:
    import requests

TIMEOUT = 20.0
RETRIES = 4
MAX_WAIT = 90.0
MAX_PAGES = 100
# An echo of the token this long or longer is scrubbed even cut short: a message that
# quotes the first 8 characters of a GitHub token ("ghs_" and 4 of its 36 random ones)
# gives nothing away that is worth the risk of scrubbing an innocent word.
MIN_ECHO = 8
API_VERSION = "2022-11-28"


class GitHubError(RatchetError):
    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message, source="GitHub API")
        self.status = status


class Forbidden(GitHubError):
    """The token may not do this (a read-only token on a fork or Dependabot PR)."""


class NotFound(GitHubError):
    pass


class RateLimited(GitHubError):
    pass


def _message(resp: requests.Response) -> str:
    try:
        data = resp.json()
    except ValueError:
        return resp.reason or ""
    msg = data.get("message") if isinstance(data, dict) else None
    return str(msg)[:300] if msg else (resp.reason or "")


class GitHub:
    """Calls ``api_url`` with ``token``; ``sleep`` and ``clock`` are injectable for tests."""

    def __init__(
        self,
        session: requests.Session,
        api_url: str,
        token: Secret | None,
        *,
        timeout: float = TIMEOUT,
        retries: int = RETRIES,
        max_wait: float = MAX_WAIT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._session = session
        self.api_url = api_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        origin = urlsplit(self.api_url)
        self._origin = (origin.scheme, origin.netloc)

    def __repr__(self) -> str:
        return f"GitHub({self.api_url!r})"

    def _scrub(self, text: str) -> str:
        """``text`` without the token, as is or in the escaped forms an exception message
        can quote it in (``repr``, JSON, percent-encoded, Latin-1 bytes); in any case
        (a server may upper-case what it echoes), and cut short to as few as ``MIN_ECHO``
        characters (one that truncates it)."""
        if self._token is None or not self._token.reveal():
            return text
        token = self._token.reveal()
        forms = {
            token,
            repr(token)[1:-1],
            json.dumps(token)[1:-1],
            repr(token.encode("utf-8", "backslashreplace"))[2:-1],
            quote(token, safe=""),
        }
        spans = sorted(span for form in forms if form for span in _echoes(text, form))
        out, pos = [], 0
        for start, end in spans:
            if end <= pos:  # within the echo just scrubbed
                continue
            if start >= pos:
                out += [text[pos:start], "***"]
            pos = end  # an echo overlapping the last (another form of it) extends it
        out.append(text[pos:])
        return "".join(out)

    def _headers(self) -> dict[str, str]:
        h = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"coverage-ratchet/{__version__}",
        }
        if self._token is not None:
            h["Authorization"] = f"Bearer {self._token.reveal()}"
        return h

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            parts = urlsplit(path)
            # Never send the token to a host a response pointed at (a Link header, say).
            if (parts.scheme, parts.netloc) != self._origin:
                raise GitHubError(f"refusing to follow a URL off {self.api_url}: {path[:200]}")
            return path
        return f"{self.api_url}/{path.lstrip('/')}"

    def _rate_limit_wait(self, resp: requests.Response, attempt: int) -> float | None:
        """Seconds to wait when ``resp`` is a rate limit; None when it is not one."""
        if resp.status_code not in (403, 429):
            return None
        h = resp.headers
        retry_after = h.get("retry-after", "").strip()
        if retry_after:
            try:
                return max(float(retry_after), 0.0)
            except ValueError:
                return 60.0
        if h.get("x-ratelimit-remaining") == "0":
            try:
                return max(float(h.get("x-ratelimit-reset", "")) - self._clock(), 0.0) + 1.0
            except ValueError:
                return 60.0
        if resp.status_code == 429 or "rate limit" in _message(resp).lower():
            # A secondary limit without headers: at least a minute, then doubling.
            return 60.0 * 2.0**attempt
        return None

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str | int] | None = None,
    ) -> requests.Response:
        import requests  # here, not at the top: importing the module needs no HTTP library

        url = self._url(path)
        shown = f"{method} {urlsplit(url).path}"
        for attempt in range(self.retries + 1):
            try:
                resp = self._session.request(
                    method,
                    url,
                    json=json,
                    params=params,
                    headers=self._headers(),
                    timeout=self.timeout,
                )
            except (UnicodeError, requests.exceptions.InvalidHeader):
                # A header requests will not send (a token with a newline, or characters
                # beyond Latin-1): retrying cannot help, and the exception quotes the token.
                raise GitHubError(f"{shown}: a request header is not valid") from None
            except requests.RequestException as e:
                error: GitHubError = GitHubError(
                    self._scrub(f"{shown}: {type(e).__name__}: {e}")[:500]
                )
                wait = 2.0**attempt
            else:
                if resp.status_code < 400:
                    return resp
                msg = self._scrub(f"{shown}: HTTP {resp.status_code}: {_message(resp)}")
                limit_wait = self._rate_limit_wait(resp, attempt)
                if limit_wait is not None:
                    if limit_wait > self.max_wait:
                        raise RateLimited(
                            f"{msg} (rate limited for {limit_wait:.0f} s more; giving up)",
                            status=resp.status_code,
                        )
                    error, wait = RateLimited(msg, status=resp.status_code), limit_wait
                elif resp.status_code >= 500:
                    error, wait = GitHubError(msg, status=resp.status_code), 2.0**attempt
                elif resp.status_code == 403:
                    raise Forbidden(msg, status=403)
                elif resp.status_code == 404:
                    raise NotFound(msg, status=404)
                else:
                    raise GitHubError(msg, status=resp.status_code)
            if attempt == self.retries:
                raise error
            self._sleep(min(wait, self.max_wait))
        raise AssertionError("unreachable")  # pragma: no cover

    def json(self, method: str, path: str, *, json: Any = None) -> Any:
        resp = self.request(method, path, json=json)
        if resp.status_code == 204 or not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            raise GitHubError(f"{method} {path}: the response is not JSON") from None

    def paginate(self, path: str, *, per_page: int = 100) -> Iterator[Any]:
        """Every item of a list endpoint, following ``Link: <...>; rel="next"``."""
        url: str | None = path
        params: dict[str, str | int] | None = {"per_page": per_page}
        for _ in range(MAX_PAGES):
            if url is None:
                return
            resp = self.request("GET", url, params=params)
            try:
                items = resp.json()
            except ValueError:
                raise GitHubError(f"GET {path}: the response is not JSON") from None
            if not isinstance(items, list):
                raise GitHubError(f"GET {path}: expected a list")
            yield from items
            url = resp.links.get("next", {}).get("url")
            params = None  # the next URL carries per_page and page already
        raise GitHubError(f"GET {path}: more than {MAX_PAGES} pages")

    def login(self) -> str | None:
        """The token's user, or None when GitHub will not say (``GITHUB_TOKEN`` gets 403)."""
        try:
            data = self.json("GET", "/user")
        except (Forbidden, NotFound):
            return None
        login = data.get("login") if isinstance(data, dict) else None
        return login if isinstance(login, str) else None


def _echoes(text: str, form: str) -> Iterator[tuple[int, int]]:
    """Where ``text`` holds ``form``, or a prefix of it of ``MIN_ECHO`` characters or more,
    in any case: (start, end) of each."""
    head = re.compile(re.escape(form[:MIN_ECHO]), re.IGNORECASE)
    for m in head.finditer(text):
        end, at = m.end(), len(m.group())
        while at < len(form) and end < len(text) and text[end].lower() == form[at].lower():
            end, at = end + 1, at + 1
        yield m.start(), end
