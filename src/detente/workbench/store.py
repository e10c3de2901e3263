"""The workspace database: scenarios with every saved version, and analysis runs.

Versions are append-only (a save adds a row, never rewrites one), so nothing saved is lost by a
later save, a failed save or a crash. Any SQLAlchemy URL works; the default is an SQLite file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from detente.errors import DetenteError, NotFoundError

__all__ = [
    "ACTIVE",
    "FINISHED",
    "ConflictError",
    "RunRecord",
    "ScenarioRecord",
    "VersionRecord",
    "Workspace",
]

ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")


class ConflictError(DetenteError):
    """A save was based on a version that is no longer the latest."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _utc(moment: datetime | None) -> Any:
    """Stored times are naive UTC (portable across databases); records carry the zone."""
    return None if moment is None else moment.replace(tzinfo=UTC)


class _Base(DeclarativeBase):
    pass


# SQLite reuses the largest id after a delete unless told not to: a stale browser tab could
# then reach another scenario or run. PostgreSQL sequences never reuse ids anyway.
_NO_REUSE = {"sqlite_autoincrement": True}


class _Scenario(_Base):
    __tablename__ = "scenarios"
    __table_args__ = _NO_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created: Mapped[datetime] = mapped_column(default=_now)
    updated: Mapped[datetime] = mapped_column(default=_now)


class _Version(_Base):
    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("scenario_id", "number"), _NO_REUSE)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    message: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(default=_now)


class _Run(_Base):
    __tablename__ = "runs"
    __table_args__ = _NO_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    done: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    report: Mapped[str | None] = mapped_column(Text, nullable=True)
    created: Mapped[datetime] = mapped_column(default=_now)
    started: Mapped[datetime | None] = mapped_column(nullable=True)
    finished: Mapped[datetime | None] = mapped_column(nullable=True)
    # Refreshed by the server that owns the run while it is queued or running; a run whose
    # heartbeat stops was left behind by a server that died.
    heartbeat: Mapped[datetime] = mapped_column(default=_now)


@dataclass(frozen=True)
class ScenarioRecord:
    id: int
    name: str
    created: datetime
    updated: datetime
    version: int
    title: str


@dataclass(frozen=True)
class VersionRecord:
    scenario_id: int
    number: int
    title: str
    message: str
    text: str
    created: datetime


@dataclass(frozen=True)
class RunRecord:
    id: int
    scenario_id: int
    version: int
    kind: str
    params: dict[str, Any]
    status: str
    done: int | None
    total: int | None
    error: str | None
    created: datetime
    started: datetime | None
    finished: datetime | None
    result: Any = None
    report: str | None = None


def _run_record(row: _Run, full: bool) -> RunRecord:
    return RunRecord(
        id=row.id,
        scenario_id=row.scenario_id,
        version=row.version,
        kind=row.kind,
        params=json.loads(row.params),
        status=row.status,
        done=row.done,
        total=row.total,
        error=row.error,
        created=_utc(row.created),
        started=_utc(row.started),
        finished=_utc(row.finished),
        result=json.loads(row.result) if full and row.result is not None else None,
        report=row.report if full else None,
    )


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_engine(url: str) -> Engine:
    """An engine for ``url``, with SQLite set up for several threads and processes."""
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        _Base.metadata.create_all(engine)
    except (ArgumentError, OperationalError, ImportError) as error:
        raise DetenteError(
            f"cannot open the workspace database {url!r}: {error}. Give a SQLAlchemy URL such "
            "as sqlite:///workspace.db or postgresql+psycopg://user@host/db (with its driver "
            "installed)"
        ) from None
    return engine


