"""The monthly calendar's clock."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Clock:
    """Month `index` (0 = January of `start_year`) of a run."""

    start_year: int
    index: int

    @property
    def year(self) -> int:
        return self.start_year + self.index // 12

    @property
    def month(self) -> int:
        """Calendar month, 1-12."""
        return self.index % 12 + 1

    @property
    def years_elapsed(self) -> int:
        return self.index // 12
