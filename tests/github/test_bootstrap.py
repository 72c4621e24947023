"""The Action's launcher (ratchet/github/bootstrap.py): a private venv from the hashed lock,
built once per interpreter and lock, then ``ratchet action`` in it, from the checkout.

The fast way (pure-Python wheels unpacked) runs against a local index (a real HTTP server)
serving the lock's pins as wheels repacked from this venv's installed copies, under a lock
with their hashes: offline, and byte for byte what the bootstrap is asked to check. The
plain way (uv) runs offline from uv's cache, as the action harness runs it."""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.metadata
import io
import json
import os
import re
import ssl
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ratchet.github import bootstrap
from tests.conftest import REPO, clean_env
from tests.github.conftest import VENV_BIN

SCRIPT = REPO / "ratchet" / "github" / "bootstrap.py"


# -- pieces --------------------------------------------------------------------------------------


@pytest.mark.unit
def test_digest__parts_cannot_run_into_each_other():
    assert bootstrap.digest(b"ab", b"c") != bootstrap.digest(b"a", b"bc")
    assert bootstrap.digest(b"ab", b"c") == bootstrap.digest(b"ab", b"c")
    assert len(bootstrap.digest(b"")) == 16


@pytest.mark.unit
def test_ensure__builds_once_then_reuses(tmp_path):
    built: list[Path] = []

    def build(path: Path) -> None:
        built.append(path)
        (path / "thing").write_text("made")

    final = tmp_path / "venv-x"
    assert bootstrap.ensure(final, build) is True
    assert bootstrap.ensure(final, build) is False
    assert len(built) == 1
    assert built[0] != final  # built aside, then renamed into place
    assert (final / "thing").read_text() == "made"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["venv-x"]  # nothing left over


@pytest.mark.unit
def test_ensure__a_half_built_directory_is_built_again(tmp_path):
    final = tmp_path / "venv-x"
    final.mkdir()
    (final / "junk").write_text("a build that died")  # no COMPLETE marker
    assert bootstrap.ensure(final, lambda p: (p / "thing").touch()) is True
    assert sorted(p.name for p in final.iterdir()) == [bootstrap.COMPLETE, "thing"]


@pytest.mark.unit
def test_ensure__a_failed_build_leaves_nothing(tmp_path):
    def build(path: Path) -> None:
        (path / "half").write_text("")
        raise bootstrap.SetupError("no network")

    with pytest.raises(bootstrap.SetupError):
        bootstrap.ensure(tmp_path / "venv-x", build)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.unit
