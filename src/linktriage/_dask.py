"""The Dask engine: the per-page analysis of each chunk runs as tasks on a Dask cluster.

Only the analysis moves: the export is still read, and the model, relevance and writing still run, in the
client, chunk by chunk, exactly as with the local engine, so the output is the same rows in the same order.
A task gets a page's URL (or a page the client already holds) and the export rows pointing at it; the worker
reads the page from the WARC files itself (``analyse_source``, with the index the client built and handed to
every worker), so the archives must be readable at the same absolute paths on every worker (a shared
filesystem), and page bodies never cross the network.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from concurrent.futures import Executor
from typing import Any, Callable, Iterable, Iterator

from distributed.diagnostics.plugin import WorkerPlugin

from linktriage._exceptions import InputError, LinkTriageError
from linktriage.analyse import register_archive

__all__ = ["DaskExecutor"]

#: tasks sent to the scheduler per message when a chunk's pages (thousands) are submitted at once
BATCH_SIZE = 64
#: seconds a run waits on a cluster that has no worker (none started yet, or all died) before giving up:
#: Dask itself would wait for ever
NO_WORKERS_TIMEOUT = 60.0
#: how often, while waiting for a result, the cluster is asked whether it still has workers
CHECK_EVERY = 5.0


def _version() -> str:
    """The linktriage version where this runs (sent to the scheduler and the workers by reference)."""
    from linktriage import __version__

    return __version__


def _handshake(scheduler: str, timeout: float) -> None:
    """Connect to ``scheduler`` and exchange Dask's greeting, in at most twice ``timeout``, or raise InputError.

    Dask's Client bounds the connection by its timeout, then waits for ever for the greeting: a port that accepts
    connections and never answers (another service, a firewall holding them) hung the run, and a server answering
    something else made Dask try to allocate exabytes. A malformed address is left to the Client to name.
    """
    import asyncio

    from distributed.comm import connect
    from distributed.security import Security

    async def greet() -> None:
        comm = await connect(scheduler, timeout=timeout, **Security().get_connection_args("client"))
        await comm.close()

    try:  # the connection has its own deadline (an OSError); the greeting only the one below
        asyncio.run(asyncio.wait_for(greet(), 2 * timeout))
    except TimeoutError:
        raise InputError(
            f"--scheduler {scheduler}: something accepts connections there but does not answer as a Dask "
            f"scheduler (no answer in {2 * timeout:.0f} s); give the scheduler's address, as tcp://HOST:8786, or "
            "leave --scheduler out for a local cluster"
        ) from None
    except OSError as exc:
        raise _unreachable(scheduler, exc) from None
    except (ValueError, TypeError):
        return  # not an address, or a scheme not set up here (tls, ucx): the Client names what is wrong
    except Exception as exc:  # noqa: BLE001 - what a stranger's bytes do to Dask's decoder (MemoryError, ...)
        raise InputError(
            f"--scheduler {scheduler}: the server there does not speak Dask's protocol ({exc.__class__.__name__}); "
            "give the scheduler's address, as tcp://HOST:8786, or leave --scheduler out for a local cluster"
        ) from None


def _unreachable(scheduler: str, exc: OSError) -> InputError:
    return InputError(f"--scheduler {scheduler}: no Dask scheduler answers there ({exc.__class__.__name__}); "
                      "start one with `dask scheduler` (address tcp://HOST:8786) or leave --scheduler out for a local "
                      "cluster")


def dask_setup(worker) -> None:
    """Run by each worker process of the LocalCluster as it starts (its ``preload``): Ctrl-C is left to this run.

    A terminal's Ctrl-C reaches every process of the group. The workers died of it, each printing a
    KeyboardInterrupt traceback under the run's one-line "interrupted"; the run stops its cluster itself.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class _ShareArchive(WorkerPlugin):
    """Hands the client's archive index to every worker, including workers that join later.

    The index is URL -> (file, offset): small next to the archives, and it spares each worker a full read of
    every WARC file to build its own. Its files are named by absolute path: a worker started in another directory
    must find them, and find the index under the key the tasks carry.
    """

    name = "linktriage-archive-index"

    def __init__(self, archive) -> None:
        self.archive = archive.with_absolute_paths()

    def setup(self, worker) -> None:
        register_archive(self.archive)


