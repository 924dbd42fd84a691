"""The one helper that keeps the cyclic garbage collector out of a bulk build."""

from __future__ import annotations

import gc

import pytest

from policies.collector import collector_paused


def test_paused_inside_and_back_on_after_even_when_the_block_fails():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: still off, and the outer block turns it back on
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("bad row")
    assert gc.isenabled()


def test_left_off_when_the_caller_had_turned_it_off():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
