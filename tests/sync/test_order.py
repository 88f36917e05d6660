"""Any arrival order of six bundles gives the same hub state (hypothesis draws the orders)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.sync.conftest import Hub, World

MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")


def _make_six(folder: Path, template: object, acknowledged: bool) -> tuple[Path, list[Path], dict]:
    from tests.sync.conftest import copy_world

    world: World = copy_world(template, folder / "world")  # type: ignore[arg-type]
    try:
        with world.hub.ctx.database.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        pristine = folder / "pristine-hub.db"
        shutil.copyfile(world.hub.path, pristine)
        lhr = world.districts["LHR"]
        people = lhr.add_people(6)
        paths: list[Path] = []
        for number, month in enumerate(MONTHS):
            lhr.add_people(3, start=100 * (number + 1))
            lhr.edit_person(people[number % len(people)], address=f"Moved in {month}")
            if number == 3:
                lhr.edit_person(people[5], deleted_at=datetime(2026, 10, 1, tzinfo=UTC))
            lhr.close(month)
            bundle = lhr.export(month, world.stick)
            paths.append(bundle.path)
            world.hub.import_(bundle.path)
            if acknowledged:
                lhr.apply(world.hub.feedback("LHR", world.stick).path)
        expected = world.hub.snapshot()
    finally:
        world.close()
    assert all(status == "accepted" for status in expected["bundles"].values())
    return pristine, paths, expected


@pytest.fixture(scope="module")
def acknowledged(tmp_path_factory: pytest.TempPathFactory, world_template: object) -> tuple[Path, list[Path], dict]:
    """Six monthly bundles of LHR, each acknowledged before the next (their ranges follow one another)."""
    return _make_six(tmp_path_factory.mktemp("six-acked"), world_template, acknowledged=True)


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory, world_template: object) -> tuple[Path, list[Path], dict]:
    """Six monthly bundles of LHR made without any acknowledgement (each covers every change since the start)."""
    return _make_six(tmp_path_factory.mktemp("six-offline"), world_template, acknowledged=False)


def _replay(six: tuple[Path, list[Path], dict], order: list[int], folder: Path) -> list[str]:
    pristine, paths, expected = six
    shutil.copyfile(pristine, folder / "hub.db")
    hub = Hub(folder / "hub.db")
    try:
        outcomes = hub.import_(*(paths[i] for i in order))
        assert all(o.ok for o in outcomes), [(o.file_name, o.status, o.reason) for o in outcomes]
        assert hub.snapshot() == expected
        return [o.status for o in outcomes]
    finally:
        hub.ctx.database.dispose()


SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(order=st.permutations(range(6)))
def test_every_arrival_order_gives_the_same_state(
    order: list[int], acknowledged: tuple[Path, list[Path], dict], tmp_path_factory: pytest.TempPathFactory
) -> None:
    _replay(acknowledged, order, tmp_path_factory.mktemp("order"))


@SETTINGS
@given(order=st.permutations(range(6)))
def test_every_arrival_order_of_overlapping_bundles_gives_the_same_state(
    order: list[int], offline: tuple[Path, list[Path], dict], tmp_path_factory: pytest.TempPathFactory
) -> None:
    statuses = _replay(offline, order, tmp_path_factory.mktemp("order"))
    assert set(statuses) == {"accepted"}  # each covers everything since the start: nothing ever waits


def test_the_reverse_order_holds_all_but_the_first(acknowledged: tuple[Path, list[Path], dict], tmp_path: Path) -> None:
    statuses = _replay(acknowledged, [5, 4, 3, 2, 1, 0], tmp_path)
    assert statuses == ["pending"] * 5 + ["accepted"]
