"""Moving conflicts between detente and other graph-model tools.

:mod:`detente.interop.gmcr` reads the ``.gmcr`` files saved by GMCR+ (gmcr-py) and turns them
into ``detente/1`` scenarios.
"""

from __future__ import annotations

from detente.interop.gmcr import gmcr_to_scenario, import_gmcr, read_gmcr, scenario_yaml

__all__ = ["gmcr_to_scenario", "import_gmcr", "read_gmcr", "scenario_yaml"]
