"""The admin of `scorecards`, defined by topic: the criteria library
(`library.admin`) and the scoring records, read-only (`rating.admin`)."""

from .library import admin as library_admin
from .rating import admin as rating_admin

__all__ = ["library_admin", "rating_admin"]