class DaskExecutor(Executor):
    """A concurrent.futures Executor over a Dask cluster: the scheduler at ``scheduler``, else a LocalCluster.

    The LocalCluster has ``workers`` single-threaded worker processes (default: one per core); ``processes=False``
    runs them as threads of this process instead. ``archive`` (a WarcArchive) is indexed once, here, and its
    index handed to the workers.
    """

    def __init__(self, scheduler: str | None = None, *, workers: int | None = None, processes: bool = True,
                 timeout: float = 10.0, archive=None) -> None:
        from distributed import Client, LocalCluster

        self._cluster = None
        if scheduler:
            _handshake(scheduler, timeout)
            try:
                self._client = Client(scheduler, timeout=timeout)
            except OSError as exc:  # TimeoutError among them: the scheduler left since _handshake
                raise _unreachable(scheduler, exc) from None
            except Exception as exc:  # noqa: BLE001 - a malformed address, or a scheme not set up here (ucx, tls)
                raise InputError(
                    f"--scheduler {scheduler}: not a usable Dask scheduler address ({exc.__class__.__name__}: "
                    f"{' '.join(str(exc).split())[:160]}); give it as tcp://HOST:8786, or leave --scheduler out "
                    "for a local cluster"
                ) from None
            self._check_software(scheduler)
        else:
            self._cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                         processes=processes, dashboard_address=":0", silence_logs=logging.CRITICAL,
                                         preload=[__name__] if processes else None)
            self._client = Client(self._cluster)
        # Dask logs its own tracebacks for a lost scheduler or a killed worker; _result says what happened in one
        # line, so they would only bury it (restored at shutdown).
        self._client_log = logging.getLogger("distributed.client")
        self._client_log_level = self._client_log.level
        self._client_log.setLevel(logging.CRITICAL)
        if archive is not None and len(archive):
            self._client.register_plugin(_ShareArchive(archive))

    def _check_software(self, scheduler: str) -> None:
        """The scheduler and the workers must run this linktriage: else every task fails to unpickle (Dask's error
        is several lines about 'different environments') or, from another version, the rows could differ."""
        from linktriage import __version__

        try:
            found = {"the scheduler": self._client.run_on_scheduler(_version), **self._client.run(_version)}
        except Exception as exc:  # noqa: BLE001 - Dask re-raises the remote ImportError as a bare Exception
            self._client.close()
            raise InputError(
                f"--scheduler {scheduler}: the Dask cluster cannot load linktriage ({str(exc).splitlines()[0][:160]}); "
                f"install linktriage {__version__} on the scheduler and on every worker"
            ) from None
        other = {where: version for where, version in found.items() if version != __version__}
        if other:
            self._client.close()
            where, version = next(iter(other.items()))
            raise InputError(
                f"--scheduler {scheduler}: {where} runs linktriage {version}, this machine {__version__}; install "
                "the same version on the scheduler and on every worker"
            )

    @property
    def client(self):
        return self._client

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any):
        return self._client.get_executor(pure=False).submit(fn, *args, **kwargs)

    def map(self, fn: Callable, *iterables: Iterable, timeout: float | None = None, chunksize: int = 1
            ) -> Iterator[Any]:
        """Results in the order of the inputs; every task is submitted before the first result is awaited.

        The first argument of each task names it in errors (the pipeline's tasks take a page URL or FetchResult).
        """
        iterables = tuple(list(items) for items in iterables)
        futures = self._client.map(fn, *iterables, pure=False, batch_size=BATCH_SIZE)

        def results() -> Iterator[Any]:
            try:
                for future, first in zip(futures, iterables[0]):
                    yield self._result(future, timeout, getattr(first, "url", first))
            finally:
                # Left early (an error, or the caller stopped): drop what is still queued, if the client lives.
                unfinished = [f for f in futures if not f.done()]
                if unfinished and self._client.status == "running":
                    self._client.cancel(unfinished)

        return results()

    def _result(self, future, timeout: float | None, task: object) -> Any:
        """``future.result(timeout)``, turning what a cluster can do to a run into one-line errors."""
        from concurrent.futures import CancelledError

        from distributed import KilledWorker
        from distributed.comm import CommClosedError

        try:
            return self._wait(future, timeout)
        except (CancelledError, CommClosedError):
            # This run cancels futures only once it stops waiting for them: the scheduler (or a worker holding the
            # result, mid-transfer) left. CommClosedError is an OSError: it must not read as an unreadable archive.
            raise LinkTriageError(
                f"lost the connection to the Dask cluster at {self._client.scheduler.address} during the run (the "
                "scheduler stopped, or the network failed): start it again and re-run"
            ) from None
        except KilledWorker:
            # Dask blames every task the dying worker held: the page named may be the culprit or its neighbour.
            raise LinkTriageError(
                f"Dask workers died again and again while analysing pages, {task} among them (out of memory, or a "
                "crash in a native library); see the workers' logs, give workers more memory, or score without "
                "that page"
            ) from None
        except TimeoutError:  # an OSError too, but the caller's own timeout
            raise
        except OSError as exc:  # the only files a task opens are the archives (fetching happens in the client)
            raise InputError(
                f"--pages {exc.filename or ''}: a Dask worker cannot read it ({exc.strerror or exc}); every worker "
                "must see the archives at the same absolute path as this machine (a shared filesystem) or as "
                "the same fsspec URL"
            ) from None

    def _wait(self, future, timeout: float | None) -> Any:
        if timeout is not None:
            return future.result(timeout)
        idle = 0.0  # seconds the cluster has had no worker, while this result was awaited
        while True:
            try:
                return future.result(CHECK_EVERY)
            except TimeoutError:
                idle = 0.0 if self._client.nthreads() else idle + CHECK_EVERY
                if idle >= NO_WORKERS_TIMEOUT:
                    raise InputError(
                        f"the Dask cluster at {self._client.scheduler.address} has had no workers for "
                        f"{idle:.0f} s: start some with `dask worker {self._client.scheduler.address}`, or leave "
                        "--scheduler out for a local cluster"
                    ) from None

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client_log.setLevel(self._client_log_level)
