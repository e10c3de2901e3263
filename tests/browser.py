"""How the browser tests start Debian's Chromium on a machine with a closed network.

Without the background-networking flags Chromium keeps trying to reach Google's services, and
the sandbox needs privileges CI containers do not grant.
"""

from __future__ import annotations

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