def test_ensure__another_job_that_finished_first_wins(tmp_path):
    final = tmp_path / "venv-x"

    def build(path: Path) -> None:
        (path / "mine").write_text("")
        final.mkdir()  # meanwhile, another job on this runner completed the same build
        (final / "theirs").write_text("")
        (final / bootstrap.COMPLETE).touch()

    assert bootstrap.ensure(final, build) is True
    assert sorted(p.name for p in final.iterdir()) == [bootstrap.COMPLETE, "theirs"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["venv-x"]


@pytest.mark.unit
def test_cache_dir__the_tool_cache_else_the_temp_directory(tmp_path):
    tools, temp = tmp_path / "tools", tmp_path / "temp"
    env = {"RUNNER_TOOL_CACHE": str(tools), "RUNNER_TEMP": str(temp)}
    assert bootstrap.cache_dir(env) == tools / "coverage-ratchet"
    (tmp_path / "file").write_text("not a directory")
    env["RUNNER_TOOL_CACHE"] = str(tmp_path / "file")
    assert bootstrap.cache_dir(env) == temp / "coverage-ratchet"


@pytest.mark.unit
def test_launch_env__ratchet_from_the_checkout_and_nothing_else(tmp_path):
    env = bootstrap.launch_env(
        {"PATH": "/bin", "PYTHONPATH": "/elsewhere", "PYTHONHOME": "/x", "VIRTUAL_ENV": "/v"}
    )
    assert env == {
        "PATH": "/bin",
        "PYTHONPATH": str(REPO),
        "PYTHONSAFEPATH": "1",
        "PYTHONUTF8": "1",
        "PYTHONNOUSERSITE": "1",
    }


@pytest.mark.unit
def test_uv_environment__the_same_index_as_the_fast_way_and_the_system_s_certificates():
    env = bootstrap.uv_environment({"PIP_INDEX_URL": "https://pip.example/simple", "PATH": "/bin"})
    assert env == {
        "PIP_INDEX_URL": "https://pip.example/simple",
        "PATH": "/bin",
        "UV_DEFAULT_INDEX": "https://pip.example/simple",
        "UV_LINK_MODE": "copy",
        "UV_NATIVE_TLS": "1",
        "UV_SYSTEM_CERTS": "1",
    }
    mine = {"UV_INDEX_URL": "https://uv.example/simple", "PIP_INDEX_URL": "https://pip.example"}
    assert "UV_DEFAULT_INDEX" not in bootstrap.uv_environment(mine)  # uv reads its own
    assert bootstrap.uv_environment({"UV_LINK_MODE": "hardlink"})["UV_LINK_MODE"] == "hardlink"


@pytest.mark.unit
def test_pinned_uv__the_version_of_the_lock():
    assert bootstrap.pinned_uv() == bootstrap.uv_version(str(VENV_BIN / "uv"))


# -- the lock and its markers ---------------------------------------------------------------------

A, B, C = "a" * 64, "b" * 64, "c" * 64


@pytest.mark.unit
def test_read_lock__pins_markers_hashes_and_no_comments():
    text = (
        "# This file was autogenerated by uv\n"
        f"coverage==7.16.2 ; python_full_version < '3.11' \\\n    --hash=sha256:{A} \\\n"
        f"    --hash=sha256:{B}\n    # via coverage-ratchet (pyproject.toml)\n"
        f"idna==3.21 \\\n    --hash=sha256:{C}\n"
    )
    assert bootstrap.read_lock(text, "x.txt") == [
        bootstrap.Pin("coverage", "7.16.2", "python_full_version < '3.11'", frozenset({A, B})),
        bootstrap.Pin("idna", "3.21", "", frozenset({C})),
    ]


@pytest.mark.unit
@pytest.mark.parametrize("line", ["requests==2.34.2", "requests>=2.34 --hash=sha256:" + A, "-e ."])
def test_read_lock__a_line_that_is_not_a_hashed_pin_is_refused(line):
    with pytest.raises(bootstrap.SetupError, match=r"^x\.txt: cannot read "):
        bootstrap.read_lock(f"idna==3.21 --hash=sha256:{C}\n{line}\n", "x.txt")


def python(full: str, platform: str = "linux") -> dict[str, str]:
    """The marker variables of another interpreter."""
    return {
        **bootstrap.marker_environment(),
        "python_full_version": full,
        "python_version": ".".join(full.split(".")[:2]),
        "sys_platform": platform,
    }


@pytest.mark.unit
@pytest.mark.parametrize("environment", [python("3.10.14"), python("3.11.0"), python("3.14.2")])
def test_read_lock__the_real_lock_one_pin_per_project_on_every_python(environment):
    pins = bootstrap.read_lock(bootstrap.LOCK.read_text(), "action.txt")
    here = [p.name for p in pins if bootstrap.marker_applies(p.marker, environment)]
    assert sorted(here) == sorted({p.name for p in pins})  # every project, once
    assert all(p.hashes for p in pins)


@pytest.mark.unit
def test_read_lock__the_real_lock_here_is_what_uv_installs_here():
    pins = bootstrap.read_lock(bootstrap.LOCK.read_text(), "action.txt")
    environment = bootstrap.marker_environment()
    here = {p.name: p.version for p in pins if bootstrap.marker_applies(p.marker, environment)}
    assert here == locked_here()


@pytest.mark.unit
@pytest.mark.parametrize(
    ("marker", "environment", "expected"),
    [
        ("", python("3.10.0"), True),
        ("python_full_version < '3.11'", python("3.10.14"), True),
        ("python_full_version < '3.11'", python("3.11.0"), False),
        ("python_full_version >= '3.11'", python("3.11.0"), True),
        ("python_full_version >= '3.11'", python("3.10.14"), False),
        ("python_full_version >= '3.11'", python("3.11.0rc1"), False),  # before 3.11.0
        ("python_full_version >= '3.11.1'", python("3.11.0"), False),
        ("python_version == '3.11'", python("3.11.7"), True),
        ("python_version <= '3.10'", python("3.10.14"), True),
        ("python_version > '3.10'", python("3.10.14"), False),
        ("python_version != '3.10'", python("3.12.1"), True),
        ("python_version < '3.11'  ", python("3.10.1"), True),  # blanks after the marker
        ("'3.11' <= python_version", python("3.12.1"), True),  # either side
        ("sys_platform == 'win32'", python("3.11.0", "win32"), True),
        ('sys_platform != "win32"', python("3.11.0", "win32"), False),
        ("python_version >= '3.11' and sys_platform == 'win32'", python("3.12.0"), False),
        ("sys_platform == 'win32' or python_version < '3.11'", python("3.10.1"), True),
        # `and` binds tighter than `or`; parentheses group
        ("python_version < '3.11' or python_version >= '3.12' and sys_platform == 'win32'",
         python("3.12.0"), False),
        ("(python_version < '3.11' or python_version >= '3.12') and sys_platform == 'linux'",
         python("3.12.0"), True),
    ],
)  # fmt: skip
def test_marker_applies(marker, environment, expected):
    assert bootstrap.marker_applies(marker, environment) is expected


@pytest.mark.unit
@pytest.mark.parametrize(
    "marker",
    [
        "extra == 'socks'",  # a variable a universal lock of ours never writes
        "python_version in '3.10 3.11'",
        "python_version ~= '3.10'",
        "sys_platform < 'linux'",  # strings compare by equality only
        "'3.10' < '3.11'",
        "python_version < '3.11' and",
        "(python_version < '3.11'",
        "python_version < '3.11')",
        "(python_version < '3.11' sys_platform == 'linux')",
        "python_version < 'three'",
    ],
)
def test_marker_applies__what_it_cannot_evaluate_is_refused(marker):
    with pytest.raises(bootstrap.SetupError, match="cannot evaluate the marker"):
        bootstrap.marker_applies(marker, python("3.11.0"))


# -- the index, the wheels ------------------------------------------------------------------------


@pytest.mark.unit
def test_index_from__uv_s_variables_then_pip_s_then_pypi():
    assert bootstrap.index_from({}) == bootstrap.Index("https://pypi.org/simple")
    env = {"PIP_INDEX_URL": "https://pip.example/simple/", "UV_INDEX_URL": ""}  # empty: unset
    assert bootstrap.index_from(env) == bootstrap.Index("https://pip.example/simple")
    env["UV_INDEX_URL"] = "https://uv.example/simple"
    assert bootstrap.index_from(env).url == "https://uv.example/simple"
    env["UV_DEFAULT_INDEX"] = "http://[::1]:3141/root/pypi/+simple/"
    assert bootstrap.index_from(env).url == "http://[::1]:3141/root/pypi/+simple"


@pytest.mark.unit
def test_index_from__credentials_leave_the_url_for_a_header():
    index = bootstrap.index_from({"PIP_INDEX_URL": "https://bot:p%40ss@mirror.example:8443/simple"})
    assert index.url == "https://mirror.example:8443/simple"
    assert index.authorization == "Basic " + base64.b64encode(b"bot:p@ss").decode()
    assert (
        bootstrap.public("https://bot:p%40ss@mirror.example/x.whl")
        == "https://mirror.example/x.whl"
    )


@pytest.mark.unit
def test_read_page__pep_691_json():
    page = {
        "meta": {"api-version": "1.1"},
        "files": [
            {
                "filename": "idna-3.21-py3-none-any.whl",
                "url": "../../f/i.whl",
                "hashes": {"sha256": A},
            },
            {"filename": "idna-3.21.tar.gz", "url": "https://files.example/i.tar.gz", "hashes": {}},
        ],
    }
    links = bootstrap.read_page(
        json.dumps(page).encode(),
        "application/vnd.pypi.simple.v1+json",
        "https://m.example/simple/idna/",
    )
    assert links == [
        bootstrap.Link("idna-3.21-py3-none-any.whl", "https://m.example/f/i.whl", A),
        bootstrap.Link("idna-3.21.tar.gz", "https://files.example/i.tar.gz", None),
    ]


@pytest.mark.unit
def test_read_page__pep_503_html():
    body = (
        "<!DOCTYPE html><html><body><h1>Links for idna</h1>"
        f'<a href="../../f/idna-3.21-py3-none-any.whl#sha256={A.upper()}" '
        'data-requires-python="&gt;=3.10">idna-3.21-py3-none-any.whl</a><br/>'
        '<a href="https://files.example/idna-3.21%2Bx.tar.gz">idna-3.21+x.tar.gz</a>'
        "</body></html>"
    )
    links = bootstrap.read_page(body.encode(), "text/html", "https://m.example/simple/idna/")
    assert links == [
        bootstrap.Link(
            "idna-3.21-py3-none-any.whl", "https://m.example/f/idna-3.21-py3-none-any.whl", A
        ),
        bootstrap.Link("idna-3.21+x.tar.gz", "https://files.example/idna-3.21%2Bx.tar.gz", None),
    ]


@pytest.mark.unit
def test_read_page__not_an_index_page_is_refused():
    with pytest.raises(bootstrap.SetupError, match=r"^https://m\.example/simple/x/: not a package"):
        bootstrap.read_page(b"{}", "application/json", "https://m.example/simple/x/")


MINOR = sys.version_info[1]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("charset_normalizer-3.5.3-py3-none-any.whl", True),
        ("Charset.Normalizer-3.5.3-py3-none-any.whl", True),  # names compare as PEP 503's
        ("charset_normalizer-3.5.3-py2.py3-none-any.whl", True),
        ("charset_normalizer-3.5.3-1-py3-none-any.whl", True),  # a build tag
        (f"charset_normalizer-3.5.3-py3{MINOR}-none-any.whl", True),
        (f"charset_normalizer-3.5.3-py3{MINOR + 1}-none-any.whl", False),  # a newer Python's
        ("charset_normalizer-3.5.3-py2-none-any.whl", False),
        (f"charset_normalizer-3.5.3-cp3{MINOR}-none-any.whl", False),  # CPython's: uv's job
        (f"charset_normalizer-3.5.3-cp3{MINOR}-cp3{MINOR}-manylinux_2_17_x86_64.whl", False),
        ("charset_normalizer-3.5.3-py3-abi3-any.whl", False),
        ("charset_normalizer-3.5.4-py3-none-any.whl", False),
        ("charset_normalizer-3.5.3.tar.gz", False),
    ],
)
def test_is_pure_wheel(filename, expected):
    pin = bootstrap.Pin("charset-normalizer", "3.5.3", "", frozenset())
    assert bootstrap.is_pure_wheel(filename, pin) is expected


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def tiny(files: dict[str, bytes]) -> bootstrap.Wheel:
    pin = bootstrap.Pin("tiny", "1.0", "", frozenset())
    return bootstrap.Wheel(pin, "tiny-1.0-py3-none-any.whl", zipped(files))


