"""``python -m detente``: the command line."""

from detente.cli.main import run

run()
