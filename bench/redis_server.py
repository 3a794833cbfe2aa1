"""A throwaway ``redis-server`` on a free loopback port, for fault tests and the benchmark's
fault phase: killed, hung and restarted on its own port without touching any other Redis.

    with RedisServer() as server:   # started; stopped and its files removed on exit
        server.url                  # redis://127.0.0.1:<port>/0
        server.kill()               # SIGKILL: gone, with its entries
        server.shutdown_saving()    # SHUTDOWN SAVE: gone; the next start() has the old entries
        server.pause(); server.resume()  # SIGSTOP/SIGCONT: a Redis that accepts but never answers
        server.start()              # again, on the same port
"""

import shutil
import signal
import socket
import subprocess
import tempfile
import time

import redis


def free_port():
    """A TCP port nothing on 127.0.0.1 listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process, restartable on the same port and data directory."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = tempfile.mkdtemp(prefix="harris-redis-")
        self.process = None

    @staticmethod
    def installed():
        """Whether ``redis-server`` is on PATH."""
        return shutil.which("redis-server") is not None

    def start(self):
        """Start (or restart) the server and wait until it answers."""
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", self.directory, "--save", "", "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def kill(self):
        """Kill the server outright: its entries are lost."""
        self.process.send_signal(signal.SIGCONT)  # in case it was paused
        self.process.kill()
        self.process.wait(timeout=10)

    def shutdown_saving(self):
        """Stop the server after writing its entries to disk, so the next start has them."""
        redis.Redis(port=self.port).shutdown(save=True)  # redis-py expects the closed connection
        self.process.wait(timeout=10)

    def pause(self):
        """Freeze the server: connections are accepted but never answered."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        """Unfreeze a paused server."""
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        """Stop the server if it runs, and remove its files."""
        if self.process is not None and self.process.poll() is None:
            self.kill()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
