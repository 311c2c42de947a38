"""The demo backend's child process: a shimmed, seeded moto server on 127.0.0.1.

    python -m snaptui.demo.server --port 0 --scale small --snapshot-seconds 45

Protocol with the parent (snaptui.demo.backend): exactly one line on stdout, either
``ready http://127.0.0.1:PORT`` or ``error <one-line message>``. Nothing else ever reaches the
terminal: moto prints to stdout and werkzeug logs to stderr, so both are sent to /dev/null (or
``--log FILE``) once the ready channel is safely held. The process exits on SIGTERM/SIGINT and
when its stdin reaches end-of-file, so it never outlives its parent, even one killed by SIGKILL.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
from typing import TextIO

HOST = "127.0.0.1"
MISSING_MOTO = "moto is not installed: install the demo extra: pip install 'snaptui[demo]'"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m snaptui.demo.server")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--scale", default="small", help="small or large")
    parser.add_argument(
        "--snapshot-seconds",
        type=float,
        default=45.0,
        help="how long a new snapshot stays pending (0: completed at once, as stock moto)",
    )
    parser.add_argument("--log", help="write moto's and werkzeug's output here (default: nowhere)")
    return parser.parse_args(argv)


def _silence(log_path: str | None) -> TextIO:
    """Keep a private handle on stdout for the one protocol line, then point file descriptors 1
    and 2 (and sys.stdout/sys.stderr) at /dev/null or the log file."""
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    sink = open(log_path or os.devnull, "a", buffering=1, encoding="utf-8")  # noqa: SIM115
    os.dup2(sink.fileno(), 1)
    os.dup2(sink.fileno(), 2)
    sys.stdout = sys.stderr = sink
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    return channel


def _check_port_free(port: int) -> None:
    """ThreadedMotoServer.start() waits forever if the bind fails in its thread: check first."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            raise RuntimeError(
                f"port {port} on {HOST} is in use: choose another --port, or 0 for a free one"
            ) from None


def _watch_stdin(stop: threading.Event) -> None:
    """End-of-file on stdin means the parent is gone (or wants us gone)."""
    # os.read, not sys.stdin: a daemon thread blocked inside a buffered reader makes the
    # interpreter abort at shutdown ("could not acquire lock for <stdin>").
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    stop.set()


def serve(args: argparse.Namespace, channel: TextIO) -> int:
    from .seed import SCALES

    if args.scale not in SCALES:
        raise RuntimeError(f"unknown demo scale {args.scale!r}: choose one of {', '.join(SCALES)}")
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"  # before moto creates any backend
    try:
        from moto.moto_api import state_manager
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise RuntimeError(MISSING_MOTO) from None

    from . import shim
    from .seed import seed

    shim.apply()
    _check_port_free(args.port)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    threading.Thread(target=_watch_stdin, args=(stop,), daemon=True).start()

    server = ThreadedMotoServer(ip_address=HOST, port=args.port, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        seed(args.scale)
        if args.snapshot_seconds > 0:
            state_manager.set_transition(
                shim.SNAPSHOT_MODEL, {"progression": "time", "seconds": args.snapshot_seconds}
            )
        channel.write(f"ready http://{host}:{port}\n")
        channel.flush()
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    channel = _silence(args.log)
    try:
        return serve(args, channel)
    except Exception as error:  # one clear line for the parent instead of a traceback
        message = str(error) if isinstance(error, RuntimeError) else repr(error)
        try:
            channel.write(f"error {' '.join(message.split())}\n")
            channel.flush()
        except OSError:
            pass
        return 1


if __name__ == "__main__":
    sys.exit(main())
