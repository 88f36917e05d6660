"""The demo world: reproducible for a seed, realistic, and consistent with the domain rules."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from copdesk.models.committees import CommitteeMember
from copdesk.models.complaints import Complaint
from copdesk.models.people import Person
from copdesk.models.watch import DutyShift, ShiftAssignment
from copdesk.services.auth import login_district, login_hub
from copdesk.services.demo import DEMO_PASSWORD, build_demo
from copdesk.services.months import MonthService

TODAY = date(2026, 3, 15)
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _content(path: Path) -> dict[str, object]:
    ctx = login_district(path, "dpo", DEMO_PASSWORD)
    try:
        with ctx.read() as s:
            return {
                "complaints": sorted(
                    s.execute(
                        select(
                            Complaint.tracking_no,
                            Complaint.description,
                            Complaint.status,
                            Complaint.received_on,
                            Complaint.closure_category,
                        )
                    ).all()
                ),
                "people": sorted(
                    s.execute(select(Person.name, Person.cnic, Person.mobile)).all(),
                    key=lambda row: tuple(str(v) for v in row),
                ),
            }
    finally:
        ctx.database.dispose()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    build_demo(out, districts=2, months=2, seed=11, today=TODAY)
    return out


def test_same_seed_same_world_other_seed_other_world(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_demo(again, districts=1, months=2, seed=11, today=TODAY)
    first = sorted((demo / "districts").glob("*.db"))[0]
    assert _content(first) == _content(again / "districts" / first.name)
    other = tmp_path / "other"
    build_demo(other, districts=1, months=2, seed=12, today=TODAY)
    assert _content(first) != _content(other / "districts" / first.name)


def test_accounts_and_closed_months(demo: Path) -> None:
    paths = sorted((demo / "districts").glob("*.db"))
    assert len(paths) == 2
    for username in ("clerk", "officer", "dpo"):
        ctx = login_district(paths[0], username, DEMO_PASSWORD)
        ctx.database.dispose()
    ctx = login_district(paths[0], "dpo", DEMO_PASSWORD)
    try:
        states = {m: MonthService(ctx).status(m).state for m in ("2025-12", "2026-01", "2026-02")}
    finally:
        ctx.database.dispose()
    assert states == {"2025-12": "open", "2026-01": "closed", "2026-02": "closed"}
    hub = login_hub(demo / "hub.db", "analyst", DEMO_PASSWORD)
    hub.database.dispose()


def test_records_follow_the_rules(demo: Path) -> None:
    ctx = login_district(sorted((demo / "districts").glob("*.db"))[0], "dpo", DEMO_PASSWORD)
    try:
        with ctx.read() as s:
            received = s.scalar(select(func.count(Complaint.id)))
            assert received and received > 60
            assert (
                s.scalar(
                    select(func.count(Complaint.id)).where(
                        Complaint.status == "closed", Complaint.closure_category.is_(None)
                    )
                )
                == 0
            )
            assert (
                s.scalar(
                    select(func.count(Complaint.id)).where(
                        Complaint.against_police.is_(True), Complaint.against_station_id == Complaint.station_id
                    )
                )
                == 0
            )
            conveners = s.execute(
                select(CommitteeMember.committee_id, func.count())
                .where(CommitteeMember.role == "convener")
                .group_by(CommitteeMember.committee_id)
            ).all()
            assert conveners and all(count == 1 for _committee, count in conveners)
            double_booked = s.execute(
                select(ShiftAssignment.volunteer_id, DutyShift.shift_date, func.count())
                .join(DutyShift, DutyShift.id == ShiftAssignment.shift_id)
                .group_by(ShiftAssignment.volunteer_id, DutyShift.shift_date)
                .having(func.count() > 1)
            ).all()
            assert double_booked == []
            descriptions = s.scalars(select(Complaint.description)).all()
            assert any(ARABIC.search(d) for d in descriptions), "some records are in Urdu"
            assert any(not ARABIC.search(d) for d in descriptions)
            cnics = [c for c in s.scalars(select(Person.cnic)) if c]
            assert len(cnics) == len(set(cnics))
            assert all(re.fullmatch(r"\d{5}-\d{7}-\d", c) for c in cnics)
    finally:
        ctx.database.dispose()
