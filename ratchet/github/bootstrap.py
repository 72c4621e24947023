"""The Action's first and only process: a private venv holding the pinned runtime
dependencies, then ``ratchet action`` in it, run from the action's own checkout.

action.yml runs it with the Python that actions/setup-python set up, as a script, on every
runner OS::

    "$RATCHET_PYTHON" -I "$GITHUB_ACTION_PATH/ratchet/github/bootstrap.py"

So it uses the standard library only. Nothing is built, and nothing is installed that
``requirements/action.txt`` does not pin by version and hash; ratchet itself is imported from
the checkout (``PYTHONPATH``). Two ways to fill the venv, the same result:

- the plain one: ``uv pip sync`` of the lock, uv itself pinned by hash in
  ``requirements/uv.txt`` (from PATH when it is that version, else installed by the
  interpreter's pip: an 18 MB download);
- the fast one, tried first: every pin of the lock has a pure-Python wheel
  (``py3-none-any``), and a pure wheel needs no installer, only unpacking. So for each pin
  that applies to this interpreter (its environment marker), the wheel's address comes from
  the index's simple API, all are downloaded at once (threads), each is checked against the
  lock's hashes (a mismatch is refused: exit 2) and unzipped into the venv's site-packages.
  When a pin has no pure wheel on the index, or ``UV_OFFLINE`` asks for uv's cache, it is
  the plain way instead (the log line says why).

The index is PyPI, or the one the job names in ``UV_DEFAULT_INDEX``, ``UV_INDEX_URL`` or
``PIP_INDEX_URL`` (in that order, as uv and pip would use it; a mirror changes nothing that
matters: the hashes are the lock's). TLS trusts the system's certificates (those of a proxy
that re-signs TLS included).

Cold, the fast way sets up in about half a second, where the plain way spent three fetching
uv (benchmarks/README.md, "The Action"). The venv is keyed by the lock's content and the
interpreter and kept in the runner's tool cache, so a second call in the same job reuses it,
and so does every later job on a runner that keeps its tool cache (a self-hosted one): the
warm path. A venv is only ever used once complete; one being built elsewhere at the same time
costs a second build, never a broken venv.
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

# The fast way's modules (urllib.request, ssl, zipfile, threads: about 80 ms) are imported
# where they are used: the warm path, most calls on a runner that keeps its tool cache,
# needs none of them.
if TYPE_CHECKING:
    import ssl

ROOT = Path(__file__).resolve().parents[2]  # the action's checkout
LOCK = ROOT / "requirements" / "action.txt"
UV_LOCK = ROOT / "requirements" / "uv.txt"
CACHE = "coverage-ratchet"
COMPLETE = ".complete"  # written last: a directory without it is never used
TITLE = "coverage-ratchet"
EXIT_ERROR = 2
EXIT_INTERNAL = 3
MIN_PYTHON = (3, 10)
PYPI = "https://pypi.org/simple"
INDEX_VARIABLES = ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "PIP_INDEX_URL")  # uv's order, then pip
# PEP 691's JSON first; PEP 503's HTML from an index (a mirror) that has no JSON.
ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
ACCEPT += "text/html;q=0.01"
TIMEOUT = 30.0  # seconds, for each request
ATTEMPTS = 3  # a connection that failed, or a 429 or 5xx answer, is tried again
RETRY_STATUS = (429, 500, 502, 503, 504)


class SetupError(Exception):
    """The runtime could not be set up: exit 2 with this message, never a traceback."""


class NoPureWheel(Exception):
    """The fast way cannot install a pin (the reason): the plain way (uv) will."""


def annotate(message: str) -> None:
    text = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    print(f"::error title={TITLE}::{text}", flush=True)


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()[:16]


def interpreter() -> bytes:
    """What makes a venv of this interpreter different from another's."""
    return "\0".join(
        (sys.implementation.cache_tag or "", sys.version, sys.executable, platform.machine())
    ).encode()


