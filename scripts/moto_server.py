"""moto's server mode with one request at a time.

moto_server handles requests on parallel threads without locking its backends, so two
conditional writes to one DynamoDB item can both pass their condition. DynamoDB applies each
request atomically; serialising requests gives moto the same guarantee, which the race tests
(parallel edits, parallel completions, parallel removals) rely on. Connections are still
accepted on threads, so idle keep-alive connections block nobody.

moto backs up every table a TransactWriteItems names with a deep copy, once per write of the
transaction, to roll back a failed one: a transaction costs time in the size of its tables,
and an import of 1,000 customers (three transactions per row into a table that grows to
thousands of items) takes tens of minutes and gigabytes. Here the backup is of the items the
transaction touches, restored the same way when it fails.

usage: python scripts/moto_server.py -H 127.0.0.1 -p PORT
"""

import argparse
import copy
import threading

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models.table import Table

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


class _TablesAsTheyAre:
    """Stands in for `copy` in moto's DynamoDB models while a transaction runs: its backup
    of a whole table is the table itself (the touched items are backed up apart)."""

    @staticmethod
    def deepcopy(value):
        return value if isinstance(value, Table) else copy.deepcopy(value)


def _touched(backend, transact_items):
    """Each item a transaction writes or checks, with a copy of it as it is (None: absent)."""
    touched = []
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        if table is None:
            continue
        key = op.get("Key")
        if key is None:
            attrs = [table.hash_key_attr, table.range_key_attr]
            key = {a: op["Item"][a] for a in attrs if a and a in op.get("Item", {})}
        try:
            hash_key, range_key = backend.get_keys_value(table, key)
            current = table.get_item(hash_key, range_key)
        except Exception:  # moto itself refuses such a write
            continue
        touched.append((table, hash_key, range_key, copy.deepcopy(current)))
    return touched


def _restore(touched):
    for table, hash_key, range_key, before in reversed(touched):
        if range_key is not None:
            if before is None:
                table.items[hash_key].pop(range_key, None)
            else:
                table.items[hash_key][range_key] = before
        elif before is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = before


def _item_level_transactions() -> None:
    original = dynamodb_models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        touched = _touched(self, transact_items)
        dynamodb_models.copy = _TablesAsTheyAre
        try:
            return original(self, transact_items)
        except Exception:
            _restore(touched)
            raise
        finally:
            dynamodb_models.copy = copy

    dynamodb_models.DynamoDBBackend.transact_write_items = transact_write_items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    _item_level_transactions()

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
