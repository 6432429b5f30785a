"""Run functions for sweep tests (importable by worker processes)."""

from dataclasses import replace

from model.experiments.worker import execute


def fail_on_point_one(task):
    """The real run, except that point 1 gets an impossible scenario and fails inside."""
    if task.point == 1:
        task = replace(task, overrides={**task.overrides, "simulation.years": -1})
    return execute(task)


def die_on_point_one(task):
    """The real run, except that the worker running point 1 dies (as if killed or out of
    memory)."""
    import os

    if task.point == 1:
        os._exit(9)
    return execute(task)