@pytest.mark.unit
def test_unpack__into_site_packages_with_purelib_data_and_without_scripts(tmp_path):
    wheel = tiny(
        {
            "tiny/": b"",  # a directory's own entry
            "tiny/__init__.py": b"X = 1\n",
            "tiny-1.0.data/purelib/tiny_extra.py": b"Y = 2\n",
            "tiny-1.0.data/platlib/tiny_more/__init__.py": b"",
            "tiny-1.0.data/scripts/tiny-tool": b"#!python\n",
            "tiny-1.0.dist-info/METADATA": b"Name: tiny\nVersion: 1.0\n",
        }
    )
    bootstrap.unpack(wheel, tmp_path)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == [
        "tiny-1.0.dist-info/METADATA",
        "tiny/__init__.py",
        "tiny_extra.py",
        "tiny_more/__init__.py",
    ]
    assert (tmp_path / "tiny_extra.py").read_bytes() == b"Y = 2\n"


@pytest.mark.unit
@pytest.mark.parametrize(
    "name", ["../evil.py", "tiny/../../evil.py", "/tmp/evil.py", "C:/evil.py", "tiny\\..\\evil.py"]
)
def test_unpack__a_path_that_leaves_site_packages_is_refused(tmp_path, name):
    site = tmp_path / "a" / "site"
    site.mkdir(parents=True)
    with pytest.raises(
        bootstrap.SetupError, match=r"tiny-1\.0-py3-none-any\.whl: refusing the path"
    ):
        bootstrap.unpack(tiny({name: b"boom"}), site)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.unit
