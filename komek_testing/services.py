"""Scratch Redis and nginx servers on loopback for the tests and the load benchmark.

nginx runs the production site's own pieces (deploy/nginx): the locations file unchanged and
the upstream file with its worker lines pointed at the test's ports, inside a loopback server
without TLS. `check_site` runs `nginx -t` on the whole production site (TLS included, with a
throwaway self-signed certificate). Both need Debian's binaries (`redis-server`, `nginx`),
which scripts/start-redis.sh and scripts/start-nginx.sh install; callers skip without them.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
NGINX_DIR: Final = ROOT / "deploy" / "nginx"
UPSTREAM_SERVER: Final = re.compile(r"^(\s*)server 127\.0\.0\.1:\d+(.*)$", re.MULTILINE)
SNIPPETS: Final = "/etc/nginx/snippets/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def binary(name: str) -> str | None:
    """The path of a server binary (Debian puts nginx in /usr/sbin, often not on PATH)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")
    return found


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on port {port}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A throwaway redis-server on loopback (no persistence); yields its URL."""
    path = binary("redis-server")
    if path is None:
        raise FileNotFoundError("redis-server is not installed (scripts/start-redis.sh)")
    port = free_port()
    command = [path, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
    command += ["no", "--dir", str(workdir), "--logfile", str(workdir / "redis.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


def loopback_upstream(worker_ports: Sequence[int]) -> str:
    """deploy/nginx/komek-upstream.conf with one server line per worker port (same options)."""
    text = (NGINX_DIR / "komek-upstream.conf").read_text()
    first = UPSTREAM_SERVER.search(text)
    if first is None:
        raise ValueError("komek-upstream.conf lists no 127.0.0.1 server")
    indent, options = first.group(1), first.group(2)
    lines = "\n".join(f"{indent}server 127.0.0.1:{port}{options}" for port in worker_ports)
    text = UPSTREAM_SERVER.sub("", text)
    return text.replace("upstream komek_bot {", "upstream komek_bot {\n" + lines, 1)


def _main_config(workdir: Path, http: str) -> str:
    temp = workdir / "nginx-temp"
    temp.mkdir(exist_ok=True)
    paths = " ".join(
        f"{kind}_temp_path {temp / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    paths += f" uwsgi_temp_path {temp / 'uwsgi'}; scgi_temp_path {temp / 'scgi'};"
    return (
        f"worker_processes 1;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'nginx-error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n  access_log off;\n  {paths}\n{http}\n}}\n"
    )


def loopback_config(listen_port: int, worker_ports: Sequence[int], workdir: Path) -> Path:
    """The load test's nginx.conf: the production locations in a plain-HTTP loopback server."""
    upstream = workdir / "komek-upstream.conf"
    upstream.write_text(loopback_upstream(worker_ports))
    server = (
        f"  include {upstream};\n"
        f"  server {{\n    listen 127.0.0.1:{listen_port};\n    server_name _;\n"
        f"    include {NGINX_DIR / 'komek-locations.conf'};\n  }}"
    )
    config = workdir / "nginx.conf"
    config.write_text(_main_config(workdir, server))
    return config


@contextlib.contextmanager
def nginx_server(
    listen_port: int, worker_ports: Sequence[int], workdir: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """nginx in the foreground with `loopback_config`; stopped when the block ends."""
    path = binary("nginx")
    if path is None:
        raise FileNotFoundError("nginx is not installed (scripts/start-nginx.sh)")
    config = loopback_config(listen_port, worker_ports, workdir)
    command = [path, "-p", str(workdir), "-c", str(config), "-e", str(workdir / "nginx-error.log")]
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_port(listen_port, process)
        yield process
    finally:
        stop(process)


def check_site(workdir: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on the production site (deploy/nginx/komek.conf and its snippets), with its
    absolute paths moved into `workdir` and a self-signed certificate for every host."""
    nginx, openssl = binary("nginx"), binary("openssl")
    if nginx is None or openssl is None:
        raise FileNotFoundError("nginx and openssl are needed")
    site = (NGINX_DIR / "komek.conf").read_text().replace(SNIPPETS, f"{NGINX_DIR}/")
    for certificate in sorted(set(re.findall(r"ssl_certificate(?:_key)? (\S+);", site))):
        local = workdir / "certs" / certificate.lstrip("/")
        site = site.replace(certificate, str(local))
    key, cert = workdir / "key.pem", workdir / "cert.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=komek.test",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    for path in re.findall(r"ssl_certificate(?:_key)? (\S+);", site):
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(key if target.name.startswith("privkey") else cert, target)
    (workdir / "komek.conf").write_text(site)
    config = workdir / "nginx.conf"
    config.write_text(_main_config(workdir, f"  include {workdir / 'komek.conf'};"))
    return subprocess.run(
        [nginx, "-t", "-p", str(workdir), "-c", str(config), "-e", str(workdir / "error.log")],
        capture_output=True,
        text=True,
    )