def cache_dir(env: Mapping[str, str]) -> Path:
    """Where venvs are kept: the runner's tool cache (kept between jobs on self-hosted
    runners), else its temp directory (emptied after each job), else the system's."""
    for name in ("RUNNER_TOOL_CACHE", "RUNNER_TEMP"):
        if env.get(name):
            path = Path(env[name]) / CACHE
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError:
                continue
            if os.access(path, os.W_OK):
                return path
    path = Path(tempfile.gettempdir()) / CACHE
    path.mkdir(parents=True, exist_ok=True)
    return path


def venv_home(cache: Path, lock: Path) -> Path:
    return cache / f"venv-{digest(lock.read_bytes(), interpreter())}"


def venv_python(directory: Path) -> Path:
    if os.name == "nt":
        return directory / "Scripts" / "python.exe"
    return directory / "bin" / "python"


def site_packages(directory: Path) -> Path:
    """The venv's site-packages, where ``venv`` itself made it."""
    if "venv" in sysconfig.get_scheme_names():  # 3.11+: the scheme venv lays out by
        base = str(directory)
        keys = ("base", "platbase", "installed_base", "installed_platbase")
        return Path(sysconfig.get_path("purelib", "venv", vars=dict.fromkeys(keys, base)))
    if os.name == "nt":  # 3.10's venv, which hard-codes the same places
        return directory / "Lib" / "site-packages"
    return directory / "lib" / "python{}.{}".format(*sys.version_info[:2]) / "site-packages"


def ensure(final: Path, build: Callable[[Path], None]) -> bool:
    """``final`` built by ``build`` unless already complete; True when it was built now.
    Built aside and renamed into place, so no reader sees half a directory."""
    if (final / COMPLETE).is_file():
        return False
    work = Path(tempfile.mkdtemp(prefix=f"{final.name}.", dir=final.parent))
    try:
        build(work)
        (work / COMPLETE).touch()
        if (final / COMPLETE).is_file():
            return True  # another job on this runner finished the same build first
        if final.exists():  # a build that died half-way
            shutil.rmtree(final, ignore_errors=True)
        try:
            work.rename(final)
        except OSError:
            if not (final / COMPLETE).is_file():
                raise
            # Another job finished it between the look and the rename: use its copy.
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return True


def clean_env(env: Mapping[str, str]) -> dict[str, str]:
    """The job's environment without what would make a Python other than the one we chose
    (or modules other than ours) run."""
    drop = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT", "VIRTUAL_ENV")
    return {k: v for k, v in env.items() if k not in drop}


# -- the lock ------------------------------------------------------------------------------------


class Pin(NamedTuple):
    name: str
    version: str
    marker: str  # "" when the pin applies everywhere
    hashes: frozenset[str]  # sha256, hex


_PIN = re.compile(
    r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)\s*(?:;(?P<marker>.*?))?\s*"
    r"(?P<hashes>(?:--hash=sha256:[0-9a-f]{64}\s*)+)"
)


def read_lock(text: str, where: str) -> list[Pin]:
    """The pins of a hashed requirements file as ``uv pip compile --generate-hashes`` writes
    it: ``name==version ; marker`` and one ``--hash=sha256:`` per file, lines continued by
    a backslash. Anything else is refused, never skipped."""
    pins = []
    for line in text.replace("\\\n", " ").splitlines():
        line = line.split("#", 1)[0].strip()  # comments: "# via requests"
        if not line:
            continue
        m = _PIN.fullmatch(line)
        if m is None:
            raise SetupError(f"{where}: cannot read {line[:80]!r}: not name==version --hash=...")
        hashes = frozenset(re.findall(r"sha256:([0-9a-f]{64})", m["hashes"]))
        pins.append(Pin(m["name"], m["version"], (m["marker"] or "").strip(), hashes))
    return pins


def marker_environment() -> dict[str, str]:
    """PEP 508's variables for this interpreter (those a universal lock writes)."""
    return {
        "python_version": "{}.{}".format(*sys.version_info[:2]),
        "python_full_version": platform.python_version(),
        "sys_platform": sys.platform,
        "platform_system": platform.system(),
        "platform_machine": platform.machine(),
        "os_name": os.name,
        "implementation_name": sys.implementation.name,
        "platform_python_implementation": platform.python_implementation(),
    }


