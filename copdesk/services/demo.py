"""The demo world: realistic, reproducible district databases and a hub, for trying copdesk out.

``build_demo(out, districts=3, months=6, seed=7)`` writes ``out/districts/<CODE>.db`` (with key files) and
``out/hub.db``. Every district has the accounts ``clerk``, ``officer`` and ``dpo``, and the hub the accounts
``admin`` and ``analyst``, all with the password ``demo``. The data covers the last ``months`` full months
(Pakistani names and places, complaint texts, some records in Urdu). Every one of those months is closed, so the
figures are stored. The same seed always gives the same records.

The world is enrolled (see ``copdesk.sync.demo_world``): the hub has its keys (``out/hub-profile.json``), every
district's signing key is enrolled, and the hub has imported every month but the last, which each district has
closed but not yet sent: try ``copdesk bundle export`` then ``copdesk hub import``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from copdesk.domain.corpus import complaint_categories, load_corpus
from copdesk.domain.months import Month
from copdesk.domain.reference import District, district
from copdesk.errors import ValidationError
from copdesk.models.accounts import Role
from copdesk.models.committees import Committee, CommitteeMember
from copdesk.models.complaints import Complaint, ComplaintCounter, ComplaintEvent
from copdesk.models.meetings import (
    ActionItem,
    AgendaItem,
    Decision,
    DisputeHeard,
    Guest,
    Meeting,
    MemberAttendance,
    OfficerAttendance,
)
from copdesk.models.organisation import Beat, Officer, Station
from copdesk.models.outreach import OutreachEvent
from copdesk.models.people import Person
from copdesk.models.training import TrainingAttendance, TrainingSession
from copdesk.models.watch import DutyShift, ShiftAssignment, Volunteer, WatchGroup
from copdesk.services.accounts import add_account
from copdesk.services.context import Actor, ServiceContext
from copdesk.services.months import MonthService
from copdesk.services.setup import create_district, create_hub
from copdesk.storage.bulk import bulk_insert
from copdesk.storage.keyslots import OWASP_FLOOR_KDF
from copdesk.storage.recording import SESSION_ACTOR
from copdesk.sync.demo_world import DemoDistrict, enrol_and_exchange

DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS = ("clerk", "officer", "dpo")
#: Districts taken first, in this order, so a small demo shows well-known places from several provinces.
PREFERRED_DISTRICTS = ("LHR", "PSH", "KHS", "QTA", "FSD", "ISB", "RWP", "MLT", "HYD", "ATD", "SKZ", "GLT")
_CNIC_PREFIX = {"KP": "1", "PB": "3", "SD": "4", "BA": "5", "ICT": "6", "GB": "7", "AJK": "8"}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoWorld:
    """What :func:`build_demo` made."""

    folder: Path
    district_databases: tuple[Path, ...]
    hub: str
    months: tuple[str, ...]


def last_full_months(today: date, count: int) -> list[Month]:
    """The ``count`` full months before ``today``'s month, oldest first."""
    months = [Month.of(today).previous()]
    while len(months) < count:
        months.append(months[-1].previous())
    return list(reversed(months))


def choose_districts(count: int, rng: random.Random) -> list[District]:
    """``count`` distinct districts: the preferred ones first, then a seeded choice among the rest."""
    from copdesk.domain.reference import districts

    chosen = [district(code) for code in PREFERRED_DISTRICTS if _exists(code)][:count]
    rest = [d for d in districts() if d.code not in {c.code for c in chosen}]
    rng.shuffle(rest)
    return chosen + rest[: max(0, count - len(chosen))]


def _exists(code: str) -> bool:
    try:
        district(code)
    except Exception:
        return False
    return True


