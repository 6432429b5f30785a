"""The `residence_permit:` section: residence-permit (居住证) conditions (prov. 14)."""

from __future__ import annotations

from pydantic import Field, model_validator

from model.scenario.types import (
    NATIONAL_PERMIT_MAX_MONTHS,
    Months,
    StrictModel,
    lever,
    structure,
)


class ResidencePermit(StrictModel):
    """Residence-permit (居住证) conditions, prov. 14 and the 2015 regulation."""

    min_residence_months: Months = lever("months of residence in the city required")
    accepts_stable_job: bool = lever("a job in the city qualifies")
    accepts_legal_home: bool = lever("a legal stable residence (rental counts) qualifies")
    accepts_child_in_school: bool = lever("a child living and schooled in the city qualifies")
    breaches_national_standard: bool = lever(
        "set true only to model a city that demands more than the national standard of "
        f"{NATIONAL_PERMIT_MAX_MONTHS} months (prov. 14 forbids it)"
    )
    reissued_in_year: int | None = structure(
        "the year the residence-permit regulation replaced the temporary residence permit "
        "(暂住证) with the residence permit (居住证): in its January every permit lapses and is "
        "applied for anew (none: no such change within the run)",
        ge=1990,
        le=2100,
        default=None,
    )
    source: str = Field(description="document and provision the rule comes from")

    @model_validator(mode="after")
    def _national_standard(self) -> ResidencePermit:
        # prov. 14: permit thresholds no higher than the national standard
        if (
            self.min_residence_months > NATIONAL_PERMIT_MAX_MONTHS
            and not self.breaches_national_standard
        ):
            raise ValueError(
                f"min_residence_months={self.min_residence_months} exceeds the national "
                f"standard of {NATIONAL_PERMIT_MAX_MONTHS} months; valid: 0-"
                f"{NATIONAL_PERMIT_MAX_MONTHS}, or set breaches_national_standard: true"
            )
        return self