_VERSION_VARIABLES = ("python_version", "python_full_version")
_MARKER_TOKEN = re.compile(r"\s*(?:('[^']*'|\"[^\"]*\")|(<=|>=|==|!=|<|>|\(|\))|([A-Za-z_]\w*))")


def version_key(text: str) -> tuple[int, ...] | None:
    """A Python version, comparable: 3.11 == 3.11.0; 3.11.0rc1 < 3.11.0. None: no version."""
    m = re.fullmatch(r"(\d+(?:\.\d+)*)(.*)", text.strip())
    if m is None:
        return None
    release = [int(n) for n in m[1].split(".")] + [0, 0]
    return (*release[:3], 0 if m[2] else 1)


def marker_applies(marker: str, environment: Mapping[str, str]) -> bool:
    """Whether a pin's environment marker holds: the comparisons (versions for the two
    python_* variables, strings for the rest) joined by ``and``/``or`` with parentheses. A
    marker beyond that is refused (exit 2), never guessed; the suite reads the whole lock
    with this, so a lock that needs more fails a test first."""
    if not marker:
        return True
    tokens: list[str] = []
    pos = 0
    while pos < len(marker):
        m = _MARKER_TOKEN.match(marker, pos)
        if m is None or m.end() == pos:
            if marker[pos:].strip():
                raise SetupError(f"cannot evaluate the marker {marker!r}")
            break
        tokens.append(m.group(m.lastindex or 0))
        pos = m.end()
    at = 0

    def take() -> str:
        nonlocal at
        if at >= len(tokens):
            raise SetupError(f"cannot evaluate the marker {marker!r}")
        at += 1
        return tokens[at - 1]

    def value(token: str) -> tuple[str, bool]:  # (text, is a variable)
        if token[0] in "'\"":
            return token[1:-1], False
        if token not in environment:
            raise SetupError(f"cannot evaluate the marker {marker!r}: unknown {token!r}")
        return environment[token], True

    def comparison() -> bool:
        first = take()
        if first == "(":
            result = either()
            if take() != ")":
                raise SetupError(f"cannot evaluate the marker {marker!r}")
            return result
        op, second = take(), take()
        (left, left_var), (right, right_var) = value(first), value(second)
        if left_var == right_var or op not in ("<", "<=", ">", ">=", "==", "!="):
            raise SetupError(f"cannot evaluate the marker {marker!r}")
        if (first if left_var else second) in _VERSION_VARIABLES:
            a: tuple[int, ...] | str | None = version_key(left)
            b: tuple[int, ...] | str | None = version_key(right)
            if a is None or b is None:
                raise SetupError(f"cannot evaluate the marker {marker!r}: not a version")
        elif op in ("==", "!="):
            a, b = left, right
        else:
            raise SetupError(f"cannot evaluate the marker {marker!r}: {op} on a string")
        return {
            "<": a < b,  # type: ignore[operator]
            "<=": a <= b,  # type: ignore[operator]
            ">": a > b,  # type: ignore[operator]
            ">=": a >= b,  # type: ignore[operator]
            "==": a == b,
            "!=": a != b,
        }[op]

    def both() -> bool:
        result = comparison()
        while at < len(tokens) and tokens[at] == "and":
            take()
            result = comparison() and result
        return result

    def either() -> bool:
        result = both()
        while at < len(tokens) and tokens[at] == "or":
            take()
            result = both() or result
        return result

    result = either()
    if at != len(tokens):
        raise SetupError(f"cannot evaluate the marker {marker!r}")
    return result


