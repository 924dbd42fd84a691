"""A first sync brings the worker's team's cases to the laptop; a visit recorded offline
reaches the server once, however often the laptop syncs."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from .team import as_login


def test_first_sync_copies_the_teams_cases_and_a_visit_goes_up_once(team, laptop):
    ann = laptop("ann")
    first = ann.sync()
    assert first.first and sorted(first.fetched) == ["N1", "N2", "N3"]
    assert ann.replica.stat().st_mode & 0o777 == 0o600
    ann.visit("N1", date(2026, 11, 20))
    second = ann.sync()
    assert second.sent == ["N1: new visit of 20 Nov 2026"]
    third = ann.sync()
    assert third.sent == [] and third.fetched == []
    rows = team.sql("SELECT v.date, v.childs_voice FROM visits v JOIN cases c "
                    "ON c.id = v.case_id WHERE c.ref = 'N1'")
    assert rows == [(date(2026, 11, 20), "Said school is going well")]
    # The server's audit names Ann, from her own login.
    actors = team.sql("SELECT actor FROM audit_log WHERE action = 'log_visit'")
    assert actors == [("Ann Lee",)]


@pytest.mark.parametrize("table", ["sync_state", "sync_base", "sync_conflicts",
                                   "sync_refusals"])
def test_the_replicas_tables_are_closed_to_staff_on_the_server(team, table):
    # Made by migration 0009 on the server too, where they stay empty: no staff role may
    # read or write them (no grant is needed, none is given).
    with psycopg.connect(as_login(team.url, team.ann).url) as connection, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute(f"SELECT * FROM {table}")
    assert team.sql(f"SELECT count(*) FROM {table}") == [(0,)]


def test_a_replica_syncs_only_with_its_own_server(team, laptop):
    import sqlite3

    from models.sync_local import SyncError

    ann = laptop("ann")
    ann.sync()
    ann.visit("N1", date(2026, 11, 20))
    with sqlite3.connect(ann.replica) as replica:  # as if it had come from another server
        replica.execute("UPDATE sync_state SET server_identity = 'another-server'")
    with pytest.raises(SyncError, match="belongs to another team server"):
        ann.sync()
    assert team.sql("SELECT count(*) FROM visits") == [(0,)]
    assert ann.visits("N1") == [("2026-11-20", "Said school is going well")]  # still here


def test_a_workers_own_caseload_is_never_turned_into_a_replica(team, laptop, make_database):
    from models.inputs import CaseInput
    from models.sync_local import SyncError

    own = make_database([CaseInput(ref="MY-1", name="My Child", policy="wirral",
                                   allocated=date(2026, 11, 2))], name="own.db")
    ann = laptop("ann", file=str(own))
    with pytest.raises(SyncError, match="did not come from the team server"):
        ann.sync()
    assert team.sql("SELECT count(*) FROM cases WHERE ref = 'MY-1'") == [(0,)]