def test_tls_context__the_system_s_certificates_else_pip_s(tmp_path, monkeypatch):
    import certifi

    asked: list[bool] = []

    def pips() -> str:
        asked.append(True)
        return str(certifi.where())

    assert bootstrap.has_certificates(bootstrap.tls_context(pips))
    assert asked == []  # this machine's store has certificates: only those are trusted
    # An OpenSSL that finds none (SSL_CERT_FILE and SSL_CERT_DIR are where it looks).
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "none"))
    assert not bootstrap.has_certificates(ssl.create_default_context())
    context = bootstrap.tls_context(pips)
    assert asked == [True]
    assert context.cert_store_stats()["x509_ca"] > 100  # Mozilla's roots, as pip has them


@pytest.mark.unit
def test_pips_certificates__the_bundle_pip_vendors_found_without_importing_pip(
    tmp_path, monkeypatch
):
    bundle = tmp_path / "pip" / "_vendor" / "certifi" / "cacert.pem"
    bundle.parent.mkdir(parents=True)
    bundle.write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert bootstrap.pips_certificates() == str(bundle)
    assert "pip" not in sys.modules or sys.modules["pip"].__file__ != str(tmp_path / "pip")


# -- the fast way, against a local index ----------------------------------------------------------


def repack(name: str, out: Path) -> Path:
    """This venv's installed ``name`` as a pure wheel, its WHEEL and RECORD written anew."""
    dist = importlib.metadata.distribution(name)
    files = [f for f in dist.files or [] if f.parts[0] != ".." and "__pycache__" not in f.parts]
    info = next(f.parts[0] for f in files if f.parts[0].endswith(".dist-info"))
    made_by_installer = {"INSTALLER", "REQUESTED", "RECORD", "WHEEL", "direct_url.json"}
    made_by_installer.add("uv_cache.json")
    files = [f for f in files if not (f.parts[0] == info and f.name in made_by_installer)]
    contents = {str(f): Path(str(f.locate())).read_bytes() for f in files}
    return build_wheel(out, info.removesuffix(".dist-info"), contents)


def build_wheel(out: Path, stem: str, files: dict[str, bytes]) -> Path:
    """A pure wheel ``<stem>-py3-none-any.whl`` of ``files``, with its WHEEL and RECORD."""
    info = f"{stem}.dist-info"
    wheel = "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files = {**files, f"{info}/WHEEL": wheel.encode()}
    record = []
    path = out / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
            sha = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={sha},{len(data)}\n")
        archive.writestr(f"{info}/RECORD", "".join(record) + f"{info}/RECORD,,\n")
    return path


def requirement(name: str, version: str, marker: str, hashes: Iterable[str]) -> str:
    head = f"{name}=={version}" + (f" ; {marker}" if marker else "")
    return head + "".join(f" \\\n    --hash=sha256:{h}" for h in sorted(hashes)) + "\n"


class Wheelhouse:
    """The real lock's pins for this Python as wheels (repacked from this venv: the same
    versions), and the real lock with their hashes instead, plus a pin for no Python."""

    def __init__(self, out: Path) -> None:
        self.wheels: dict[str, Path] = {}
        environment = bootstrap.marker_environment()
        lines = []
        for pin in bootstrap.read_lock(bootstrap.LOCK.read_text(), "action.txt"):
            hashes = pin.hashes  # another Python's pin: never fetched
            if bootstrap.marker_applies(pin.marker, environment):
                assert importlib.metadata.version(pin.name) == pin.version
                path = self.wheels[pin.name] = repack(pin.name, out)
                hashes = frozenset({hashlib.sha256(path.read_bytes()).hexdigest()})
            lines.append(requirement(pin.name, pin.version, pin.marker, hashes))
        lines.append(requirement("never-fetched", "1.0", "python_full_version < '3'", {C}))
        self.lock_text = "".join(lines)
        self.pins = {n: importlib.metadata.version(n) for n in self.wheels}


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Wheelhouse:
    return Wheelhouse(tmp_path_factory.mktemp("wheelhouse"))


