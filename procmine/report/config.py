"""Report options and the report.yaml that renders several reports in one run; unknown keys are errors.

report.yaml:

    defaults: {lang: da, period: month, compare: previous, organisation: Syddjurs Kommune}
    reports:
      - dataset: ../sample_logs/aktindsigt
        output: out/aktindsigt.html
        xlsx: out/aktindsigt.xlsx
        title: Aktindsigt
        filters: [{kind: case_attribute, attribute: department, values: [Teknik og Miljø]}]

Relative paths are read from the folder of the config file. `case_notion: citizen` (or an object type
of an object-centric dataset) reports on the citizens' journeys instead of the dataset's own cases.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from procmine.errors import ConfigError
from procmine.safe_load import load_yaml
from procmine.validation import validated

TREND_PERIODS = {"month": 12, "quarter": 8, "year": 5}


class ReportSettings(BaseModel):
    """How a report looks and what it covers (everything but where the data is and where it goes)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    lang: Literal["en", "da"] = "en"
    period: Literal["month", "quarter", "year"] = "month"
    from_date: dt.date | None = Field(None, alias="from")
    to_date: dt.date | None = Field(None, alias="to")
    compare: Literal["previous", "year-ago", "none"] = "previous"
    group_by: str | None = None
    deadlines: Path | None = None
    title: str | None = None
    organisation: str | None = None
    top: int = Field(10, ge=1, le=50)
    trend_periods: int | None = Field(None, ge=2, le=60)
    map_activities: float | None = Field(None, gt=0, le=1)
    map_paths: float = Field(0.3, ge=0, le=1)
    compliance_target: float = Field(0.9, gt=0, le=1)
    timezone: str = "Europe/Copenhagen"
    dcr: bool = False
    dcr_model: Path | None = None
    predict: bool = False     # add the "Cases at risk" section (procmine.prediction)
    benchmark: Path | None = None   # a folder of municipal datasets: add the benchmark section

    @property
    def minimum_trend_periods(self) -> int:
        return self.trend_periods or TREND_PERIODS[self.period]


class ReportJob(ReportSettings):
    """One report to render: the dataset, its filters and the output files, plus the settings."""

    dataset: Path
    output: Path
    case_notion: str | None = None   # what a case is (procmine.open's case_notion); None: the dataset's own
    xlsx: Path | None = None
    filters: list[dict] = Field(default_factory=list)
    filter_files: list[Path] = Field(default_factory=list)

    @field_validator("output")
    @classmethod
    def _html(cls, output: Path) -> Path:
        if output.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"the report is HTML; name it .html, not {output.name!r}")
        return output

    @field_validator("xlsx")
    @classmethod
    def _xlsx(cls, xlsx: Path | None) -> Path | None:
        if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
            raise ValueError(f"the workbook must end in .xlsx, not {xlsx.name!r}")
        return xlsx


class ReportConfig(BaseModel):
    """A report.yaml: shared defaults and a list of reports."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    defaults: dict = Field(default_factory=dict)
    reports: list[dict] = Field(min_length=1)


_PATH_KEYS = ("dataset", "output", "xlsx", "deadlines", "dcr_model", "benchmark")


def make_job(values: dict, where: str = "report options") -> ReportJob:
    """A ReportJob from plain values; a validation problem becomes a ConfigError naming the key."""
    return validated(ReportJob, values, ConfigError, where)


def load_config(path: str | Path) -> list[ReportJob]:
    """The reports of a report.yaml, defaults merged in and relative paths read from its folder."""
    path = Path(path)
    data = load_yaml(path, "report config")
    config = validated(ReportConfig, data if data is not None else {}, ConfigError, str(path),
                       "A report config has 'defaults' and 'reports'")
    jobs = []
    for number, entry in enumerate(config.reports, start=1):
        merged = {**config.defaults, **(entry if isinstance(entry, dict) else {"report": entry})}
        jobs.append(make_job(_resolve(merged, path.parent), f"{path}: reports[{number}]"))
    return jobs


def _resolve(values: dict, folder: Path) -> dict:
    resolved = dict(values)
    for key in _PATH_KEYS:
        if isinstance(resolved.get(key), str):
            resolved[key] = folder / resolved[key]
    if isinstance(resolved.get("filter_files"), list):
        resolved["filter_files"] = [folder / f if isinstance(f, str) else f for f in resolved["filter_files"]]
    return resolved
