"""The detente workbench: a local web app to model, analyse and share a negotiation.

``detente serve`` starts it (:mod:`.server`). The pieces:

- :mod:`.store`: the workspace database (scenarios, append-only versions, runs);
- :mod:`.runs`: what each kind of background run does, executed by :mod:`.jobs` in worker
  processes with progress, cancellation and a heartbeat;
- :mod:`.views`: what the interactive views show, and :mod:`.exports`: downloads of runs;
- :mod:`.library`: the examples and catalogue conflicts the workbench offers to open;
- the web layer: :mod:`.app` (``create_app``), :mod:`.context` (state shared by the routes),
  :mod:`.api_errors`, :mod:`.schemas` and the ``routes_*`` modules; the front end is in
  ``static/``.

The database, the job manager and the web layer need the ``web`` extra (SQLAlchemy, FastAPI,
uvicorn); runs, views and the library need only detente's core.
"""
