"""Small charts for the dashboard, drawn with QPainter: grouped bars, a trend line and a coverage donut.

Each chart is a plain widget with a title, drawn on a white card like the desk's tables. It takes its data with
``set_data`` (month labels and one or more series), draws an empty-state sentence when there is nothing to show,
and shows the value under the mouse as a tooltip. Values may be ``None`` (nothing to measure that month): a bar is
left out and a line has a gap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from copdesk.ui.theme import MUTED_COLOUR

#: The desk's chart colours: the highlight blue, a green, an amber (in the order series are usually given).
SERIES_COLOURS = ("#2f5d8a", "#4f9a6b", "#c8892b")
CARD_COLOUR = "#ffffff"
CARD_BORDER = "#c9ced4"
GRID_COLOUR = "#e4e7eb"
AXIS_COLOUR = "#9aa0a6"
EMPTY_RING = "#e4e7eb"
PADDING = 12


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (``None``: nothing to measure)."""

    name: str
    values: tuple[float | None, ...]
    colour: str = SERIES_COLOURS[0]


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round axis ticks from 0 to at least ``top``: at most ``count`` steps of 1, 2 or 5 × a power of ten.

    Whole-number data (counts) never gets fractional ticks: the step is at least 1.
    """
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def tick_text(value: float) -> str:
    """An axis label: ``0``, ``25``, ``1,500``, ``2.5``."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def value_text(value: float | None, unit: str = "") -> str:
    """A value as written on a chart: ``77``, ``1,001``, ``83.0%``, or ``–`` when there is nothing to measure."""
    if value is None:
        return "–"
    if unit == "%":
        return f"{value:.1f}%"
    return tick_text(value)


