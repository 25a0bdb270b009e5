"""Serving an app over real HTTP on 127.0.0.1 in a thread (browser and load tests)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wsgi import ClosingIterator

_BODY = "tests.support.servers.body"  # the environ key of a response's iterator


def serve(app) -> Iterator[str]:
    """Run ``app`` on 127.0.0.1 on a free port in a thread; yield its base URL.

    On the way out it waits (up to 5 s) for requests still in flight, so a browser
    closing under a response does not leave that response's file to the GC.
    """
    in_flight = _InFlight(app)
    server = make_server(
        "127.0.0.1", 0, in_flight, threaded=True, request_handler=_Handler
    )
    server.block_on_close = False  # idle keep-alive connections must not hold us
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        in_flight.wait_idle(timeout=5)
        server.server_close()


class _Handler(WSGIRequestHandler):
    """Closes a response whose client went away while werkzeug drained its socket.

    werkzeug reads what is left of the request before it closes the response's
    iterator; a connection reset there skips the close and leaves the response's
    file (a 360° tile, say) to the garbage collector.
    """

    def connection_dropped(self, error, environ=None) -> None:
        body = (environ or {}).get(_BODY)
        if body is not None:
            body.close()


class _Once(ClosingIterator):
    """A ``ClosingIterator`` whose close runs once, however often it is called."""

    closed = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            super().close()


class _InFlight:
    """A WSGI wrapper that counts requests whose responses are not yet closed."""

    def __init__(self, app) -> None:
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            self.count += 1
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._done()
            raise
        environ[_BODY] = wrapped = _Once(body, [self._done])
        return wrapped

    def _done(self) -> None:
        with self.idle:
            self.count -= 1
            self.idle.notify_all()

    def wait_idle(self, timeout: float) -> None:
        with self.idle:
            self.idle.wait_for(lambda: self.count == 0, timeout=timeout)