def build_demo(
    out: Path,
    *,
    districts: int = 3,
    months: int = 6,
    seed: int = 7,
    hub_db: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> DemoWorld:
    """Make the demo world in ``out`` (which must not hold a demo already)."""
    if not 1 <= districts <= 200:
        raise ValidationError("A demo has 1 to 200 districts.", "districts")
    if not 1 <= months <= 36:
        raise ValidationError("A demo covers 1 to 36 months.", "months")
    report = progress or (lambda _message: None)
    today = today or date.today()
    period = last_full_months(today, months)
    folder = out / "districts"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths: list[Path] = []
    enrolled: list[DemoDistrict] = []
    for place in choose_districts(districts, rng):
        path = folder / f"{place.code}.db"
        report(f"district {place.code} ({place.name_en})")
        recovery = DistrictDemo(place, random.Random(f"{seed}:{place.code}"), period, today).write(path)
        paths.append(path)
        enrolled.append(DemoDistrict(path, recovery))
    hub_target = hub_db or str(out / "hub.db")
    report("hub")
    hub = create_hub(
        hub_target,
        admin_username="admin",
        admin_name="Hub Administrator",
        admin_password=DEMO_PASSWORD,
        enforce_strength=False,
        kdf=OWASP_FLOOR_KDF,
    )
    with hub.database.writer(info={SESSION_ACTOR: "admin"}) as session:
        add_account(
            session,
            hub.database,
            username="analyst",
            display_name="Hub Analyst",
            role=Role.HUB_ANALYST,
            password=DEMO_PASSWORD,
            enforce_strength=False,
            kdf=OWASP_FLOOR_KDF,
        )
    hub.database.dispose()
    months_done = [str(m) for m in period]
    enrol_and_exchange(out, hub_target, enrolled, months_done, DEMO_PASSWORD, report, kdf=OWASP_FLOOR_KDF)
    return DemoWorld(out, tuple(paths), hub_target, tuple(str(m) for m in period))


class DistrictDemo:
    """Generates one district's records for a period, bulk-inserted, then closes every month."""

    def __init__(self, place: District, rng: random.Random, period: list[Month], today: date) -> None:
        self.place = place
        self.rng = rng
        self.period = period
        self.today = today
        self.corpus = load_corpus()
        self.used_cnics: set[str] = set()
        self.first = period[0].first_day
        self.last = period[-1].last_day

    # -- helpers ----------------------------------------------------------------------------------------------
    def pick(self, items: list[Any]) -> Any:
        return items[self.rng.randrange(len(items))]

    def day_in(self, month: Month) -> date:
        return month.first_day + timedelta(days=self.rng.randrange(month.days))

    def stamp(self, day: date, hour: int = 11) -> datetime:
        return datetime.combine(day, time(hour, self.rng.randrange(60)), tzinfo=UTC)

    def urdu(self) -> bool:
        return self.rng.random() < 0.15

    def place_name(self, language: str | None = None) -> str:
        entry = self.pick(self.corpus["mohallas"])
        return entry[language or ("ur" if self.urdu() else "en")]

    def person_row(self, gender: str | None = None) -> dict[str, Any]:
        gender = gender or ("female" if self.rng.random() < 0.3 else "male")
        given = self.pick(self.corpus["female_given" if gender == "female" else "male_given"])
        father = self.pick(self.corpus["male_given"])
        family = self.pick(self.corpus["family_names"])
        in_urdu = self.urdu()
        key = "ur" if in_urdu else "en"
        return {
            "name": f"{given[key]} {family[key]}",
            "father_name": f"{father[key]} {family[key]}",
            "gender": gender,
            "cnic": self.cnic(gender) if self.rng.random() < 0.9 else None,
            "mobile": f"+923{self.rng.randrange(0, 5)}{self.rng.randrange(10**8):08d}"
            if self.rng.random() < 0.85
            else None,
            "address": f"{self.rng.randrange(1, 400)}, {self.place_name()}, {self.place.name_en}",
        }

    def cnic(self, gender: str) -> str:
        while True:
            first = _CNIC_PREFIX.get(self.place.province_code, "3") + f"{self.rng.randrange(1000, 9999)}"
            middle = f"{self.rng.randrange(10**6, 10**7)}"
            last = self.rng.choice("2468" if gender == "female" else "13579")
            value = f"{first}-{middle}-{last}"
            if value not in self.used_cnics:
                self.used_cnics.add(value)
                return value

    # -- the district -----------------------------------------------------------------------------------------
    def write(self, path: Path) -> str:
        suffixes = self.corpus["station_suffixes"]
        names = [f"{s['en']} {self.place.name_en}" for s in suffixes[: self.rng.randrange(4, 7)]]
        setup = create_district(
            path,
            district_code=self.place.code,
            officer_username="dpo",
            officer_name=f"DPO {self.place.name_en}",
            officer_password=DEMO_PASSWORD,
            stations=names,
            enforce_strength=False,
            kdf=OWASP_FLOOR_KDF,
        )
        database = setup.context.database
        try:
            with database.writer(info={SESSION_ACTOR: "dpo"}) as session:
                for username, role, display in (
                    ("clerk", Role.CLERK, "Clerk (demo)"),
                    ("officer", Role.STATION_OFFICER, "Station Officer (demo)"),
                ):
                    add_account(
                        session,
                        database,
                        username=username,
                        display_name=display,
                        role=role,
                        password=DEMO_PASSWORD,
                        enforce_strength=False,
                        kdf=OWASP_FLOOR_KDF,
                    )
            with database.writer(info={SESSION_ACTOR: "clerk"}) as session:
                self.fill(session)
            ctx = ServiceContext(
                database,
                Actor("dpo", Role.DISTRICT_OFFICER, "DPO"),
                self.place.code,
                clock=lambda: datetime.combine(self.today, time(9), tzinfo=UTC),
            )
            months = MonthService(ctx)
            for month in self.period:
                months.close(str(month))
        finally:
            database.dispose()
        return setup.recovery_key

    def fill(self, session: Session) -> None:
        stations = list(session.query(Station).order_by(Station.name))
        urdu_names = {s["en"]: s["ur"] for s in self.corpus["station_suffixes"]}
        for station in stations:
            station.name_ur = f"{urdu_names.get(station.name.split(' ')[0], '')} {self.place.name_ur}".strip()
            station.phone = f"0{self.rng.randrange(21, 99)}-{self.rng.randrange(10**6, 10**7)}"
        session.flush()
        station_ids = [s.id for s in stations]
        beats = self.beats(session, station_ids)
        officers = self.officers(session, station_ids)
        people = bulk_insert(session, Person, [self.person_row() for _ in range(80 + 50 * len(self.period))])
        self.committees_and_meetings(session, station_ids, officers)
        self.watch(session, beats)
        self.complaints(session, station_ids, officers, people)
        self.outreach(session, station_ids)
        self.training(session, officers)

    def beats(self, session: Session, stations: list[uuid.UUID]) -> list[tuple[uuid.UUID, uuid.UUID]]:
        rows = []
        for station in stations:
            for number in range(1, self.rng.randrange(3, 5) + 1):
                rows.append({"station_id": station, "name": f"Beat {number} — {self.place_name()}", "description": ""})
        ids = bulk_insert(session, Beat, rows)
        return [(beat_id, row["station_id"]) for beat_id, row in zip(ids, rows, strict=True)]

    def officers(self, session: Session, stations: list[uuid.UUID]) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
        ranks = ["constable"] * 5 + ["head_constable"] * 3 + ["asi"] * 3 + ["si"] * 2 + ["inspector"]
        rows = []
        for station in stations:
            for _ in range(self.rng.randrange(7, 11)):
                person = self.person_row("female" if self.rng.random() < 0.12 else "male")
                rows.append(
                    {
                        "name": person["name"],
                        "rank": self.pick(ranks),
                        "number": f"{self.place.code}-{self.rng.randrange(10**5):05d}",
                        "gender": person["gender"],
                        "station_id": station,
                        "phone": person["mobile"] or "",
                        "active": True,
                        "search_text": "",
                    }
                )
        ids = bulk_insert(session, Officer, rows, search_values=lambda row: [row["name"], row["number"]])
        return [(officer_id, row["station_id"], row["gender"]) for officer_id, row in zip(ids, rows, strict=True)]

    # -- committees and meetings ------------------------------------------------------------------------------
    def committees_and_meetings(
        self, session: Session, stations: list[uuid.UUID], officers: list[tuple[uuid.UUID, uuid.UUID, str]]
    ) -> None:
        types = ["dispute_resolution", "police_liaison", "public_conciliatory", "islahi", "vigilance"]
        categories = [
            "elder",
            "elder",
            "ulema",
            "lawyer",
            "youth",
            "woman",
            "minority",
            "retired_officer",
            "trader",
            "teacher",
            "councillor",
        ]
        committees, members = [], []
        for station_index, station in enumerate(stations):
            for kind in (types[station_index % len(types)], types[(station_index + 1) % len(types)]):
                label = kind.replace("_", " ").title()
                committees.append(
                    {
                        "type": kind,
                        "name": f"{label} Committee {station_index + 1}",
                        "station_id": station,
                        "notification_ref": f"No. {self.rng.randrange(100, 999)}/COP/{self.first.year - 1}",
                        "formed_on": self.first - timedelta(days=self.rng.randrange(60, 700)),
                        "dissolved_on": None,
                        "notes": "",
                    }
                )
        committee_ids = bulk_insert(session, Committee, committees)
        member_people: list[dict[str, Any]] = []
        for committee_id, committee in zip(committee_ids, committees, strict=True):
            size = self.rng.randrange(7, 12)
            for index in range(size):
                category = "woman" if index in (3, 6) else self.pick(categories)
                gender = "female" if category == "woman" or self.rng.random() < 0.08 else "male"
                person = self.person_row(gender)
                member_people.append(person)
                members.append(
                    {
                        "committee_id": committee_id,
                        "person_id": None,
                        "role": "convener" if index == 0 else "secretary" if index == 1 else "member",
                        "category": category,
                        "joined_on": committee["formed_on"],
                        "left_on": None,
                        "_gender": gender,
                    }
                )
        person_ids = bulk_insert(session, Person, member_people)
        for member, person_id in zip(members, person_ids, strict=True):
            member["person_id"] = person_id
        genders = [m.pop("_gender") for m in members]
        member_ids = bulk_insert(session, CommitteeMember, members)
        by_committee: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
        for member_id, member, gender in zip(member_ids, members, genders, strict=True):
            by_committee.setdefault(member["committee_id"], []).append((member_id, gender))
        station_officers: dict[uuid.UUID, list[uuid.UUID]] = {}
        for officer_id, station_id, _gender in officers:
            station_officers.setdefault(station_id, []).append(officer_id)
        rows: dict[type, list[dict[str, Any]]] = {
            model: []
            for model in (
                Meeting,
                AgendaItem,
                MemberAttendance,
                OfficerAttendance,
                Guest,
                Decision,
                ActionItem,
                DisputeHeard,
            )
        }
        for committee_id, committee in zip(committee_ids, committees, strict=True):
            for month in self.period:
                if self.rng.random() > 0.85:
                    continue
                self.meeting(
                    rows,
                    committee_id,
                    committee,
                    month,
                    by_committee[committee_id],
                    station_officers.get(committee["station_id"], []),
                )
        meeting_ids = bulk_insert(session, Meeting, rows[Meeting])
        for model in (AgendaItem, MemberAttendance, OfficerAttendance, Guest, Decision, ActionItem, DisputeHeard):
            for row in rows[model]:
                row["meeting_id"] = meeting_ids[row.pop("_meeting")]
            bulk_insert(session, model, rows[model])

    def meeting(
        self,
        rows: dict[type, list[dict[str, Any]]],
        committee_id: uuid.UUID,
        committee: dict[str, Any],
        month: Month,
        members: list[tuple[uuid.UUID, str]],
        officers: list[uuid.UUID],
    ) -> None:
        index = len(rows[Meeting])
        held_on = self.day_in(month)
        language = "ur" if self.urdu() else "en"
        place = self.place_name(language)
        opener = self.pick(self.corpus["minutes_openers"])
        minutes = opener[language].format(committee=committee["name"], place=place)
        decisions = [self.pick(self.corpus["decisions"])[language] for _ in range(self.rng.randrange(1, 4))]
        minutes += "\n\n" + " ".join(decisions)
        rows[Meeting].append(
            {
                "committee_id": committee_id,
                "held_on": held_on,
                "start_time": time(self.rng.choice((10, 11, 15)), 0),
                "venue": place,
                "status": "closed",
                "minutes": minutes,
                "closed_at": self.stamp(held_on, 17),
                "reopen_reason": "",
            }
        )
        for position in range(1, self.rng.randrange(3, 6) + 1):
            rows[AgendaItem].append(
                {
                    "_meeting": index,
                    "position": position,
                    "text": self.pick(self.corpus["agenda_items"])[language],
                    "carried_from_action_id": None,
                }
            )
        for member_id, _gender in members:
            roll = self.rng.random()
            status = "present" if roll < 0.75 else "excused" if roll < 0.85 else "absent"
            rows[MemberAttendance].append({"_meeting": index, "member_id": member_id, "status": status})
        for officer_id in self.rng.sample(officers, min(len(officers), self.rng.randrange(1, 3))):
            rows[OfficerAttendance].append({"_meeting": index, "officer_id": officer_id})
        for _ in range(self.rng.randrange(0, 3)):
            guest = self.person_row()
            rows[Guest].append(
                {
                    "_meeting": index,
                    "name": guest["name"],
                    "gender": guest["gender"],
                    "designation": self.pick(["Councillor", "Headmaster", "Imam", "Trader", "Journalist"]),
                }
            )
        for position, text in enumerate(decisions, start=1):
            rows[Decision].append({"_meeting": index, "position": position, "text": text})
        for _ in range(self.rng.randrange(0, 3)):
            due = held_on + timedelta(days=self.rng.randrange(7, 30))
            done = due < self.today - timedelta(days=20) and self.rng.random() < 0.7
            rows[ActionItem].append(
                {
                    "_meeting": index,
                    "committee_id": committee_id,
                    "text": self.pick(self.corpus["action_items"])[language],
                    "owner_member_id": None,
                    "owner_officer_id": None,
                    "owner_text": "SHO" if self.rng.random() < 0.5 else "Secretary",
                    "due_on": due,
                    "status": "done" if done else "open",
                    "completed_on": min(due, self.today) if done else None,
                }
            )
        if committee["type"] in ("dispute_resolution", "public_conciliatory"):
            outcomes = ["resolved"] * 5 + ["compromise"] * 2 + ["referred_to_court", "referred_to_police", "pending"]
            for _ in range(self.rng.randrange(0, 4)):
                a, b = self.person_row(), self.person_row()
                rows[DisputeHeard].append(
                    {
                        "_meeting": index,
                        "parties": f"{a['name']} vs {b['name']}",
                        "nature": self.pick(self.corpus["dispute_natures"])[language],
                        "outcome": self.pick(outcomes),
                        "remarks": "",
                    }
                )

    # -- neighbourhood watch ----------------------------------------------------------------------------------
    def watch(self, session: Session, beats: list[tuple[uuid.UUID, uuid.UUID]]) -> None:
        groups, volunteers, people = [], [], []
        for beat_id, _station in beats:
            if self.rng.random() < 0.4:
                continue
            groups.append(
                {
                    "beat_id": beat_id,
                    "name": f"Theekree Pehra {self.place_name()}",
                    "formed_on": self.first - timedelta(days=self.rng.randrange(30, 400)),
                    "leader_person_id": None,
                    "notes": "",
                    "active": True,
                }
            )
        group_ids = bulk_insert(session, WatchGroup, groups)
        for group_id, group in zip(group_ids, groups, strict=True):
            for _ in range(self.rng.randrange(6, 11)):
                people.append(self.person_row("male" if self.rng.random() < 0.9 else "female"))
                verified = self.rng.random() < 0.9
                volunteers.append(
                    {
                        "group_id": group_id,
                        "person_id": None,
                        "verification_status": "verified" if verified else "pending",
                        "verified_on": group["formed_on"] + timedelta(days=10) if verified else None,
                        "verified_by": "officer" if verified else None,
                        "joined_on": group["formed_on"],
                        "left_on": None,
                        "notes": "",
                    }
                )
        for volunteer, person_id in zip(volunteers, bulk_insert(session, Person, people), strict=True):
            volunteer["person_id"] = person_id
        volunteer_ids = bulk_insert(session, Volunteer, volunteers)
        pool: dict[uuid.UUID, list[uuid.UUID]] = {}
        for volunteer_id, volunteer in zip(volunteer_ids, volunteers, strict=True):
            if volunteer["verification_status"] == "verified":
                pool.setdefault(volunteer["group_id"], []).append(volunteer_id)
        shifts, assignments = [], []
        for group_id, group in zip(group_ids, groups, strict=True):
            available = pool.get(group_id, [])
            if len(available) < 2:
                continue
            turn = 0
            day = self.first
            while day <= self.last:
                if self.rng.random() < 0.8:  # most nights are covered
                    shifts.append(
                        {
                            "group_id": group_id,
                            "beat_id": group["beat_id"],
                            "shift_date": day,
                            "starts": time(22, 0),
                            "ends": time(4, 0),
                            "volunteers_needed": 2,
                            "notes": "",
                        }
                    )
                    for slot in range(2 if self.rng.random() < 0.9 else 1):
                        volunteer = available[(turn + slot) % len(available)]
                        assignments.append(
                            {
                                "_shift": len(shifts) - 1,
                                "volunteer_id": volunteer,
                                "turned_out": self.rng.random() < 0.9,
                            }
                        )
                    turn += 2
                day += timedelta(days=1)
        shift_ids = bulk_insert(session, DutyShift, shifts)
        for row in assignments:
            row["shift_id"] = shift_ids[row.pop("_shift")]
        bulk_insert(session, ShiftAssignment, assignments)

    # -- complaints -------------------------------------------------------------------------------------------
    def complaints(
        self,
        session: Session,
        stations: list[uuid.UUID],
        officers: list[tuple[uuid.UUID, uuid.UUID, str]],
        people: list[uuid.UUID],
    ) -> None:
        categories = complaint_categories()
        texts: dict[str, list[dict[str, str]]] = {}
        for entry in self.corpus["complaint_texts"]:
            texts.setdefault(entry["category"], []).append(entry)
        weights = {
            "theft": 6,
            "property_dispute": 5,
            "family_dispute": 4,
            "harassment": 3,
            "fraud": 3,
            "police_misconduct": 1,
            "traffic": 2,
            "noise_nuisance": 2,
            "missing_person": 1,
            "threats": 2,
            "other": 2,
        }
        codes = [code for code in categories for _ in range(weights.get(code, 1))]
        by_station: dict[uuid.UUID, list[uuid.UUID]] = {}
        for officer_id, station_id, _gender in officers:
            by_station.setdefault(station_id, []).append(officer_id)
        counters: dict[int, int] = {}
        complaints, events = [], []
        person_names = {pid: None for pid in people}
        for month in self.period:
            for _ in range(self.rng.randrange(40, 90)):
                received = self.day_in(month)
                code = self.pick(codes)
                category = categories[code]
                counters[received.year] = counters.get(received.year, 0) + 1
                tracking = f"{self.place.code}/{received.year}/{counters[received.year]:06d}"
                station = self.pick(stations)
                against = code == "police_misconduct"
                against_station = (
                    self.pick([s for s in stations if s != station]) if against and len(stations) > 1 else None
                )
                if against and against_station is None:
                    against = False
                text = self.pick(texts.get(code) or texts["other"])
                language = "ur" if "ur" in text and self.urdu() else "en"
                description = text[language].format(
                    place=self.place_name(), name=self.pick(self.corpus["male_given"])[language]
                )
                anonymous = self.rng.random() < 0.08
                complainant = None if anonymous else self.pick(list(person_names))
                row, row_events = self.complaint_life(received, category.due_days, by_station.get(station, []))
                row.update(
                    {
                        "tracking_no": tracking,
                        "received_on": received,
                        "channel": self.pick(
                            ["walk_in"] * 5 + ["phone"] * 2 + ["written"] * 2 + ["committee_referral", "other"]
                        ),
                        "complainant_person_id": complainant,
                        "anonymous": anonymous,
                        "category": code,
                        "description": description,
                        "location": self.place_name(),
                        "station_id": station,
                        "against_police": against,
                        "against_station_id": against_station,
                        "due_on": received + timedelta(days=category.due_days),
                        "feedback_remarks": "",
                    }
                )
                complaints.append(row)
                for event in row_events:
                    event["_complaint"] = len(complaints) - 1
                events.extend(row_events)
        ids = bulk_insert(
            session,
            Complaint,
            complaints,
            search_values=lambda row: [
                row["tracking_no"],
                row["tracking_no"].rsplit("/", 1)[-1].lstrip("0"),
                row["description"],
                row["location"],
            ],
        )
        for event in events:
            event["complaint_id"] = ids[event.pop("_complaint")]
        bulk_insert(session, ComplaintEvent, events)
        for year, last in counters.items():
            session.add(ComplaintCounter(year=year, last=last))

    def complaint_life(
        self, received: date, due_days: int, officers: list[uuid.UUID]
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Where a complaint received on ``received`` stands at the end of the demo period, with its history."""
        events: list[dict[str, Any]] = []

        def event(day: date, kind: str, before: str | None, after: str, note: str = "") -> None:
            events.append(
                {
                    "at": self.stamp(min(day, self.last), 12),
                    "actor": "clerk",
                    "kind": kind,
                    "from_status": before,
                    "to_status": after,
                    "note": note,
                }
            )

        row: dict[str, Any] = {
            "status": "received",
            "assigned_officer_id": None,
            "escalated_at": None,
            "resolved_on": None,
            "fir_no": None,
            "closure_category": None,
            "closed_on": None,
            "feedback": None,
            "feedback_on": None,
            "reopened_count": 0,
        }
        event(received, "registered", None, "received")
        if self.rng.random() < 0.05:
            row.update(status="rejected", resolved_on=received, closure_category="no_relief", closed_on=received)
            event(
                received, "status", "received", "rejected", "Not a police matter; advised to approach the civil court."
            )
            event(received, "status", "rejected", "closed")
            row["status"] = "closed"
            return row, events
        if not officers:
            return row, events
        assigned = received + timedelta(days=self.rng.randrange(0, 3))
        if assigned > self.last:
            return row, events
        row.update(status="assigned", assigned_officer_id=self.pick(officers))
        event(assigned, "assigned", "received", "assigned")
        inquiry = assigned + timedelta(days=self.rng.randrange(0, 4))
        if inquiry > self.last:
            return row, events
        row["status"] = "under_inquiry"
        event(inquiry, "status", "assigned", "under_inquiry")
        took = max(1, int(self.rng.expovariate(1 / (due_days * 0.7))))
        resolved = inquiry + timedelta(days=took)
        month_end = Month.of(resolved).last_day
        if resolved > self.last:
            if received + timedelta(days=due_days) < self.last and self.rng.random() < 0.6:
                row["escalated_at"] = self.stamp(received + timedelta(days=due_days + 1), 9)
                event(
                    received + timedelta(days=due_days + 1),
                    "escalated",
                    "under_inquiry",
                    "under_inquiry",
                    "Overdue: escalated to the district officer.",
                )
            return row, events
        outcome = self.rng.choices(["resolved", "referred", "fir_registered"], weights=(8, 2, 1))[0]
        row.update(status=outcome, resolved_on=resolved)
        if outcome == "fir_registered":
            row["fir_no"] = f"{self.rng.randrange(1, 999)}/{resolved.year}"
        event(resolved, "status", "under_inquiry", outcome)
        closed = min(resolved + timedelta(days=self.rng.randrange(0, 3)), month_end)
        closure = {
            "resolved": self.rng.choice(["relief_granted", "relief_granted", "partial_relief", "no_relief"]),
            "referred": "referred",
            "fir_registered": "relief_granted",
        }[outcome]
        row.update(status="closed", closure_category=closure, closed_on=closed)
        event(closed, "status", outcome, "closed")
        if self.rng.random() < 0.5:
            satisfied = self.rng.random() < 0.8
            row.update(feedback="satisfied" if satisfied else "not_satisfied", feedback_on=closed)
            event(closed, "feedback", "closed", "closed", "Complainant satisfied." if satisfied else "Not satisfied.")
        return row, events

    # -- outreach and training --------------------------------------------------------------------------------
    def outreach(self, session: Session, stations: list[uuid.UUID]) -> None:
        kinds = [k["code"] for k in self.corpus["outreach_kinds"]]
        summaries: dict[str, list[str]] = {}
        for entry in self.corpus["outreach_summaries"]:
            summaries.setdefault(entry["kind"], []).append(entry["en"])
        stories = self.corpus["success_stories"]
        rows = []
        for month in self.period:
            for _ in range(self.rng.randrange(4, 11)):
                kind = self.pick(kinds)
                place = self.place_name()
                men, women = self.rng.randrange(10, 200), self.rng.randrange(0, 120)
                story = self.pick(stories)["en"].format(place=place) if self.rng.random() < 0.1 else ""
                rows.append(
                    {
                        "kind": kind,
                        "title": f"{kind.replace('_', ' ').title()} at {place}",
                        "station_id": self.pick(stations),
                        "held_on": self.day_in(month),
                        "venue": place,
                        "men": men,
                        "women": women,
                        "youth": self.rng.randrange(0, (men + women) // 2 + 1),
                        "summary": self.pick(summaries.get(kind, ["Community event held."])).format(place=place),
                        "success_story": story,
                        "success_story_consent": bool(story),
                    }
                )
        bulk_insert(session, OutreachEvent, rows)

    def training(self, session: Session, officers: list[tuple[uuid.UUID, uuid.UUID, str]]) -> None:
        sessions, attendance = [], []
        officer_ids = [o[0] for o in officers]
        for month in self.period:
            for _ in range(self.rng.randrange(1, 4)):
                topic = self.pick(self.corpus["training_topics"])["en"]
                sessions.append(
                    {
                        "topic": topic,
                        "held_on": self.day_in(month),
                        "duration_minutes": self.rng.choice((90, 120, 180, 240, 360)),
                        "trainer": f"Inspector {self.pick(self.corpus['family_names'])['en']}",
                        "venue": f"Police Lines {self.place.name_en}",
                        "notes": "",
                    }
                )
                for officer in self.rng.sample(officer_ids, min(len(officer_ids), self.rng.randrange(5, 16))):
                    attendance.append({"_session": len(sessions) - 1, "officer_id": officer})
        ids = bulk_insert(session, TrainingSession, sessions)
        for row in attendance:
            row["session_id"] = ids[row.pop("_session")]
        bulk_insert(session, TrainingAttendance, attendance)