class ChartCard(QWidget):
    """The common frame: a white card with a title and an optional legend; subclasses draw the plot."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._subtitle = ""
        self._empty_text = "Nothing to show yet."
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)

    def title(self) -> str:
        """The chart's title."""
        return self._title

    def set_title(self, title: str) -> None:
        """Change the title (e.g. to name the month shown)."""
        self._title = title
        self.setAccessibleName(title)
        self.update()

    def subtitle(self) -> str:
        """The note at the right of the title (e.g. the months covered)."""
        return self._subtitle

    def set_subtitle(self, text: str) -> None:
        """Show a short note at the right of the title."""
        self._subtitle = text
        self.update()

    def set_empty_text(self, text: str) -> None:
        """The sentence shown when there is nothing to draw."""
        self._empty_text = text
        self.update()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Enough for a title, a legend and a small plot."""
        return QSize(240, 190)

    def sizeHint(self) -> QSize:  # noqa: N802
        """A comfortable size on the dashboard."""
        return QSize(420, 230)

    # -- drawing helpers ------------------------------------------------------------------------------------
    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        return font

    def _draw_card(self, painter: QPainter, legend: Sequence[tuple[str, str]] = ()) -> QRectF:
        """Card, title and legend; returns the rectangle left for the plot."""
        card = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor(CARD_BORDER), 1))
        painter.setBrush(QColor(CARD_COLOUR))
        painter.drawRoundedRect(card, 4, 4)
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(self.palette().windowText().color())
        metrics = QFontMetrics(title_font)
        title_rect = QRectF(PADDING, PADDING - 2, card.width() - 2 * PADDING, metrics.height())
        subtitle_width = 0.0
        if self._subtitle:
            small = self._small_font()
            painter.setFont(small)
            painter.setPen(QColor(MUTED_COLOUR))
            subtitle_width = QFontMetrics(small).horizontalAdvance(self._subtitle) + 12
            painter.drawText(title_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self._subtitle)
            painter.setFont(title_font)
            painter.setPen(self.palette().windowText().color())
        title = metrics.elidedText(self._title, Qt.TextElideMode.ElideRight, int(title_rect.width() - subtitle_width))
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        top = title_rect.bottom() + 6
        if legend:
            top = self._draw_legend(painter, QRectF(PADDING, top, card.width() - 2 * PADDING, 0), legend) + 8
        return QRectF(PADDING, top, card.width() - 2 * PADDING, card.height() - top - PADDING + 2)

    def _draw_legend(self, painter: QPainter, area: QRectF, legend: Sequence[tuple[str, str]]) -> float:
        font = self._small_font()
        painter.setFont(font)
        metrics = QFontMetrics(font)
        x, y = area.left(), area.top()
        box = metrics.height() * 0.6
        for name, colour in legend:
            width = box + 6 + metrics.horizontalAdvance(name) + 16
            if x + width > area.right() and x > area.left():
                x, y = area.left(), y + metrics.height() + 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(QRectF(x, y + (metrics.height() - box) / 2, box, box), 2, 2)
            painter.setPen(QColor(MUTED_COLOUR))
            painter.drawText(
                QRectF(x + box + 6, y, width, metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            x += width
        return y + metrics.height()

    def _draw_empty(self, painter: QPainter, area: QRectF) -> None:
        painter.setFont(self.font())
        painter.setPen(QColor(MUTED_COLOUR))
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._empty_text)


class _AxisChart(ChartCard):
    """A chart with month categories along the bottom and a value axis with grid lines."""

    def __init__(self, title: str, parent: QWidget | None = None, *, unit: str = "") -> None:
        super().__init__(title, parent)
        self._categories: tuple[str, ...] = ()
        self._full_categories: tuple[str, ...] = ()
        self._series: tuple[Series, ...] = ()
        self._unit = unit
        #: Where each value was drawn (for tooltips): (hit rectangle, category index, series index).
        self._hits: list[tuple[QRectF, int, int]] = []

    def set_data(
        self, categories: Sequence[str], series: Sequence[Series], *, full_categories: Sequence[str] | None = None
    ) -> None:
        """Show these series over these categories (each series has one value per category).

        ``full_categories`` are the categories' long names for tooltips (``October 2026`` for ``Oct``).
        """
        for item in series:
            if len(item.values) != len(categories):
                raise ValueError(f"{item.name}: {len(item.values)} values for {len(categories)} categories")
        if full_categories is not None and len(full_categories) != len(categories):
            raise ValueError("one long name per category")
        self._categories = tuple(categories)
        self._full_categories = tuple(full_categories) if full_categories is not None else self._categories
        self._series = tuple(series)
        self.update()

    def categories(self) -> tuple[str, ...]:
        """The category labels shown along the bottom."""
        return self._categories

    def series(self) -> tuple[Series, ...]:
        """The series shown."""
        return self._series

    def is_empty(self) -> bool:
        """True when no series has a value above zero."""
        return not any(value for item in self._series for value in item.values if value is not None)

    def _top_value(self) -> float:
        values = [value for item in self._series for value in item.values if value is not None]
        top = max(values, default=0.0)
        if self._unit == "%" and top > 50:
            return 100.0
        return top * 1.12  # room for the value written above the highest bar or point

    def _plot_area(self, painter: QPainter, area: QRectF) -> tuple[QRectF, list[float]]:
        """Draw the value axis and grid; returns the plot rectangle and the ticks."""
        ticks = nice_ticks(self._top_value())
        font = self._small_font()
        painter.setFont(font)
        metrics = QFontMetrics(font)
        labels = [tick_text(t) + ("%" if self._unit == "%" else "") for t in ticks]
        left = area.left() + max(metrics.horizontalAdvance(text) for text in labels) + 8
        bottom = area.bottom() - metrics.height() - 4
        plot = QRectF(left, area.top() + metrics.height() / 2, area.right() - left, bottom - area.top())
        for tick, label in zip(ticks, labels, strict=True):
            y = plot.bottom() - plot.height() * tick / ticks[-1]
            painter.setPen(QPen(QColor(GRID_COLOUR if tick else AXIS_COLOUR), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(MUTED_COLOUR))
            painter.drawText(
                QRectF(area.left(), y - metrics.height() / 2, left - area.left() - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        slot = plot.width() / max(1, len(self._categories))
        for index, category in enumerate(self._categories):
            painter.drawText(
                QRectF(plot.left() + index * slot, plot.bottom() + 4, slot, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                metrics.elidedText(category, Qt.TextElideMode.ElideRight, int(slot) - 2),
            )
        return plot, ticks

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        """Card, legend, axis and the series (or the empty-state sentence)."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        empty = not self._categories or self.is_empty()
        legend = [(item.name, item.colour) for item in self._series] if len(self._series) > 1 and not empty else []
        area = self._draw_card(painter, legend)
        self._hits = []
        if empty:
            self._draw_empty(painter, area)
            return
        plot, ticks = self._plot_area(painter, area)
        self._draw_series(painter, plot, ticks[-1])

    def _draw_series(self, painter: QPainter, plot: QRectF, top: float) -> None:
        raise NotImplementedError

    def _value_label(self, painter: QPainter, centre_x: float, y: float, value: float, colour: str) -> None:
        font = self._small_font()
        painter.setFont(font)
        metrics = QFontMetrics(font)
        text = value_text(value, self._unit)
        width = metrics.horizontalAdvance(text) + 4
        painter.setPen(QColor(colour).darker(115))
        painter.drawText(
            QRectF(centre_x - width / 2, y - metrics.height() - 2, width, metrics.height()),
            Qt.AlignmentFlag.AlignCenter,
            text,
        )

    # -- tooltips -------------------------------------------------------------------------------------------
    def hit_text(self, x: float, y: float) -> str:
        """What the tooltip says for a point of the widget ('' when it is over no value)."""
        for rect, category, series in self._hits:
            if rect.contains(QPointF(x, y)):
                item = self._series[series]
                value = value_text(item.values[category], self._unit)
                return f"{self._full_categories[category]} — {item.name}: {value}"
        return ""

    def event(self, event: QEvent) -> bool:
        """Tooltips name the value under the mouse."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.hit_text(event.pos().x(), event.pos().y())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


class BarChart(_AxisChart):
    """Grouped bars: one group per category (month), one bar per series, with the value above each bar."""

    def _draw_series(self, painter: QPainter, plot: QRectF, top: float) -> None:
        slot = plot.width() / len(self._categories)
        count = max(1, len(self._series))
        bar = min(30.0, slot * 0.72 / count)
        gap = min(4.0, bar * 0.15)
        group = count * bar + (count - 1) * gap
        show_values = bar >= 16
        for index in range(len(self._categories)):
            left = plot.left() + index * slot + (slot - group) / 2
            for number, item in enumerate(self._series):
                value = item.values[index]
                x = left + number * (bar + gap)
                if value is None:
                    continue
                height = plot.height() * value / top
                rect = QRectF(x, plot.bottom() - height, bar, height)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(item.colour))
                painter.drawRect(rect)
                if show_values and value:  # a zero needs no label: there is no bar
                    self._value_label(painter, rect.center().x(), rect.top(), value, item.colour)
                self._hits.append((QRectF(x, plot.top(), bar, plot.height()), index, number))


class LineChart(_AxisChart):
    """A trend: one line per series through the categories, a soft area under a single line, values labelled."""

    def _draw_series(self, painter: QPainter, plot: QRectF, top: float) -> None:
        slot = plot.width() / len(self._categories)
        for number, item in enumerate(self._series):
            colour = QColor(item.colour)
            points: list[QPointF | None] = []
            for index, value in enumerate(item.values):
                if value is None:
                    points.append(None)
                    continue
                points.append(QPointF(plot.left() + (index + 0.5) * slot, plot.bottom() - plot.height() * value / top))
            runs: list[list[QPointF]] = [[]]
            for point in points:
                if point is None:
                    runs.append([])
                else:
                    runs[-1].append(point)
            for run in runs:
                if not run:
                    continue
                if len(self._series) == 1 and len(run) > 1:
                    area = QPainterPath(QPointF(run[0].x(), plot.bottom()))
                    for point in run:
                        area.lineTo(point)
                    area.lineTo(QPointF(run[-1].x(), plot.bottom()))
                    area.closeSubpath()
                    fill = QColor(colour)
                    fill.setAlpha(36)
                    painter.fillPath(area, fill)
                line = QPainterPath(run[0])
                for point in run[1:]:
                    line.lineTo(point)
                painter.setPen(QPen(colour, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(line)
            for index, point in enumerate(points):
                value = item.values[index]
                if point is None or value is None:
                    continue
                painter.setPen(QPen(colour, 2))
                painter.setBrush(QColor(CARD_COLOUR))
                painter.drawEllipse(point, 3.5, 3.5)
                self._value_label(painter, point.x(), point.y() - 4, value, item.colour)
                self._hits.append((QRectF(plot.left() + index * slot, plot.top(), slot, plot.height()), index, number))


class DonutChart(ChartCard):
    """A part of a whole as a ring (e.g. watch shifts fully staffed of those planned), the share in the middle."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._part = 0
        self._whole = 0
        self._part_name = ""
        self._rest_name = ""
        self._colour = SERIES_COLOURS[1]
        self._rest_colour = "#d9822b"

    def set_data(self, part: int, whole: int, part_name: str, rest_name: str) -> None:
        """Show ``part`` of ``whole``; the legend names both slices."""
        self._part, self._whole = max(0, part), max(0, whole)
        self._part_name, self._rest_name = part_name, rest_name
        self.update()

    def share(self) -> float | None:
        """The part as a percentage of the whole (None when the whole is zero)."""
        return None if self._whole == 0 else 100.0 * min(self._part, self._whole) / self._whole

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """A ring and its legend."""
        return QSize(220, 190)

    def sizeHint(self) -> QSize:  # noqa: N802
        """A comfortable size on the dashboard."""
        return QSize(280, 230)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        """Card, legend, ring and the share in the middle."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        share = self.share()
        rest = max(0, self._whole - self._part)
        legend = (
            [
                (f"{self._part_name} ({self._part:,})", self._colour),
                (f"{self._rest_name} ({rest:,})", self._rest_colour),
            ]
            if share is not None
            else []
        )
        area = self._draw_card(painter, legend)
        if share is None:
            self._draw_empty(painter, area)
            return
        side = max(40.0, min(area.width(), area.height()) - 4)
        ring = QRectF(area.center().x() - side / 2, area.center().y() - side / 2, side, side)
        thickness = max(10.0, side * 0.16)
        inner = ring.adjusted(thickness / 2, thickness / 2, -thickness / 2, -thickness / 2)
        pen = QPen(QColor(self._rest_colour if rest else EMPTY_RING), thickness)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(inner)
        if self._part:
            pen.setColor(QColor(self._colour))
            painter.setPen(pen)
            span = -int(round(360 * 16 * share / 100))
            painter.drawArc(inner, 90 * 16, span)
        big = QFont(self.font())
        big.setBold(True)
        big.setPointSizeF(max(10.0, side / 7))
        painter.setFont(big)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(ring, Qt.AlignmentFlag.AlignCenter, f"{share:.0f}%")