@pytest.fixture
def lock(tmp_path: Path, wheelhouse: Wheelhouse) -> Path:
    path = tmp_path / "action.txt"
    path.write_text(wheelhouse.lock_text)
    return path


class FakeIndex:
    """A package index's simple API on a real local server: PEP 691 JSON (or PEP 503 HTML
    with ``html``), the files under /files/ (or at ``files_at``); every request recorded."""

    def __init__(self, server: HTTPServer, wheelhouse: Wheelhouse) -> None:
        self.server = server
        self.files: dict[str, bytes] = {}  # what /files/<name> serves
        self.pages: dict[str, dict[str, str | None]] = {}  # project -> file -> sha256 said
        self.html = False
        self.files_at = "../../files/"
        self.fail: dict[str, int] = {}  # path -> how many 503s first
        self.seen: list[tuple[str, str | None]] = []  # path, Authorization
        self.gzipped = 0  # pages sent compressed
        for path in wheelhouse.wheels.values():
            self.add(path.name, path.read_bytes())
        server.expect_request(re.compile(r"/.*")).respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/simple")

    def add(self, filename: str, data: bytes) -> None:
        project = bootstrap.canonical(filename.split("-")[0])
        self.files[filename] = data
        self.pages.setdefault(project, {})[filename] = hashlib.sha256(data).hexdigest()

    def paths(self) -> list[str]:
        return [path for path, _ in self.seen]

    def handle(self, request: Request) -> Response:
        self.seen.append((request.path, request.headers.get("Authorization")))
        if self.fail.get(request.path):
            self.fail[request.path] -= 1
            return Response("busy", status=503)
        page = re.fullmatch(r"/simple/([^/]+)/", request.path)
        if page and page[1] in self.pages:
            listed = self.pages[page[1]].items()
            if self.html:
                anchors = "".join(
                    f'<a href="{self.files_at}{f}{"#sha256=" + h if h else ""}">{f}</a><br/>'
                    for f, h in listed
                )
                return Response(f"<!DOCTYPE html><html><body>{anchors}</body></html>")
            files = [
                {"filename": f, "url": self.files_at + f, "hashes": {"sha256": h} if h else {}}
                for f, h in listed
            ]
            body = {"meta": {"api-version": "1.1"}, "name": page[1], "files": files}
            response = Response(
                json.dumps(body), content_type="application/vnd.pypi.simple.v1+json"
            )
            if "gzip" in request.headers.get("Accept-Encoding", ""):  # as PyPI does
                response.set_data(gzip.compress(response.get_data()))
                response.headers["Content-Encoding"] = "gzip"
                self.gzipped += 1
            return response
        file = re.fullmatch(r"/files/([^/]+)", request.path)
        if file and file[1] in self.files:
            return Response(self.files[file[1]], content_type="application/octet-stream")
        return Response("not found", status=404)


@pytest.fixture
def index(wheelhouse: Wheelhouse) -> Iterator[FakeIndex]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield FakeIndex(server, wheelhouse)
    finally:
        server.clear()
        server.stop()


def job_env(index: FakeIndex, tmp_path: Path, **extra: str) -> dict[str, str]:
    """A runner's environment: no uv on PATH, the local index named as a mirror would be."""
    return {
        "PATH": os.pathsep.join(("/usr/bin", "/bin")),
        "RUNNER_TOOL_CACHE": str(tmp_path / "tools"),
        "UV_DEFAULT_INDEX": index.url,
        **extra,
    }


def uv_env(index: FakeIndex, tmp_path: Path) -> dict[str, str]:
    """The same with the pinned uv on PATH, its cache empty: the plain way from that index."""
    env = job_env(index, tmp_path, UV_CACHE_DIR=str(tmp_path / "uv-cache"))
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env['PATH']}"
    return env


def tool_cache(path: Path) -> Path:
    return bootstrap.cache_dir({"RUNNER_TOOL_CACHE": str(path)})


DRIVER = """
import runpy, sys
from pathlib import Path
sys.exit(runpy.run_path(sys.argv[1])["main"](lock=Path(sys.argv[2])))
"""