def canonical(name: str) -> str:
    """A project's name as the index spells it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# -- the plain way: uv ---------------------------------------------------------------------------


def run_tool(args: list[str], env: Mapping[str, str], what: str) -> None:
    proc = subprocess.run(
        args,
        env=dict(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
        cwd=tempfile.gettempdir(),  # no project configuration (pip.conf, uv.toml) from here
    )
    if proc.returncode != 0:
        said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SetupError(f"could not install {what}: {said[-1] if said else proc.returncode}")


def pinned_uv(lock: Path = UV_LOCK) -> str:
    m = re.search(r"^uv==(\S+)", lock.read_text(encoding="utf-8"), re.M)
    if m is None:
        raise SetupError(f"{lock} pins no uv version")
    return m.group(1)


def uv_version(exe: str) -> str | None:
    try:
        proc = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    parts = proc.stdout.split()
    return parts[1] if proc.returncode == 0 and len(parts) >= 2 else None


def find_uv(cache: Path, env: Mapping[str, str]) -> str:
    """The pinned uv: on PATH if that is its version, else installed by pip (from its hashed
    wheel) into the cache, once per runner."""
    version = pinned_uv()
    on_path = shutil.which("uv", path=env.get("PATH"))
    if on_path and uv_version(on_path) == version:
        return on_path
    home = cache / f"uv-{version}-{digest(UV_LOCK.read_bytes(), interpreter())}"

    def build(target: Path) -> None:
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile"]
        pip += ["--require-hashes", "--only-binary", ":all:", "--target", str(target)]
        pip_env = {
            **clean_env(env),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "PIP_ROOT_USER_ACTION": "ignore",
            "PIP_NO_WARN_SCRIPT_LOCATION": "1",
        }
        run_tool([*pip, "-r", str(UV_LOCK)], pip_env, f"uv {version} with pip")

    ensure(home, build)
    for candidate in ("bin/uv", "bin/uv.exe", "Scripts/uv.exe"):
        if (home / candidate).is_file():
            return str(home / candidate)
    raise SetupError(f"pip installed uv {version}, but its executable is not in {home}")


def sync_with_uv(target: Path, lock: Path, cache: Path, env: Mapping[str, str]) -> None:
    """The venv at ``target`` made exactly the lock by ``uv pip sync``."""
    uv = find_uv(cache, env)
    # sync, not install: exactly the lock, nothing resolved (so no metadata fetched).
    args = [uv, "pip", "sync", "--quiet", "--no-config", "--python"]
    args += [str(venv_python(target)), "--require-hashes", "--only-binary", ":all:"]
    run_tool([*args, str(lock)], uv_environment(env), f"coverage-ratchet's dependencies ({lock})")


def uv_environment(env: Mapping[str, str]) -> dict[str, str]:
    out = clean_env(env)
    if not any(env.get(name) for name in INDEX_VARIABLES[:2]) and env.get("PIP_INDEX_URL"):
        out["UV_DEFAULT_INDEX"] = env["PIP_INDEX_URL"]  # the index the fast way would use
    out.setdefault("UV_LINK_MODE", "copy")  # the cache may be on another file system
    # The platform's certificates, as pip uses them: a runner behind a proxy that re-signs
    # TLS trusts its CA there, not in uv's built-in roots (the variable's old and new name).
    out.setdefault("UV_NATIVE_TLS", "1")
    out.setdefault("UV_SYSTEM_CERTS", "1")
    return out


# -- the fast way: pure-Python wheels, unpacked ---------------------------------------------------


class Index(NamedTuple):
    """A package index's simple API; credentials in its URL go to its own host only."""

    url: str  # without credentials or a trailing slash
    authorization: str | None = None

    def page(self, name: str) -> str:
        return f"{self.url}/{canonical(name)}/"


def index_from(env: Mapping[str, str]) -> Index:
    import base64
    import urllib.parse

    raw = next((env[name] for name in INDEX_VARIABLES if env.get(name)), PYPI)
    parts = urllib.parse.urlsplit(raw.strip())
    authorization = None
    if parts.username is not None or parts.password is not None:
        user = urllib.parse.unquote(parts.username or "")
        secret = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")
        authorization = f"Basic {token}"
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"  # an IPv6 address
    if parts.port is not None:
        netloc += f":{parts.port}"
    url = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    return Index(url, authorization)


def same_origin(a: str, b: str) -> bool:
    import urllib.parse

    x, y = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
    return (x.scheme, x.hostname, x.port) == (y.scheme, y.hostname, y.port)


