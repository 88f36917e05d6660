"""The printed documents read back: pages, page numbers, text (English and Urdu), escaping, sizes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from copdesk.documents.layout import Office, check_language, format_date, weekday
from copdesk.documents.minutes import write_minutes
from copdesk.documents.monthly_report import (
    FIGURE_LABELS_UR,
    MonthlyReportData,
    chart_months,
    format_figure,
    write_monthly_report,
)
from copdesk.documents.receipt import HALF_A4, write_receipt
from copdesk.documents.roster import write_roster
from copdesk.errors import ValidationError
from copdesk.models.meetings import MeetingStatus
from copdesk.services.figures import SPEC_BY_NAME, SPECS, FigureSet
from copdesk.services.months import MonthStatus
from copdesk.services.watch import RosterView

from . import samples
from .pdf import need_poppler, normalise, page_count, page_size, text_of, word_boxes, words

A4_PORTRAIT = (595.28, 841.89)


@pytest.fixture(autouse=True)
def _poppler() -> None:
    need_poppler()


@pytest.fixture
def pdf(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "document.pdf"


def assert_contains_words(text: str, expected: str) -> None:
    """Every word of ``expected`` occurs in ``text`` with its letters in order (joined, not reversed)."""
    missing = [word for word in words(expected) if word not in text]
    assert not missing, f"missing {missing} in {text[:300]!r}"


def assert_page_numbers(path: Path, language: str = "en") -> int:
    pages = page_count(path)
    for number in range(1, pages + 1):
        expected = f"Page {number} of {pages}" if language == "en" else f"صفحہ {number} از {pages}"
        assert expected.replace(" ", "") in text_of(path, number).replace(" ", "")
    return pages


# --- minutes -------------------------------------------------------------------------------------------------


def test_english_minutes_carry_every_part_of_the_meeting_and_number_their_pages(pdf: Path) -> None:
    write_minutes(samples.english_meeting(), pdf, office=samples.OFFICE, printed_on=samples.PRINTED_ON)
    assert page_size(pdf) == pytest.approx(A4_PORTRAIT, abs=0.5)
    assert assert_page_numbers(pdf) >= 2
    text = text_of(pdf)
    for expected in (
        "PUNJAB POLICE",
        "District Lahore",
        "Police Station Gulberg",
        "MINUTES OF THE MEETING",
        "Gulberg Public Conciliatory Committee",
        "16 March 2026",
        "11:00",
        "Chaudhry Muhammad Aslam",
        "Present 3, absent 1, excused 1 (of 5 members). Women present: 2.",
        "Nadeem Abbas",
        "Inspector",
        "Naseem Akhtar",
        "Motorcycle thefts in Gulberg market",
        "Twelve CCTV cameras to be installed",
        "31-03-2026",
        "Open (overdue)",
        "Compromise (Sulah)",
        "Station House Officer (SHO)",
        "Printed on 20 March 2026",
    ):
        assert expected in text, expected
    assert_contains_words(text, samples.URDU_SECRETARY)


def test_markup_in_names_and_minutes_prints_literally(pdf: Path) -> None:
    write_minutes(samples.english_meeting(2), pdf, office=samples.OFFICE)
    text = text_of(pdf)
    assert samples.MARKUP_NAME in text
    assert normalise(samples.MARKUP_MINUTES) in text
    assert "Verification of <b>watch</b> volunteers & their duties" in text


def test_urdu_minutes_print_urdu_words_joined_and_in_order(pdf: Path) -> None:
    write_minutes(samples.urdu_meeting(), pdf, language="ur", office=samples.OFFICE, printed_on=samples.PRINTED_ON)
    assert assert_page_numbers(pdf, "ur") == 2
    text = text_of(pdf)
    for expected in (
        samples.URDU_MINUTES,
        samples.URDU_CONVENER,
        "کارروائی اجلاس",
        "پنجاب پولیس",
        "ضلع لاہور",
        "تھانہ گلبرگ",
        "حاضر 4، غیر حاضر 1، رخصت 1 (کل 6 اراکین)۔ حاضر خواتین: 2۔",
        "عوامی مصالحتی کمیٹی",
        "فریقین میں صلح ہو گئی؛ کرایہ 25,000 روپے ماہانہ طے پایا۔",
        "16 مارچ 2026",
        "ایس ایچ او (انچارج تھانہ)",
        "Dr. Ayesha Siddiqui",
    ):
        assert_contains_words(text, expected)


def test_a_planned_meeting_prints_as_a_draft_and_empty_parts_say_so(pdf: Path) -> None:
    view = samples.urdu_meeting()
    planned = samples._meeting(status=MeetingStatus.PLANNED, status_label="Planned", closed_at=None)
    write_minutes(planned, pdf)
    text = text_of(pdf)
    assert "DRAFT: the meeting is not closed yet" in text
    assert "The minutes have not been written." in text
    assert text.count("None recorded.") >= 4  # guests, agenda, decisions, actions, disputes...
    assert view.committee_name not in text


def test_minutes_can_be_written_to_a_binary_file() -> None:
    buffer = io.BytesIO()
    write_minutes(samples.english_meeting(1), buffer)
    assert buffer.getvalue().startswith(b"%PDF-")


def test_the_language_must_be_english_or_urdu() -> None:
    with pytest.raises(ValidationError) as raised:
        write_minutes(samples.english_meeting(1), io.BytesIO(), language="fr")
    assert raised.value.field == "language"
    assert check_language("ur") == "ur"


# --- receipt -------------------------------------------------------------------------------------------------


def _assert_top_half(pdf: Path) -> None:
    """Every word stands above the cut line, except the "cut here" label drawn on it."""
    boxes = word_boxes(pdf)
    on_the_line = [box for box in boxes if abs((box.y_min + box.y_max) / 2 - HALF_A4) < 6]
    assert 1 <= len(on_the_line) <= 3  # the label
    lowest = max(box.y_max for box in boxes if box not in on_the_line)
    assert lowest < HALF_A4 - 5, f"text reaches {lowest:.0f} pt from the top (half a page is {HALF_A4:.0f})"


def test_the_receipt_fits_the_top_half_of_one_a4_sheet(pdf: Path) -> None:
    write_receipt(samples.complaint(), pdf, office=samples.OFFICE, printed_on=samples.PRINTED_ON)
    assert page_count(pdf) == 1
    assert page_size(pdf) == pytest.approx(A4_PORTRAIT, abs=0.5)
    _assert_top_half(pdf)
    text = text_of(pdf)
    for expected in (
        "COMPLAINT RECEIPT",
        "LHR/2026/000123",
        "18 March 2026",
        "Theft/burglary",
        "17 April 2026",
        "call Police Station Gulberg on 042-35714441",
        "give the tracking number LHR/2026/000123",
        "Main Boulevard, Gulberg III, Lahore",
        "cut here",
    ):
        assert expected in text, expected
    assert_contains_words(text, "محمد یونس")


@pytest.mark.parametrize("language", ["en", "ur"])
def test_a_receipt_with_a_very_long_description_still_fits_and_is_shortened(pdf: Path, language: str) -> None:
    long = " ".join(["میری موٹر سائیکل مارکیٹ کے باہر سے چوری ہو گئی <b>&</b> Honda CD-70"] * 200)
    write_receipt(samples.complaint(long), pdf, language=language, office=samples.OFFICE)
    assert page_count(pdf) == 1
    _assert_top_half(pdf)
    text = text_of(pdf)
    assert normalise("…") in text  # NFKC writes the ellipsis as three dots
    assert "&</b>" in text and "Honda CD-70" in text


def test_an_anonymous_complaint_has_no_name_on_its_receipt(pdf: Path) -> None:
    write_receipt(samples.complaint(anonymous=True), pdf, language="ur", office=Office(station_en="Gulberg"))
    text = text_of(pdf)
    assert_contains_words(text, "نام ظاہر نہیں کیا گیا")
    assert_contains_words(text, "شکایت کی رسید")
    assert_contains_words(text, "تشریف لائیں اور ٹریکنگ نمبر")  # no phone: come to the station
    assert "LHR/2026/000123" in text


# --- roster --------------------------------------------------------------------------------------------------


def test_the_roster_is_a_landscape_grid_of_beats_and_days_with_names_and_phones(pdf: Path) -> None:
    view = samples.roster()
    write_roster(view, pdf, office=samples.OFFICE, printed_on=samples.PRINTED_ON)
    assert page_count(pdf) == 1
    assert page_size(pdf) == pytest.approx(tuple(reversed(A4_PORTRAIT)), abs=0.5)
    text = text_of(pdf)
    for day in view.days:
        assert f"{weekday(day, 'en')} {format_date(day, 'en')}" in text
    for expected in ("WEEKLY DUTY ROSTER", "Beat 1: Main Market", "22:00–04:00", "0321-7788990", "needs 1 more"):
        assert expected in text, expected
    assert_contains_words(text, "عمران خان")
    assert "Page 1 of 1" in text


def test_the_urdu_roster_names_the_days_in_urdu(pdf: Path) -> None:
    write_roster(samples.roster(), pdf, language="ur", office=samples.OFFICE)
    text = text_of(pdf)
    for expected in ("ہفتہ وار ڈیوٹی روسٹر", "پیر", "اتوار", "16 مارچ 2026", "شاہد محمود", "مزید 1 درکار"):
        assert_contains_words(text, expected)


def test_an_empty_roster_says_there_is_nothing_to_do(pdf: Path) -> None:
    week = samples.roster()
    write_roster(RosterView(week.week_start, week.days, None, ()), pdf)
    assert "No beat has an active watch group or a shift in this week." in text_of(pdf)


# --- monthly report ------------------------------------------------------------------------------------------


def test_the_monthly_report_prints_every_figure_with_its_label(pdf: Path) -> None:
    data = samples.monthly()
    write_monthly_report(data, pdf, office=samples.OFFICE, printed_on=samples.PRINTED_ON)
    assert assert_page_numbers(pdf) >= 2
    text = text_of(pdf)
    for spec in SPECS:
        if spec.unit != "map":
            assert spec.label in text, spec.label
    for expected in (
        "MONTHLY REPORT: COMMUNITY ORIENTED POLICING",
        "February 2026",
        "closed on 5 March 2026",
        "Complaints received and resolved",
        "Outreach by police station",
        "Iqbal Town",
        "District Police Officer",
    ):
        assert expected in text, expected
    received = data.figures.values["complaints_received"]
    assert str(received) in text


def test_the_urdu_monthly_report_uses_urdu_labels(pdf: Path) -> None:
    write_monthly_report(samples.monthly(), pdf, language="ur", office=samples.OFFICE)
    text = text_of(pdf)
    for label in FIGURE_LABELS_UR.values():
        if label != FIGURE_LABELS_UR["outreach_events_by_station"]:
            assert_contains_words(text, label)
    assert_contains_words(text, "فروری 2026")
    assert_contains_words(text, "گلبرگ")


def test_an_open_month_is_marked_provisional(pdf: Path) -> None:
    data = samples.monthly()
    status = MonthStatus("2026-02", "open", None, None, "", (), 3)
    figures = FigureSet(data.figures.month, data.figures.definition, data.figures.values, stored=False)
    write_monthly_report(
        MonthlyReportData(figures, (figures,), data.outreach, status), pdf, printed_on=date(2026, 3, 1)
    )
    text = text_of(pdf)
    assert (
        "The month is not closed yet: the figures are provisional, computed from the records on 1 March 2026." in text
    )
    assert "3 record(s) still keep the month from being closed." in text


def test_figures_are_formatted_by_their_unit() -> None:
    assert format_figure(SPEC_BY_NAME["meetings_held"], 12, "en") == "12"
    assert format_figure(SPEC_BY_NAME["attendance_rate"], 85.25, "en").strip("\u200e") == "85.25%"
    assert format_figure(SPEC_BY_NAME["meetings_per_active_committee"], 1.5, "en") == "1.5"
    assert format_figure(SPEC_BY_NAME["median_days_to_resolve"], 14.0, "en") == "14 days"
    assert format_figure(SPEC_BY_NAME["median_days_to_resolve"], 14.5, "ur") == "14.5 دن"
    assert format_figure(SPEC_BY_NAME["attendance_rate"], None, "en") == "–"


def test_charts_leave_out_the_months_before_any_record() -> None:
    empty = {name: 0 for name in SPEC_BY_NAME} | {"attendance_rate": None, "committees_active": 3}
    history = (
        FigureSet("2025-12", "d", empty, True),
        FigureSet("2026-01", "d", empty | {"complaints_received": 4}, True),
        FigureSet("2026-02", "d", empty, True),
    )
    assert [f.month for f in chart_months(history)] == ["2026-01", "2026-02"]
    assert [f.month for f in chart_months(history[:1])] == ["2025-12"]


def test_format_date_in_both_languages() -> None:
    day = datetime(2026, 9, 3, tzinfo=UTC).date()
    assert format_date(day, "en") == "3 September 2026"
    assert format_date(day, "ur") == "3 ستمبر 2026"
    assert format_date(None, "en") == ""
    assert weekday(day, "ur") == "جمعرات"
