"""The central server as a child process for the sync benchmarks: `python bench/sync_server.py DB_URL PORT`.

A process of its own (not a thread beside the workstations) so the server's apply work and the
clients' work do not take turns on one GIL — as in a hall, where they run on different machines.
It is the real application (server.api.create_app) plus one extra route, POST /bench/nothing,
which reads the body and answers `{}`: HTTP and the framework alone, for the third figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTHING = "/bench/nothing"


class ServerProcess:
    """A server child process on 127.0.0.1:`port` serving the database `db_url`."""

    def __init__(self, db_url: str, port: int) -> None:
        self.db_url, self.port = db_url, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), db_url, str(port)], cwd=REPO,
                                     env={**os.environ, "PYTHONPATH": str(REPO)})
        self._wait_ready()

    def _wait_ready(self) -> None:
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the bench server exited with {self.proc.returncode}")
            try:
                if requests.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("the bench server did not start within 60 s")

    def cpu_seconds(self) -> float | None:
        """CPU time the server process has used so far (user + system; Linux /proc), None elsewhere."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15)

    def stop(self) -> None:
        # SIGTERM: uvicorn finishes the requests in flight and exits; kill only if it hangs.
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def serve(db_url: str, port: int) -> None:
    import uvicorn
    from fastapi import Request, Response

    from server.api import create_app
    from server.config import ServerConfig

    app = create_app(ServerConfig(db_url))

    @app.post(NOTHING, include_in_schema=False)
    async def nothing(request: Request) -> Response:
        await request.body()
        return Response(b"{}", media_type="application/json")

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", access_log=False)


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
