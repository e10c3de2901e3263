"""The body of a worker process: do one run and report back through a pipe.

Kept apart from the job manager so that starting a worker imports only detente's core (the
manager's database layer stays in the server).
"""

from __future__ import annotations

import sys
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from detente.errors import DetenteError

__all__ = ["work"]

_PROGRESS_INTERVAL = 0.1  # seconds between progress messages


def work(kind: str, text: str, params: dict[str, Any], channel: Connection) -> None:
    """Body of a worker process: do the run, send ``("progress", done, total)`` messages,
    then ``("done", result, html)`` or ``("error", message)``."""
    from detente.workbench.runs import execute

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
