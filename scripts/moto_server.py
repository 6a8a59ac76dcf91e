"""moto's server mode with one request at a time.

moto_server handles requests on parallel threads without locking its backends, so two
conditional writes to one DynamoDB item can both pass their condition. DynamoDB applies each
request atomically; serialising requests gives moto the same guarantee, which the race tests
(parallel edits, parallel completions, parallel removals) rely on. Connections are still
accepted on threads, so idle keep-alive connections block nobody.

usage: python scripts/moto_server.py -H 127.0.0.1 -p PORT
"""

import argparse
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()

    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serial(environ, start_response):
        with lock:
            # The body is produced inside the lock, so the whole request is one step.
            return list(app(environ, start_response))

    run_simple(
        args.host,
        args.port,
        serial,
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
