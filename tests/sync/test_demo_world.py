"""``copdesk demo`` makes an enrolled world: every month but the last is at the hub, the last waits to be sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from copdesk.models.sync import ReceivedBundle
from copdesk.services.auth import login_district, login_hub
from copdesk.services.bundles import BundleService
from copdesk.services.demo import DEMO_PASSWORD, build_demo
from copdesk.services.hub import HubService


def test_the_demo_world_is_enrolled_and_the_last_month_waits(tmp_path: Path) -> None:
    world = build_demo(tmp_path, districts=1, months=3, seed=5, today=date(2026, 3, 15))
    assert world.months == ("2025-12", "2026-01", "2026-02")
    assert (tmp_path / "hub-profile.json").exists()
    [district] = world.district_databases
    ctx = login_district(district, "dpo", DEMO_PASSWORD)
    try:
        service = BundleService(ctx)
        assert [(e.month, e.status) for e in service.outbox()] == [("2026-01", "accepted"), ("2025-12", "accepted")]
        bundle = service.export_month("2026-02", tmp_path / "stick")
        assert bundle.sequence == 3 and not bundle.resent
    finally:
        ctx.database.dispose()
    analyst = login_hub(world.hub, "analyst", DEMO_PASSWORD)
    try:
        [outcome] = HubService(analyst).import_files([bundle.path], DEMO_PASSWORD)
        assert outcome.status == "accepted" and outcome.new == 2  # the month's closing and its figures
        with analyst.read() as session:
            months = session.scalars(select(ReceivedBundle.month).order_by(ReceivedBundle.sequence)).all()
        assert months == ["2025-12", "2026-01", "2026-02"]
    finally:
        analyst.database.dispose()