def tls_context(bundle: Callable[[], str | None] | None = None) -> ssl.SSLContext:
    """The system's certificates (what the runner trusts, a re-signing proxy's CA
    included). A Python whose OpenSSL finds none (python.org's macOS build before "Install
    Certificates") gets pip's own bundle instead: the hashes, not TLS, vouch for the files."""
    import ssl

    context = ssl.create_default_context()
    if not has_certificates(context):
        extra = (bundle or pips_certificates)()
        if extra:
            context.load_verify_locations(cafile=extra)
    return context


def has_certificates(context: ssl.SSLContext) -> bool:
    import ssl

    if context.cert_store_stats()["x509_ca"]:
        return True
    capath = ssl.get_default_verify_paths().capath  # read when needed, so not counted yet
    return bool(capath) and Path(capath).is_dir() and any(Path(capath).iterdir())


def pips_certificates() -> str | None:
    """The CA bundle pip vendors (setup-python's interpreters all have pip), not imported."""
    for entry in sys.path:
        candidate = Path(entry) / "pip" / "_vendor" / "certifi" / "cacert.pem"
        if entry and candidate.is_file():
            return str(candidate)
    return None


def public(url: str) -> str:
    """A URL fit for a log: no credentials."""
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def http_get(
    url: str, index: Index, context: ssl.SSLContext, accept: str = "*/*"
) -> tuple[bytes, str, str]:
    """The body, the content type and the final URL (after redirects) of a GET."""
    import gzip
    import http.client
    import ssl
    import urllib.error
    import urllib.request

    headers = {"Accept": accept, "Accept-Encoding": "gzip", "User-Agent": TITLE}
    request = urllib.request.Request(url, headers=headers)
    if index.authorization and same_origin(url, index.url):
        request.add_unredirected_header("Authorization", index.authorization)
    for attempt in range(ATTEMPTS):
        last = attempt == ATTEMPTS - 1
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT, context=context) as response:
                body = response.read()
                if response.headers.get("Content-Encoding", "").lower() == "gzip":
                    body = gzip.decompress(body)  # PyPI's pages shrink to a quarter
                return body, response.headers.get("Content-Type", ""), response.geturl()
        except urllib.error.HTTPError as e:
            e.close()  # its response, the connection under it
            if last or e.code not in RETRY_STATUS:
                hint = " (check the index's credentials)" if e.code in (401, 403) else ""
                raise SetupError(f"{public(url)}: HTTP {e.code} {e.reason}{hint}") from None
        except (OSError, http.client.HTTPException) as e:
            reason = e.reason if isinstance(e, urllib.error.URLError) else e
            if isinstance(reason, ssl.SSLCertVerificationError):
                raise SetupError(
                    f"{public(url)}: the server's certificate is not trusted "
                    f"({reason.verify_message}); add its CA to the system's certificates "
                    "or name a bundle in SSL_CERT_FILE"
                ) from None
            if last:
                raise SetupError(f"could not download {public(url)}: {reason}") from None
        time.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


class Link(NamedTuple):
    filename: str
    url: str
    sha256: str | None  # what the index says; the bytes are checked anyway


