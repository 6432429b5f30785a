"""Building blocks of the scenario schema: value types with bounds, the lever / uncertainty /
structure marks, strict models, and tables keyed by size class, region or education."""

from __future__ import annotations

import typing
from typing import Annotated, Any, Generic, Literal, TypeVar

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from model.enums import SizeClass

# --- value types ------------------------------------------------------------------------------

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Months = Annotated[int, Field(ge=0, le=600)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
SizeClassName = Literal[
    "super_large", "extra_large", "large_1", "large_2", "medium", "small_1", "small_2"
]

#: National standard for the residence permit (居住证暂行条例 art. 2; policy_parameters.csv R1):
#: six months of residence. Prov. 14 says thresholds may be no higher than the national standard.
NATIONAL_PERMIT_MAX_MONTHS = 6


def lever(description: str, **bounds: Any) -> Any:
    """A field that governments choose (a policy lever experiments may sweep)."""
    return Field(description=description, json_schema_extra={"kind": "lever"}, **bounds)


def uncertainty(description: str, prior: dict[str, Any] | None = None, **bounds: Any) -> Any:
    """A field for behaviour we do not know (an uncertainty experiments may sweep); `prior`
    (from `uniform` or `normal`) marks it for `citizenization calibrate`, which infers it."""
    extra: dict[str, Any] = {"kind": "uncertainty"}
    if prior is not None:
        extra["prior"] = prior
    return Field(description=description, json_schema_extra=extra, **bounds)


def uniform(low: float, high: float, source: str = "assumed") -> dict[str, Any]:
    """A uniform prior on [low, high] for `calibrate`; `source` says where the range comes from."""
    if not low < high:
        raise ValueError(f"a uniform prior needs low < high, got {low}, {high}")
    return {"distribution": "uniform", "low": low, "high": high, "source": source}


def normal(
    mean: float, sd: float, low: float, high: float, source: str = "assumed"
) -> dict[str, Any]:
    """A normal prior truncated to [low, high] (the values the field admits, or narrower)."""
    if not (sd > 0 and low < mean < high):
        raise ValueError(f"a normal prior needs sd > 0 and low < mean < high, got {mean}, {sd}")
    return {
        "distribution": "normal",
        "mean": mean,
        "sd": sd,
        "low": low,
        "high": high,
        "source": source,
    }


def structure(description: str, **bounds: Any) -> Any:
    """A field describing the world as observed (data, or an assumption about it)."""
    return Field(description=description, json_schema_extra={"kind": "structure"}, **bounds)


class StrictModel(BaseModel):
    """Unknown keys are errors (a typo must never silently switch a mechanism off); numbers are
    finite (NaN and infinity are refused); nothing is coerced (a string or a boolean is not a
    number, a number is not a flag), except a whole number where a real number is expected."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


#: A name used in result folders and tables: letters (CJK included), digits, `_` and `-`,
#: starting with a letter or digit; never a path.
SAFE_NAME = r"^[^\W_][\w-]{0,79}$"


def safe_name(description: str) -> Any:
    """A field for a name that becomes part of file names (scenario, experiment)."""
    return Field(min_length=1, max_length=80, pattern=SAFE_NAME, description=description)


class Table(StrictModel):
    """Numbers keyed by category; `array()` lists them in field order (the enum's order)."""

    def array(self, dtype: Any = np.float64) -> np.ndarray:
        return np.array([getattr(self, name) for name in type(self).model_fields], dtype=dtype)


T = TypeVar("T")


class ByClass(Table, Generic[T]):
    """One value per city-size class."""

    super_large: T
    extra_large: T
    large_1: T
    large_2: T
    medium: T
    small_1: T
    small_2: T

    def __getitem__(self, size_class: SizeClass) -> T:
        return getattr(self, size_class.key)


class ByRegion(Table, Generic[T]):
    """One value per region."""

    east: T
    central: T
    west: T
    northeast: T


class ByEducation(Table, Generic[T]):
    """One value per education level."""

    none: T
    primary: T
    junior_secondary: T
    senior_secondary: T
    college_plus: T


def sums_to_one(table: Table) -> Table:
    """Validator: shares over categories must sum to 1 (to 0.001)."""
    total = table.array().sum()
    if not np.isclose(total, 1.0, atol=1e-3):
        raise ValueError(f"shares must sum to 1 (they sum to {total:.4f})")
    return table


class AgeShares(Table):
    """Shares of rural-hukou workers by age group (years)."""

    age_16_20: Share
    age_21_30: Share
    age_31_40: Share
    age_41_50: Share
    age_51_59: Share

    #: (lowest, highest) age of each group, in field order.
    BOUNDS: typing.ClassVar[tuple[tuple[int, int], ...]] = (
        (16, 20),
        (21, 30),
        (31, 40),
        (41, 50),
        (51, 59),
    )


class InitialHousingShares(Table):
    """How migrants already in cities are housed at the start (shares)."""

    dormitory: Share
    worksite: Share
    rental: Share
    owned: Share


Summing = AfterValidator(sums_to_one)


# Named parametrisations: pydantic's `ByClass[X]` classes cannot be pickled by reference, and
# scenarios travel to worker processes and Dask clusters, so each one used gets a module name.


class RealByClass(ByClass[float]):
    pass


class PositiveByClass(ByClass[Positive]):
    pass


class NonNegativeByClass(ByClass[NonNegative]):
    pass


class PositiveByRegion(ByRegion[Positive]):
    pass


class SharesByRegion(ByRegion[Share]):
    pass


class SharesByEducation(ByEducation[Share]):
    pass


class PositiveByEducation(ByEducation[Positive]):
    pass


def field_marks(schema: type[BaseModel], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Every leaf field of a schema by dotted key, with its marks (`kind`, and
    `prior` where set); nested sections are walked, optional ones included."""
    marks: dict[str, dict[str, Any]] = {}
    for name, info in schema.model_fields.items():
        key = f"{prefix}{name}"
        nested = [
            t
            for t in (info.annotation, *typing.get_args(info.annotation))
            if isinstance(t, type) and issubclass(t, StrictModel) and not issubclass(t, Table)
        ]
        if nested:
            marks.update(field_marks(nested[0], key + "."))
        elif isinstance(info.json_schema_extra, dict):
            marks[key] = dict(info.json_schema_extra)
    return marks
