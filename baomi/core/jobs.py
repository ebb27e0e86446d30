"""The scheduled jobs, registered by the apps that own them.

Each app's `tasks.py` registers its jobs with `@job(name, order=…)`; `baomi tick` runs them
in order, without importing the apps itself, so `core` stays below every app. Every job is
idempotent and returns how many items it handled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    run: Callable[[], int]
    order: int


_JOBS: dict[str, Job] = {}


def job(name: str, *, order: int) -> Callable[[Callable[[], int]], Callable[[], int]]:
    """Register `fn` as the scheduled job `name`; jobs run by ascending `order`."""

    def register(fn: Callable[[], int]) -> Callable[[], int]:
        existing = _JOBS.get(name)
        if existing is not None and existing.run.__qualname__ != fn.__qualname__:
            raise ValueError(f"two jobs are named {name!r}")
        _JOBS[name] = Job(name, fn, order)
        return fn

    return register


def jobs() -> list[Job]:
    """Every registered job, in the order they run (each app's tasks.py loaded first)."""
    autodiscover_modules("tasks")
    return sorted(_JOBS.values(), key=lambda j: (j.order, j.name))