def anchors(page: str) -> list[str]:
    """The addresses a page's ``<a href>`` tags hold."""
    from html.parser import HTMLParser

    hrefs: list[str] = []

    class Anchors(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            href = dict(attrs).get("href")
            if tag == "a" and href:
                hrefs.append(href)

    parser = Anchors()
    parser.feed(page)
    parser.close()
    return hrefs


def read_page(body: bytes, content_type: str, page_url: str) -> list[Link]:
    """The files a project's page lists: PEP 691's JSON, or PEP 503's HTML anchors."""
    import json
    import urllib.parse

    links = []
    try:
        if "json" in content_type:
            for f in json.loads(body)["files"]:
                sha256 = (f.get("hashes") or {}).get("sha256")
                links.append(Link(f["filename"], urllib.parse.urljoin(page_url, f["url"]), sha256))
            return links
        hrefs = anchors(body.decode("utf-8"))
    except (ValueError, KeyError, TypeError) as e:  # JSONDecodeError, UnicodeDecodeError
        raise SetupError(f"{public(page_url)}: not a package index page ({e})") from None
    for href in hrefs:
        url, _, fragment = urllib.parse.urljoin(page_url, href).partition("#")
        name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
        m = re.fullmatch(r"sha256=([0-9a-fA-F]{64})", fragment)
        links.append(Link(name, url, m[1].lower() if m else None))
    return links


def is_pure_wheel(filename: str, pin: Pin) -> bool:
    """``filename`` is a wheel of exactly ``pin`` that runs anywhere on this Python 3:
    abi ``none``, platform ``any``, python ``py3`` (or ``py3N`` up to this minor)."""
    parts = filename[: -len(".whl")].split("-") if filename.endswith(".whl") else []
    if len(parts) not in (5, 6):
        return False
    name, version, pythons, abi, platforms = parts[0], parts[1], *parts[-3:]
    if canonical(name) != canonical(pin.name) or version.lower() != pin.version.lower():
        return False
    minor = sys.version_info[1]

    def runs_here(tag: str) -> bool:
        m = re.fullmatch(r"py3(\d*)", tag)
        return m is not None and (not m[1] or int(m[1]) <= minor)

    return (
        abi == "none" and "any" in platforms.split(".") and any(map(runs_here, pythons.split(".")))
    )


class Wheel(NamedTuple):
    pin: Pin
    filename: str
    data: bytes


def fetch_pure_wheel(pin: Pin, index: Index, context: ssl.SSLContext, lock: str) -> Wheel:
    """``pin``'s pure wheel, checked against the lock's hashes for it."""
    import io
    import zipfile

    body, content_type, page_url = http_get(index.page(pin.name), index, context, ACCEPT)
    links = read_page(body, content_type, page_url)
    candidates = [link for link in links if is_pure_wheel(link.filename, pin)]
    if not candidates:
        raise NoPureWheel(f"no pure-Python wheel of {pin.name} {pin.version} at {index.url}")
    locked = [c for c in candidates if c.sha256 in pin.hashes]
    unsaid = [c for c in candidates if c.sha256 is None]
    if not locked and not unsaid:
        c = candidates[0]
        raise SetupError(
            f"{index.url} offers {c.filename} with sha256 {c.sha256}, which {lock} does not "
            f"pin for {pin.name}=={pin.version}: refusing it"
        )
    link = (locked or unsaid)[0]
    data, _, _ = http_get(link.url, index, context)
    got = hashlib.sha256(data).hexdigest()
    if got not in pin.hashes:
        raise SetupError(
            f"{link.filename} from {public(link.url)} has sha256 {got}, which {lock} does not "
            f"pin for {pin.name}=={pin.version}: refusing it"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as e:
        raise SetupError(f"{link.filename}: not a wheel ({e})") from None
    for name in names:
        where = name.split("/")
        if where[0].endswith(".data") and len(where) > 2 and where[1] in ("data", "headers"):
            raise NoPureWheel(f"{link.filename} installs files outside site-packages ({name})")
    return Wheel(pin, link.filename, data)


def fetch_pure_wheels(pins: Iterable[Pin], index: Index, lock: str) -> list[Wheel]:
    """Every pin's pure wheel, downloaded at once. A refusal (SetupError) wins over a pin
    the fast way cannot install (NoPureWheel), which wins over the rest."""
    import concurrent.futures

    pins = list(pins)
    context = tls_context()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(pins))) as pool:
        futures = [pool.submit(fetch_pure_wheel, pin, index, context, lock) for pin in pins]
        concurrent.futures.wait(futures)
    errors = [f.exception() for f in futures if f.exception() is not None]
    for kind in (SetupError, NoPureWheel, BaseException):
        for error in errors:
            if isinstance(error, kind):
                raise error
    return [f.result() for f in futures]


