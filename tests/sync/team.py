"""A team server with three logins and laptops that sync with it (plain helpers; the
fixtures are in conftest.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from models.inputs import CaseInput, VisitInput
from models.location import ServerUrl
from models.server_roles import add_user, init_server
from models.service import CaseloadService
from models.sync_run import SyncReport, sync

TODAY = date(2026, 11, 23)  # a Monday


def as_login(url: ServerUrl, login: str) -> ServerUrl:
    """`url` connecting as `login` (the throwaway cluster trusts local connections)."""
    parts = urlsplit(url.url)
    host = parts.netloc.rpartition("@")[2]
    return ServerUrl(urlunsplit(parts._replace(netloc=f"{login}@{host}")))


class Team:
    """Team North on a set-up server: Ann and Bea (workers), Max (their manager). Cases N1 and
    N2 are Ann's, N3 is Bea's; all Wirral, allocated Mon 2 Nov 2026."""

    def __init__(self, url: ServerUrl) -> None:
        self.url = url
        suffix = uuid.uuid4().hex[:8]  # logins are cluster-wide; databases are per test
        self.ann, self.bea, self.max = f"ann_{suffix}", f"bea_{suffix}", f"max_{suffix}"

    def set_up(self) -> None:
        init_server(self.url)
        add_user(self.url, self.ann, full_name="Ann Lee", role="worker", team="North",
                 password="a")
        add_user(self.url, self.bea, full_name="Bea Cole", role="worker", team="North",
                 password="b")
        add_user(self.url, self.max, full_name="Max Ford", role="manager", team="North",
                 password="m")
        with self.service(None) as service:
            for ref, worker in (("N1", "Ann Lee"), ("N2", "Ann Lee"), ("N3", "Bea Cole")):
                service.add_case(CaseInput(ref=ref, name=f"Child {ref}", policy="wirral",
                                           allocated=date(2026, 11, 2), worker=worker,
                                           team="North"))

    def service(self, login: str | None, actor: str = "IT set-up") -> CaseloadService:
        """The server's own service, as `login` (None: the owner)."""
        url = self.url if login is None else as_login(self.url, login)
        return CaseloadService(database=url, settings_dir=None, today=TODAY, actor=actor)

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows from the server as its owner (what IT would see in psql)."""
        with psycopg.connect(self.url.url) as connection:
            return list(connection.execute(query, params).fetchall())

    def execute(self, statement: str, *params: Any) -> None:
        """A change made straight in the database as its owner (psql, not cin)."""
        with psycopg.connect(self.url.url) as connection:
            connection.execute(statement, params)

    def drop_logins(self, admin_url: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            for login in (self.ann, self.bea, self.max):
                connection.execute(f'DROP ROLE IF EXISTS "{login}"')


@dataclass
class Laptop:
    """One person's laptop: its replica file and their login."""

    team: Team
    login: str
    name: str  # their full name (the audit actor on the laptop)
    replica: Path

    def service(self, today: date = TODAY) -> CaseloadService:
        return CaseloadService(database=self.replica, settings_dir=None, today=today,
                               actor=self.name)

    def sync(self, checkpoint: Any = None) -> SyncReport:
        with self.service() as service:
            return sync(replica=self.replica, server=as_login(self.team.url, self.login),
                        policies=service.policies, calendar=service.calendar, today=TODAY,
                        actor=self.name, checkpoint=checkpoint)

    def visit(self, ref: str, day: date, voice: str = "Said school is going well") -> int:
        with self.service() as service:
            return service.log_visit(ref, VisitInput(date=day, seen=True, seen_alone=True,
                                                     childs_voice=voice, location="home"),
                                     confirmed=True)

    def visits(self, ref: str) -> list[tuple[str, str]]:
        """(date, child's voice) of each visit of `ref` on this laptop, by date."""
        with self.service() as service:
            detail = service.case_detail(ref)
        return sorted((v.date.isoformat(), v.childs_voice or "") for v in detail.visits)


def correct_visit(laptop: Laptop, ref: str, day: date, reason: str, **fields: Any) -> str:
    """Correct the visit of `day` on `ref` on this laptop, changing `fields`."""
    with laptop.service() as service:
        [visit] = [v for v in service.case_detail(ref).visits if v.date == day]
        values = {name: getattr(visit, name) for name in (
            "date", "seen", "seen_alone", "not_alone_reason", "childs_voice", "location",
            "recorded")}
        return service.correct_visit(ref=ref, visit_uid=str(visit.uid),
                                     visit=VisitInput(**{**values, **fields}), reason=reason)


def family(laptop_or_service: Laptop | CaseloadService, ref: str) -> str | None:
    service = (laptop_or_service.service() if isinstance(laptop_or_service, Laptop)
               else laptop_or_service)
    with service:
        return service.case_detail(ref).summary.family