@pytest.mark.integration
@pytest.mark.slow
def test_fast__pure_wheels_unpacked_run_ratchet_and_are_reused(tmp_path, index, lock, wheelhouse):
    work = tmp_path / "work"
    work.mkdir()
    if sys.version_info >= (3, 11):  # PYTHONSAFEPATH: a `ratchet` of the user's is not run
        (work / "ratchet").mkdir()
        (work / "ratchet" / "__init__.py").write_text("raise SystemExit('the wrong ratchet')\n")
    env = clean_env(**job_env(index, tmp_path, RATCHET_MODE="deploy", PYTHONPATH="/nowhere"))
    args = [sys.executable, "-I", "-c", DRIVER, str(SCRIPT), str(lock)]

    def run() -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, check=False)
        print(proc.stdout, proc.stderr)
        return proc

    first = run()
    assert first.returncode == 2  # ratchet action's own answer, passed on
    assert "::error title=coverage-ratchet::mode must be check, update or comment" in first.stdout
    n = len(wheelhouse.wheels)
    assert re.match(
        rf"coverage-ratchet: set up \S+ from {n} pure-Python wheels \({index.url}\) in ",
        first.stdout,
    )
    assert "the wrong ratchet" not in first.stderr
    assert not any("never-fetched" in path for path in index.paths())  # its marker excludes it
    assert index.gzipped == n  # every page asked for compressed
    assert sorted(index.paths()) == sorted(
        [f"/simple/{bootstrap.canonical(name)}/" for name in wheelhouse.wheels]
        + [f"/files/{path.name}" for path in wheelhouse.wheels.values()]
    )

    cache = tmp_path / "tools" / "coverage-ratchet"
    (home,) = cache.iterdir()  # no uv was installed
    python = bootstrap.venv_python(home)
    assert installed(python) == wheelhouse.pins  # exactly the lock: no ratchet, no pip, no uv
    imports = (
        "import certifi, charset_normalizer, click, coverage, idna, requests, tomlkit, urllib3"
    )
    subprocess.run([str(python), "-I", "-c", imports], check=True)
    version = subprocess.run(
        [str(python), "-m", "ratchet", "--version"],
        env=bootstrap.launch_env(env),
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        version.stdout.strip()
        == f"coverage-ratchet, version {importlib.metadata.version('coverage-ratchet')}"
    )

    asked = len(index.seen)
    second = run()  # the warm path: the same venv, no download
    assert second.stdout.startswith(f"coverage-ratchet: reused {home} in ")
    assert second.returncode == 2
    assert len(index.seen) == asked
    assert list(cache.iterdir()) == [home]


def site_files(python: Path) -> dict[str, str]:
    """What a venv's site-packages holds, less the files only an installer writes."""
    site = bootstrap.site_packages(python.parent.parent)
    by_installer = {"INSTALLER", "REQUESTED", "RECORD", "direct_url.json", "uv_cache.json"}
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in site.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
        and not (p.parent.name.endswith(".dist-info") and p.name in by_installer)
    }  # fmt: skip


@pytest.mark.integration
@pytest.mark.slow
def test_fast__installs_the_very_files_uv_installs(tmp_path, index, lock):
    fast, how = bootstrap.ensure_venv(tool_cache(tmp_path / "fast"), job_env(index, tmp_path), lock)
    assert how is not None
    assert how.startswith("from ")
    plain = tmp_path / "plain"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(plain)
    bootstrap.sync_with_uv(plain, lock, tmp_path / "uv", uv_env(index, tmp_path))
    files = site_files(fast)
    assert files == site_files(bootstrap.venv_python(plain))
    assert "click/__init__.py" in files


@pytest.mark.integration
@pytest.mark.slow
def test_fast__a_pin_without_a_pure_wheel_is_left_to_uv(tmp_path, index, lock, wheelhouse):
    wheel = wheelhouse.wheels["charset-normalizer"]
    del index.pages["charset-normalizer"]  # only a wheel for this CPython instead
    index.add(wheel.name.replace("-py3-", f"-cp3{MINOR}-"), wheel.read_bytes())
    python, how = bootstrap.ensure_venv(
        tool_cache(tmp_path / "cache"), uv_env(index, tmp_path), lock
    )
    version = wheelhouse.pins["charset-normalizer"]
    assert how == f"with uv (no pure-Python wheel of charset-normalizer {version} at {index.url})"
    assert installed(python) == wheelhouse.pins


@pytest.mark.integration
def test_fast__a_file_the_lock_does_not_pin_is_refused_and_nothing_kept(
    tmp_path, index, lock, wheelhouse, capsys
):
    wheel = wheelhouse.wheels["click"]
    tampered = wheel.read_bytes() + b"\0"
    index.files[wheel.name] = tampered  # the page still says the locked hash
    assert bootstrap.main(job_env(index, tmp_path), lock) == 2
    got = hashlib.sha256(tampered).hexdigest()
    message = (
        f"{wheel.name} from {index.server.url_for('/files/' + wheel.name)} has sha256 {got}, "
        f"which {lock} does not pin for click=={wheelhouse.pins['click']}: refusing it"
    )
    out = capsys.readouterr()
    assert f"::error title=coverage-ratchet::{message}\n" in out.out
    assert f"ratchet: error: {message}\n" in out.err
    assert list((tmp_path / "tools" / "coverage-ratchet").iterdir()) == []