class Workspace:
    """Scenarios, their versions and runs, in one database."""

    def __init__(self, url: str):
        self.url = url
        self.engine = open_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()

    # Scenarios and versions -----------------------------------------------------------------

    def create_scenario(self, name: str, title: str, text: str, message: str) -> ScenarioRecord:
        with self._session() as session:
            row = _Scenario(name=name)
            session.add(row)
            session.flush()
            session.add(
                _Version(scenario_id=row.id, number=1, title=title, text=text, message=message)
            )
            return ScenarioRecord(row.id, row.name, _utc(row.created), _utc(row.updated), 1, title)

    def add_version(
        self, scenario_id: int, title: str, text: str, message: str, base: int | None
    ) -> VersionRecord:
        """Append a version; ``base`` (if given) must be the latest version number.

        Without ``base`` the save goes on top of whatever is latest: a collision with a save at
        the same moment is retried. With ``base`` it is refused (:class:`ConflictError`).
        """
        for _attempt in range(4 if base is None else 1):
            try:
                return self._append(scenario_id, title, text, message, base)
            except ConflictError:
                if base is not None:
                    raise
        return self._append(scenario_id, title, text, message, base)

    def _append(
        self, scenario_id: int, title: str, text: str, message: str, base: int | None
    ) -> VersionRecord:
        try:
            with self._session() as session:
                row = self._scenario_row(session, scenario_id)
                latest = self._latest_number(session, scenario_id)
                if base is not None and base != latest:
                    raise ConflictError(
                        f"scenario {scenario_id} is at version {latest}, not {base}: it was "
                        "saved from elsewhere in the meantime; reload it, then save again"
                    )
                now = _now()
                version = _Version(
                    scenario_id=scenario_id,
                    number=latest + 1,
                    title=title,
                    text=text,
                    message=message,
                    created=now,
                )
                session.add(version)
                row.updated = now
                session.flush()
                return self._version_record(version)
        except IntegrityError:
            raise ConflictError(
                f"scenario {scenario_id} was saved from elsewhere at the same moment; reload it, "
                "then save again"
            ) from None

    def scenarios(self) -> list[ScenarioRecord]:
        with self._session() as session:
            latest = (
                select(_Version.scenario_id, func.max(_Version.number).label("number"))
                .group_by(_Version.scenario_id)
                .subquery()
            )
            rows = session.execute(
                select(_Scenario, _Version)
                .join(latest, latest.c.scenario_id == _Scenario.id)
                .join(
                    _Version,
                    (_Version.scenario_id == _Scenario.id) & (_Version.number == latest.c.number),
                )
                .order_by(_Scenario.updated.desc(), _Scenario.id.desc())
            ).all()
            return [
                ScenarioRecord(s.id, s.name, _utc(s.created), _utc(s.updated), v.number, v.title)
                for s, v in rows
            ]

    def scenario(self, scenario_id: int) -> ScenarioRecord:
        with self._session() as session:
            row = self._scenario_row(session, scenario_id)
            version = self._version_row(session, scenario_id, None)
            return ScenarioRecord(
                row.id,
                row.name,
                _utc(row.created),
                _utc(row.updated),
                version.number,
                version.title,
            )

    def version(self, scenario_id: int, number: int | None = None) -> VersionRecord:
        with self._session() as session:
            self._scenario_row(session, scenario_id)
            return self._version_record(self._version_row(session, scenario_id, number))

    def versions(self, scenario_id: int) -> list[VersionRecord]:
        with self._session() as session:
            self._scenario_row(session, scenario_id)
            rows = session.scalars(
                select(_Version)
                .where(_Version.scenario_id == scenario_id)
                .order_by(_Version.number.desc())
            ).all()
            return [self._version_record(row) for row in rows]

    def rename(self, scenario_id: int, name: str) -> None:
        with self._session() as session:
            self._scenario_row(session, scenario_id).name = name

    def delete_scenario(self, scenario_id: int) -> None:
        with self._session() as session:
            row = self._scenario_row(session, scenario_id)
            # Explicit deletes: not every database enforces ON DELETE CASCADE.
            session.execute(delete(_Run).where(_Run.scenario_id == scenario_id))
            session.execute(delete(_Version).where(_Version.scenario_id == scenario_id))
            session.delete(row)

    # Runs -----------------------------------------------------------------------------------

    def create_run(
        self, scenario_id: int, version: int, kind: str, params: dict[str, Any]
    ) -> RunRecord:
        with self._session() as session:
            self._version_row(session, scenario_id, version)
            row = _Run(
                scenario_id=scenario_id,
                version=version,
                kind=kind,
                params=json.dumps(params),
                status="queued",
            )
            session.add(row)
            session.flush()
            return _run_record(row, full=True)

    def run(self, run_id: int, full: bool = True) -> RunRecord:
        with self._session() as session:
            return _run_record(self._run_row(session, run_id), full)

    def runs(self, scenario_id: int | None = None) -> list[RunRecord]:
        with self._session() as session:
            query = select(_Run).order_by(_Run.id.desc())
            if scenario_id is not None:
                self._scenario_row(session, scenario_id)
                query = query.where(_Run.scenario_id == scenario_id)
            return [_run_record(row, full=False) for row in session.scalars(query).all()]

    def update_run(self, run_id: int, **fields: Any) -> RunRecord | None:
        """Change a run that has not finished; a finished run is left as it is (``None``)."""
        with self._session() as session:
            row = session.get(_Run, run_id)
            if row is None or row.status in FINISHED:
                return None
            for key, value in fields.items():
                if key == "result":
                    value = json.dumps(value)
                setattr(row, key, value)
            if fields.get("status") == "running" and row.started is None:
                row.started = _now()
            if fields.get("status") in FINISHED:
                row.finished = _now()
            session.flush()
            return _run_record(row, full=False)

    def touch(self, run_ids: list[int]) -> None:
        """Refresh the heartbeat of these runs (those still unfinished)."""
        if not run_ids:
            return
        with self._session() as session:
            session.execute(
                update(_Run)
                .where(_Run.id.in_(run_ids) & _Run.status.in_(ACTIVE))
                .values(heartbeat=_now())
            )

    def interrupt_unfinished(self, stale_after: float = 0.0) -> int:
        """Mark as failed the unfinished runs whose heartbeat is older than ``stale_after``
        seconds (left behind by a server that stopped); their count.

        With the default, every unfinished run: right for a workspace only one server uses.
        Servers sharing a database pass a few heartbeat periods, so each leaves the others'
        live runs alone.
        """
        cutoff = _now() - timedelta(seconds=stale_after)
        with self._session() as session:
            rows = session.scalars(
                select(_Run).where(_Run.status.in_(ACTIVE) & (_Run.heartbeat <= cutoff))
            ).all()
            for row in rows:
                row.status = "failed"
                row.error = "the workbench stopped before this run finished; start it again"
                row.finished = _now()
            return len(rows)

    # Helpers --------------------------------------------------------------------------------

    @staticmethod
    def _scenario_row(session: Session, scenario_id: int) -> _Scenario:
        row = session.get(_Scenario, scenario_id)
        if row is None:
            raise NotFoundError(f"no scenario {scenario_id} in this workspace")
        return row

    @staticmethod
    def _latest_number(session: Session, scenario_id: int) -> int:
        number = session.scalar(
            select(func.max(_Version.number)).where(_Version.scenario_id == scenario_id)
        )
        return int(number or 0)

    def _version_row(self, session: Session, scenario_id: int, number: int | None) -> _Version:
        if number is None:
            number = self._latest_number(session, scenario_id)
        row = session.scalar(
            select(_Version).where(
                (_Version.scenario_id == scenario_id) & (_Version.number == number)
            )
        )
        if row is None:
            raise NotFoundError(f"scenario {scenario_id} has no version {number}")
        return row

    @staticmethod
    def _run_row(session: Session, run_id: int) -> _Run:
        row = session.get(_Run, run_id)
        if row is None:
            raise NotFoundError(f"no run {run_id} in this workspace")
        return row

    @staticmethod
    def _version_record(row: _Version) -> VersionRecord:
        return VersionRecord(
            row.scenario_id, row.number, row.title, row.message, row.text, _utc(row.created)
        )
