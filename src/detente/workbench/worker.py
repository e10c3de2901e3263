"""The body of a worker process: do one run and report back through a pipe.

Kept apart from the job manager so that starting a worker imports only detente's core (the
manager's database layer stays in the server).
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from detente.errors import DetenteError, ModelTooLargeError

__all__ = ["work"]

_PROGRESS_INTERVAL = 0.1  # seconds between progress messages


def work(
    kind: str, text: str, params: dict[str, Any], channel: Connection, memory: int | None = None
) -> None:
    """Body of a worker process: do the run, send ``("progress", done, total)`` messages,
    then ``("done", result, html)`` or ``("error", message)``.

    ``memory`` is this worker's share of the memory budget, in bytes: the engine refuses
    models that would need more (with a message saying so) instead of exhausting the machine
    when several runs work at once.
    """
    from detente.workbench.runs import execute

    if memory is not None:
        os.environ["DETENTE_MEMORY_LIMIT"] = str(memory)

    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done >= total or now - last >= _PROGRESS_INTERVAL:
            last = now
            channel.send(("progress", int(done), int(total)))

    try:
        result, html = execute(kind, text, params, progress)
        channel.send(("done", result, html))
    except ModelTooLargeError as error:
        share = "" if memory is None else f" ({memory / 2**20:,.0f} MiB)"
        channel.send(
            (
                "error",
                f"{error}. Each workbench run gets its share{share} of the memory budget: "
                "start `detente serve` with fewer --workers to give each run more",
            )
        )
    except DetenteError as error:
        channel.send(("error", str(error)))
    except MemoryError:
        channel.send(("error", "the run ran out of memory; try a smaller model or fewer samples"))
    except Exception as error:  # a bug: report it to the user rather than die silently
        detail = "".join(traceback.format_exception_only(error)).strip()
        channel.send(("error", f"internal error in the {kind} run ({detail}); please report it"))
        traceback.print_exc(file=sys.stderr)
    finally:
        channel.close()
