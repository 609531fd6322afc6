"""Plan stage: model states → ordered, typed operations that know their inverse (:mod:`.ops`)."""

from .diff import migration_plans, plan
from .ops import ONLINE_SETTINGS, Op, Plan

__all__ = ["ONLINE_SETTINGS", "Op", "Plan", "migration_plans", "plan"]
