"""The Python Dask side of bench/cluster.ts: the same graph (built from the same node list by
python/lazylab_bridge.py's translator) computed by a distributed.Client in this process,
against the same scheduler. Prints {"tasks", "ms": [...]} as JSON.

    python3 bench/cluster_dask.py ADDRESS NODES.json RUNS
"""
import json
import runpy
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    address, nodes_file, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    bridge = runpy.run_path(str(Path(__file__).resolve().parent.parent / "python" / "lazylab_bridge.py"), run_name="lazylab_bridge_bench")
    from distributed import Client

    spec = json.loads(Path(nodes_file).read_text())
    session = bridge["Session"]()
    session.client = Client(address, set_as_default=False)
    x = session.build(spec["nodes"], spec["root"])
    tasks = len(x.__dask_graph__())
    ms = []
    for i in range(runs + 1):
        t = time.perf_counter()
        # Rebuilding is part of each compute on the lazylab side too.
        y = session.build(spec["nodes"], spec["root"])
        session.client.compute(y).result()
        if i:
            ms.append((time.perf_counter() - t) * 1000)
    session.client.close()
    print(json.dumps({"tasks": tasks, "ms": ms}))
