"""Plan stage: model states → ordered operations that know their inverse."""

from .diff import migration_plans, plan
from .ops import ONLINE_SETTINGS, Op, Plan

__all__ = ["ONLINE_SETTINGS", "Op", "Plan", "migration_plans", "plan"]
