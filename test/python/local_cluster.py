"""A distributed.LocalCluster for test/da-cluster.test.ts: two worker processes with one
thread each on the loopback, no dashboard. Prints {"address", "pids"} as one JSON line, then
runs until its stdin closes (the test ends it so, or by killing it), and shuts down. The
workers' folder (their locks and spill files) is under test-output, not the machine's /tmp,
where Dask puts it by default and leaves it."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKERS_DIR = os.path.join(HERE, "..", "..", "test-output", "dask-workers")

if __name__ == "__main__":
    from distributed import Client, LocalCluster

    os.makedirs(WORKERS_DIR, exist_ok=True)
    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                           local_directory=os.path.abspath(WORKERS_DIR))
    with Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
    print(json.dumps({"address": cluster.scheduler_address, "pids": pids}), flush=True)
    sys.stdin.read()
    cluster.close(timeout=10)
