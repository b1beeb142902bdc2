"""`xxgk-lint audit --engine ray`: the per-report jobs and the cross-agency index on Ray.

In: the per-report job (a module-level function, sent to the nodes by reference), its items,
the signatures of the index. Out: the same values, in the same order, as the local engine —
the jobs are pure functions of their items, and the LSH blocking is split by band (one task
per band, each giving that band's buckets, as the local engine computes them one after the
other), so the audit is identical.

Ray is optional (`pip install "xxgk-lint[ray]"`): a local cluster is started unless
`--ray-address` names a running one, and shut down at the end if we started it.
"""

from __future__ import annotations

import os

from . import sketch

CHUNK = 16  # items per task: a Ray task costs about a millisecond to schedule


def unavailable() -> str | None:
    """Why Ray cannot be used here (in Chinese), or None."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return "未安装 Ray：用 pip install \"xxgk-lint[ray]\" 安装后再用 --engine ray"
    return None


class Session:
    """A connection to a Ray cluster for one audit."""

    def __init__(self, jobs: int, address: str | None = None):
        import logging

        import ray

        self.ray = ray
        self.started = not ray.is_initialized()
        if self.started:
            kwargs = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR, configure_logging=True)
            os.environ.setdefault("RAY_DEDUP_LOGS", "0")
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            if address:
                ray.init(address=address, **kwargs)
            else:
                ray.init(num_cpus=max(1, jobs), **kwargs)
        self._chunk = ray.remote(_run_chunk)
        self._band = ray.remote(_band_groups)

    def map_ordered(self, fn, items: list, progress=None) -> list:
        """fn(item) for every item on the cluster, in input order."""
        ray = self.ray
        refs = [self._chunk.remote(fn, items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)]
        out: list = []
        done = 0
        for ref in refs:  # (in order: the results are wanted in order anyway)
            part = ray.get(ref)
            out.extend(part)
            done += len(part)
            if progress:
                progress(done, len(items))
        return out

    def bands(self, index):
        """sketch.band_groups of every band, each a Ray task, yielded in band order (one
        band's buckets held here at a time): what the local engine's Index.bands gives."""
        ray = self.ray
        if not len(index):
            return
        bref, oref = ray.put(bytes(index.blob)), ray.put(index.owners)
        refs = [self._band.remote(bref, oref, b) for b in range(sketch.bands())]
        for ref in refs:
            yield ray.get(ref)

    def close(self) -> None:
        if self.started:
            self.ray.shutdown()


def _run_chunk(fn, items):
    return [fn(x) for x in items]


def _band_groups(blob, owners, band):
    return sketch.band_groups(blob, owners, band)
