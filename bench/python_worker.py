# The Python side of the throughput benchmark (bench/throughput.mjs): a stock Locust worker
# with a FastHttpUser posting the same eth_blockNumber JSON-RPC body as klayworker's
# blockNumber test case, as fast as it can (no wait time). The master must load this same
# file: a 2.x master spawns the worker's User classes by name.
#
#     BENCH_TARGET=http://127.0.0.1:8080/ locust -f bench/python_worker.py --master --headless ...
#     BENCH_TARGET=http://127.0.0.1:8080/ locust -f bench/python_worker.py --worker --master-port P
#
# It does not parse the reply (klayworker parses it and checks the result), so the comparison
# gives Python its best case.
import os

import locust.runners
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

# Debian's Locust 2.12.1 reports an empty version string, and its master rejects a worker
# that says so ("An old (pre 2.0) worker tried to connect"); any non-empty version is accepted.
if not locust.runners.__version__:
    locust.runners.__version__ = "2.12.1"

TARGET = os.environ.get("BENCH_TARGET", "http://127.0.0.1:8080/")
BODY = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}'
HEADERS = {"content-type": "application/json"}


class BlockNumberUser(FastHttpUser):
    host = TARGET.rstrip("/")
    wait_time = constant(0)

    @task
    def block_number(self):
        self.client.post("/", data=BODY, headers=HEADERS, name="blockNumber")