def unpack(wheel: Wheel, site: Path) -> None:
    """A pure wheel installed: its files into site-packages (``.data/purelib`` and
    ``platlib`` too); its ``.data/scripts`` are left out, as are console scripts: ratchet
    imports its dependencies, it never runs their commands."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(wheel.data)) as archive:
        for info in archive.infolist():
            parts = info.filename.split("/")
            if parts[0].endswith(".data") and len(parts) > 2:
                if parts[1] not in ("purelib", "platlib"):
                    continue
                parts = parts[2:]
            if info.is_dir():
                continue
            if "\\" in info.filename or any(p in ("", ".", "..") or ":" in p for p in parts):
                raise SetupError(f"{wheel.filename}: refusing the path {info.filename!r}")
            dest = site.joinpath(*parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out)


def offline(env: Mapping[str, str]) -> bool:
    return env.get("UV_OFFLINE", "").strip().lower() not in ("", "0", "false", "no", "off")


def install(target: Path, lock: Path, cache: Path, env: Mapping[str, str]) -> str:
    """The lock installed into the venv at ``target``; how, for the log."""
    if offline(env):
        sync_with_uv(target, lock, cache, env)
        return "with uv (UV_OFFLINE is set: from uv's cache)"
    pins = read_lock(lock.read_text(encoding="utf-8"), str(lock))
    environment = marker_environment()
    pins = [pin for pin in pins if marker_applies(pin.marker, environment)]
    index = index_from(env)
    try:
        wheels = fetch_pure_wheels(pins, index, str(lock))
    except NoPureWheel as e:
        sync_with_uv(target, lock, cache, env)
        return f"with uv ({e})"
    site = site_packages(target)
    if not site.is_dir():
        raise RuntimeError(f"venv made no site-packages at {site}")  # a bug: exit 3
    for wheel in wheels:
        unpack(wheel, site)
    return f"from {len(wheels)} pure-Python wheels ({index.url})"


def ensure_venv(cache: Path, env: Mapping[str, str], lock: Path = LOCK) -> tuple[Path, str | None]:
    """The venv with the locked dependencies, and how it was made now (None: reused)."""
    how: str | None = None

    def build(target: Path) -> None:
        import venv

        nonlocal how
        venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(target)
        how = install(target, lock, cache, env)

    home = venv_home(cache, lock)
    ensure(home, build)
    return venv_python(home), how


def launch_env(env: Mapping[str, str]) -> dict[str, str]:
    """ratchet from the checkout, first on the path; the working directory never ahead of it
    (3.11+: a ``ratchet`` package in the user's repository is not imported instead); UTF-8
    output on every OS (Windows would write the console's code page into the log)."""
    out = clean_env(env)
    out.update(
        {"PYTHONPATH": str(ROOT), "PYTHONSAFEPATH": "1", "PYTHONUTF8": "1", "PYTHONNOUSERSITE": "1"}
    )
    return out


def main(env: Mapping[str, str] | None = None, lock: Path = LOCK) -> int:
    env = dict(os.environ) if env is None else dict(env)
    try:
        if sys.version_info < MIN_PYTHON:
            raise SetupError(
                f"coverage-ratchet needs Python {'.'.join(map(str, MIN_PYTHON))} or newer, "
                f"not {platform.python_version()}: change python-version"
            )
        start = time.monotonic()
        python, how = ensure_venv(cache_dir(env), env, lock)
        home = python.parent.parent
        done = f"reused {home}" if how is None else f"set up {home} {how}"
        print(f"coverage-ratchet: {done} in {time.monotonic() - start:.2f} s")
        sys.stdout.flush()
    except SetupError as e:
        annotate(str(e))
        print(f"ratchet: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as e:
        annotate(f"could not set up coverage-ratchet: {e}")
        print(f"ratchet: error: could not set up coverage-ratchet: {e}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:  # a bug: Python's own exit code would be 1, a "regression"
        traceback.print_exc()
        print(
            "ratchet: internal error (a bug in coverage-ratchet; please report it)", file=sys.stderr
        )
        return EXIT_INTERNAL
    proc = subprocess.run(
        [str(python), "-m", "ratchet", "action"], env=launch_env(env), check=False
    )
    # A signal's death (negative on POSIX) is no verdict: never 0 or 1.
    return proc.returncode if proc.returncode in range(256) else EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
