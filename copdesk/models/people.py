"""Members of the public: complainants, committee members, watch volunteers."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from copdesk.models.base import Base, SyncRecord


class Gender(StrEnum):
    """Gender as recorded on forms (and counted in the women's share of attendance)."""

    MALE = "male"
    FEMALE = "female"
    TRANSGENDER = "transgender"


class Person(SyncRecord, Base):
    """A member of the public. Name, CNIC, mobile and address are personal data."""

    __tablename__ = "people"
    __personal_fields__ = frozenset({"name", "father_name", "cnic", "mobile", "address", "search_text"})
    __search_fields__ = ("name", "father_name", "cnic", "cnic_compact", "mobile_local")

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    #: Father's or husband's name, as on Pakistani forms ("s/o", "d/o", "w/o").
    father_name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    gender: Mapped[str] = mapped_column(String(16), nullable=False)
    cnic: Mapped[str | None] = mapped_column(String(15), index=True)  # "#####-#######-#"
    mobile: Mapped[str | None] = mapped_column(String(16))  # E.164 "+923001234567"
    address: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: Normalised name, father's name, CNIC digits and mobile, indexed by FTS5 (see copdesk.storage.fts).
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    @property
    def cnic_compact(self) -> str:
        """The CNIC's 13 digits without dashes (so a search typed either way finds it)."""
        return (self.cnic or "").replace("-", "")

    @property
    def mobile_local(self) -> str:
        """The mobile number as written locally, ``03001234567``."""
        return "0" + self.mobile[3:] if self.mobile and self.mobile.startswith("+92") else (self.mobile or "")
