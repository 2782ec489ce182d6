"""A distributed.LocalCluster for test/da-cluster.test.ts: two worker processes with one
thread each on the loopback, no dashboard. Prints {"address", "pids"} as one JSON line, then
runs until its stdin closes (the test ends it so, or by killing it), and shuts down."""
import json
import os
import sys

if __name__ == "__main__":
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None)
    with Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
    print(json.dumps({"address": cluster.scheduler_address, "pids": pids}), flush=True)
    sys.stdin.read()
    cluster.close(timeout=10)
