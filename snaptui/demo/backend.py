"""The parent side of the demo backend: start the moto child process, wait for it, stop it.

The child runs in its own session, so the terminal's Ctrl-C reaches only the parent, which then
stops the child. The child also exits when its stdin closes, so it cannot outlive the parent.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import queue
import signal
import subprocess
import sys
import threading
from typing import IO, Any, TextIO

from .seed import SCALES

INSTALL_HINT = "install the demo extra: pip install 'snaptui[demo]'"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "demo",
    "AWS_SECRET_ACCESS_KEY": "demo",
}


class DemoError(RuntimeError):
    """The demo backend could not start (the message says what failed and what to do)."""


def _read_first_line(stream: IO[bytes], lines: queue.Queue[str | None]) -> None:
    try:
        line = stream.readline()
    except (OSError, ValueError):
        line = b""
    lines.put(line.decode("utf-8", "replace").strip() if line else None)


class DemoBackend:
    """A seeded moto server in a child process.

    ``with DemoBackend() as demo: ...demo.endpoint_url...``, or ``start()`` and ``stop()``.
    """

    def __init__(
        self,
        *,
        scale: str = "small",
        port: int = 0,
        snapshot_seconds: float = 45.0,
        timeout: float = 60.0,
        log_path: str | None = None,
    ) -> None:
        self.scale = scale
        self.port = port
        self.snapshot_seconds = snapshot_seconds
        self.timeout = timeout
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._endpoint_url: str | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> DemoBackend:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> str:
        """Spawn the child and wait for its ready line; returns the endpoint URL."""
        if self._endpoint_url is not None:
            return self._endpoint_url
        if self.scale not in SCALES:
            raise DemoError(f"unknown demo scale {self.scale!r}: choose one of {', '.join(SCALES)}")
        if importlib.util.find_spec("moto") is None:
            raise DemoError(f"the demo needs moto, which is not installed: {INSTALL_HINT}")
        self._process = subprocess.Popen(
            self._command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"},
            start_new_session=True,
        )
        atexit.register(self.stop)
        try:
            self._endpoint_url = self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self._endpoint_url

    def stop(self) -> None:
        """Terminate the child, wait up to 5 s, then kill it. Safe to call more than once."""
        process, self._process = self._process, None
        self._endpoint_url = None
        atexit.unregister(self.stop)
        if process is None:
            return
        if process.stdin is not None:
            try:
                process.stdin.close()
            except OSError:
                pass
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()

    # -- state --------------------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        if self._endpoint_url is None:
            raise DemoError("the demo backend is not running: call start() first")
        return self._endpoint_url

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- internals ----------------------------------------------------------------------------

    def _command(self) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "snaptui.demo.server",
            "--port",
            str(self.port),
            "--scale",
            self.scale,
            "--snapshot-seconds",
            str(self.snapshot_seconds),
        ]
        if self.log_path:
            command += ["--log", self.log_path]
        return command

    def _wait_until_ready(self) -> str:
        process = self._process
        assert process is not None and process.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_read_first_line, args=(process.stdout, lines), daemon=True).start()
        try:
            line = lines.get(timeout=self.timeout)
        except queue.Empty:
            raise DemoError(
                f"the demo backend did not become ready within {self.timeout:g} s; "
                "try again, or use --scale small"
            ) from None
        if line and line.startswith("ready "):
            return line.removeprefix("ready ").strip()
        if line and line.startswith("error "):
            raise DemoError(f"the demo backend failed to start: {line.removeprefix('error ')}")
        code = process.wait(timeout=5)
        raise DemoError(
            f"the demo backend exited (code {code}) before it was ready; "
            f"check that snaptui and its demo extra are installed: {INSTALL_HINT}"
        )


def run_standalone(port: int, scale: str, out: TextIO = sys.stdout) -> int:
    """``snaptui demo serve``: run the demo backend in the foreground until Ctrl-C (or SIGTERM).

    Once it runs, the signals only set an event. A KeyboardInterrupt raised at an arbitrary
    point can land inside ``Popen.poll()`` after it took its internal lock and leave the lock
    held; stopping the child then waits on that lock forever (the likely cause of a CI run
    that hung on Ctrl-C here).
    """
    backend = DemoBackend(scale=scale, port=port)
    stop = threading.Event()
    previous: dict[signal.Signals, Any] = {}
    try:
        print(f"Starting the snaptui demo backend ({scale} account)...", file=out, flush=True)
        try:
            url = backend.start()
        except DemoError as error:
            print(f"snaptui demo: {error}", file=out, flush=True)
            return 1
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
        print(_connect_instructions(url), file=out, flush=True)
        while not stop.wait(0.2):
            if not backend.is_running():
                print("snaptui demo: the backend stopped unexpectedly", file=out, flush=True)
                return 1
        print("\nStopping the demo backend.", file=out, flush=True)
        return 0
    except KeyboardInterrupt:  # Ctrl-C while it started
        print("\nStopping the demo backend.", file=out, flush=True)
        return 0
    finally:
        backend.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _connect_instructions(url: str) -> str:
    exports = "".join(f"  export {name}={value}\n" for name, value in FAKE_CREDENTIALS.items())
    return (
        f"Demo backend ready at {url} (a fake AWS: nothing leaves this machine)\n"
        "\n"
        "Point snaptui at it:\n"
        f"  snaptui --endpoint-url {url} --region us-east-1\n"
        "Or the AWS CLI, with fake credentials:\n"
        f"{exports}"
        f"  aws --endpoint-url {url} --region us-east-1 ec2 describe-snapshots --owner-ids self\n"
        "\n"
        "Press Ctrl-C to stop."
    )