@pytest.mark.integration
def test_fast__an_index_that_says_another_hash_is_refused_before_the_download(
    tmp_path, index, lock, wheelhouse, capsys
):
    wheel = wheelhouse.wheels["idna"]
    index.pages["idna"][wheel.name] = B
    assert bootstrap.main(job_env(index, tmp_path), lock) == 2
    assert f"{index.url} offers {wheel.name} with sha256 {B}, which {lock} does not pin" in (
        capsys.readouterr().out
    )
    assert f"/files/{wheel.name}" not in index.paths()
    assert list((tmp_path / "tools" / "coverage-ratchet").iterdir()) == []


@pytest.mark.integration
def test_fast__a_project_the_index_lacks_is_exit_2(tmp_path, index, lock, capsys):
    del index.pages["tomlkit"]
    assert bootstrap.main(job_env(index, tmp_path), lock) == 2
    assert f"::error title=coverage-ratchet::{index.url}/tomlkit/: HTTP 404 " in (
        capsys.readouterr().out
    )


@pytest.mark.integration
def test_fast__a_file_that_is_no_zip_is_refused(tmp_path, index, capsys):
    index.add("tiny-1.0-py3-none-any.whl", b"not a zip")
    lock = tmp_path / "tiny.txt"
    lock.write_text(requirement("tiny", "1.0", "", {hashlib.sha256(b"not a zip").hexdigest()}))
    assert bootstrap.main(job_env(index, tmp_path), lock) == 2
    out = capsys.readouterr().out
    assert "::error title=coverage-ratchet::tiny-1.0-py3-none-any.whl: not a wheel (" in out


@pytest.mark.integration
@pytest.mark.slow
def test_fast__an_index_out_of_reach_is_exit_2_after_three_tries(tmp_path, lock, capsys):
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    url = server.url_for("/simple")
    server.stop()  # nothing listens there now
    env = {"PATH": "/usr/bin:/bin", "RUNNER_TOOL_CACHE": str(tmp_path), "PIP_INDEX_URL": url}
    assert bootstrap.main(env, lock) == 2
    out = capsys.readouterr().out
    assert f"::error title=coverage-ratchet::could not download {url}/" in out
    assert "Connection refused" in out
    assert list((tmp_path / "coverage-ratchet").iterdir()) == []


@pytest.mark.integration
def test_fast__a_busy_index_is_asked_again(tmp_path, index, lock):
    index.fail["/simple/click/"] = 1
    _, how = bootstrap.ensure_venv(tool_cache(tmp_path / "cache"), job_env(index, tmp_path), lock)
    assert how is not None
    assert how.startswith("from ")
    assert index.paths().count("/simple/click/") == 2


@pytest.mark.integration
def test_fast__a_half_built_venv_and_a_build_under_way_are_left_alone(tmp_path, index, lock):
    cache = tmp_path / "coverage-ratchet"
    cache.mkdir()
    home = bootstrap.venv_home(cache, lock)
    home.mkdir()
    (home / "site.py").write_text("a build that died half-way: no .complete")
    other = cache / f"{home.name}.x7k2q9"  # another job's build, under way
    other.mkdir()
    (other / "half").write_text("")
    python, how = bootstrap.ensure_venv(cache, job_env(index, tmp_path), lock)
    assert python == bootstrap.venv_python(home)
    assert how is not None
    assert (home / bootstrap.COMPLETE).is_file()
    assert not (home / "site.py").exists()
    assert sorted(p.name for p in cache.iterdir()) == sorted([home.name, other.name])
    assert [p.name for p in other.iterdir()] == ["half"]


@pytest.mark.integration
def test_fast__credentials_go_to_the_index_s_host_only(tmp_path, index, lock, wheelhouse):
    port = index.server.port
    index.files_at = f"http://localhost:{port}/files/"  # another origin than 127.0.0.1's
    env = job_env(index, tmp_path)
    env["UV_DEFAULT_INDEX"] = f"http://bot:s3cr%40t@127.0.0.1:{port}/simple/"
    _, how = bootstrap.ensure_venv(tool_cache(tmp_path / "cache"), env, lock)
    assert how == f"from {len(wheelhouse.wheels)} pure-Python wheels ({index.url})"
    said = dict(index.seen)
    basic = "Basic " + base64.b64encode(b"bot:s3cr@t").decode()
    assert {said[p] for p in said if p.startswith("/simple/")} == {basic}
    assert {said[p] for p in said if p.startswith("/files/")} == {None}


@pytest.mark.integration
@pytest.mark.slow
def test_fast__a_wheel_with_files_outside_site_packages_is_left_to_uv(tmp_path, index):
    wheel = build_wheel(
        tmp_path,
        "tiny-1.0",
        {
            "tiny/__init__.py": b"",
            "tiny-1.0.data/data/share/tiny.txt": b"for the venv's prefix\n",
            "tiny-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: tiny\nVersion: 1.0\n",
        },
    )
    index.add(wheel.name, wheel.read_bytes())
    lock = tmp_path / "tiny.txt"
    lock.write_text(
        requirement("tiny", "1.0", "", {hashlib.sha256(wheel.read_bytes()).hexdigest()})
    )
    python, how = bootstrap.ensure_venv(tool_cache(tmp_path / "c"), uv_env(index, tmp_path), lock)
    where = "tiny-1.0.data/data/share/tiny.txt"
    assert how == f"with uv ({wheel.name} installs files outside site-packages ({where}))"
    assert (python.parent.parent / "share" / "tiny.txt").read_bytes() == b"for the venv's prefix\n"


