"""Plan stage: model states → ordered operations that know their inverse."""

from .diff import migration_plans, plan
from .ops import Op, Plan

__all__ = ["Op", "Plan", "migration_plans", "plan"]
