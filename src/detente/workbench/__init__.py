"""The detente workbench: a local web app to model, analyse and share a negotiation.

``detente serve`` starts it. The package splits into the workspace database (:mod:`.store`),
the background runs (:mod:`.runs`, executed by :mod:`.jobs` in worker processes), what each
view shows (:mod:`.views`), downloads (:mod:`.exports`), the library of examples
(:mod:`.library`) and the web layer (:mod:`.app`, :mod:`.schemas`, :mod:`.server`). The
database, the job manager and the web layer need the ``web`` extra (SQLAlchemy, FastAPI,
uvicorn); the runs and views need only detente's core.
"""