@pytest.mark.integration
def test_fast__a_pep_503_html_index_serves_as_well(tmp_path, index, lock, wheelhouse):
    index.html = True
    index.pages["click"] = dict.fromkeys(index.pages["click"])  # no hash said: checked anyway
    python, how = bootstrap.ensure_venv(
        tool_cache(tmp_path / "cache"), job_env(index, tmp_path), lock
    )
    assert how == f"from {len(wheelhouse.wheels)} pure-Python wheels ({index.url})"
    assert installed(python) == wheelhouse.pins


# -- the launcher as the runner runs it ---------------------------------------------------------


def launch(cwd: Path, cache: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = clean_env(
        **{
            "RUNNER_TOOL_CACHE": str(cache),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
            "UV_OFFLINE": "1",  # the pinned wheels are in uv's cache: `make` installed them
            "PYTHONPATH": "/nowhere",  # the job's own: never reaches ratchet
            **extra,
        }
    )
    proc = subprocess.run(
        [sys.executable, "-I", str(SCRIPT)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    print(proc.stdout, proc.stderr)
    return proc


def venv_python(cache: Path) -> Path:
    (venv,) = (cache / "coverage-ratchet").glob("venv-*")
    return bootstrap.venv_python(venv)


@pytest.mark.integration
@pytest.mark.slow
def test_launch__offline_builds_the_locked_venv_with_uv_once_and_runs_ratchet(tmp_path):
    cache, work = tmp_path / "tools", tmp_path / "work"
    work.mkdir()
    if sys.version_info >= (3, 11):  # PYTHONSAFEPATH: a `ratchet` of the user's is not run
        (work / "ratchet").mkdir()
        (work / "ratchet" / "__init__.py").write_text("raise SystemExit('the wrong ratchet')\n")
    first = launch(work, cache, RATCHET_MODE="deploy")
    assert first.returncode == 2  # ratchet action's own answer, passed on
    assert "::error title=coverage-ratchet::mode must be check, update or comment" in first.stdout
    assert first.stdout.startswith("coverage-ratchet: set up ")
    assert " with uv (UV_OFFLINE is set: from uv's cache) in " in first.stdout
    assert "the wrong ratchet" not in first.stderr

    python = venv_python(cache)
    assert installed(python) == locked_here()  # exactly the lock: no ratchet, no pip, no uv

    second = launch(work, cache, RATCHET_MODE="deploy")
    assert second.stdout.startswith("coverage-ratchet: reused ")
    assert second.returncode == 2
    assert [p.name for p in (cache / "coverage-ratchet").iterdir()] == [python.parent.parent.name]


def locked_here() -> dict[str, str]:
    """The lock's pins for this Python (its only markers: python_full_version vs 3.11)."""
    pins = {}
    for line in bootstrap.LOCK.read_text().splitlines():
        m = re.match(r"([\w.-]+)==(\S+)(?: ; python_full_version ([<>=]+) '3\.11')?", line)
        if m and (m[3] is None or (sys.version_info >= (3, 11)) == (m[3] == ">=")):
            pins[m[1]] = m[2]
    return pins


PINS = """
import json
from importlib.metadata import distributions
print(json.dumps({d.metadata["Name"]: d.version for d in distributions()}))
"""


def installed(python: Path) -> dict[str, str]:
    """What the venv holds: name -> version."""
    out = subprocess.run(
        [str(python), "-I", "-c", PINS], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


@pytest.mark.integration
def test_launch__no_pinned_uv_to_be_had_is_exit_2_with_the_reason(tmp_path):
    other = tmp_path / "bin"
    other.mkdir()
    uv = other / "uv"
    uv.write_text("#!/bin/sh\necho 'uv 0.0.1'\n")  # another version: not used
    uv.chmod(0o755)
    proc = launch(
        tmp_path,
        tmp_path / "tools",
        PATH=f"{other}{os.pathsep}/usr/bin{os.pathsep}/bin",
        PIP_NO_INDEX="1",  # and pip cannot fetch the pinned one
        PIP_CONFIG_FILE=os.devnull,
        PIP_FIND_LINKS="",
    )
    assert proc.returncode == 2
    version = bootstrap.pinned_uv()
    assert f"::error title=coverage-ratchet::could not install uv {version} with pip: " in (
        proc.stdout
    )
    assert f"ratchet: error: could not install uv {version} with pip" in proc.stderr
    leftovers = list((tmp_path / "tools" / "coverage-ratchet").iterdir())
    assert leftovers == []  # nothing half-built is left to be mistaken for a venv


@pytest.mark.unit
def test_main__what_nobody_foresaw_is_exit_3_never_1(capsys):
    # A NUL byte in a path is a ValueError, not an OSError: no handled case covers it.
    assert bootstrap.main({"RUNNER_TOOL_CACHE": "/tmp/a\0b"}) == bootstrap.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "ValueError" in err
    assert "ratchet: internal error" in err
