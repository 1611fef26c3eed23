"""Shared machinery of every statutory workflow: clock, deadlines, timeline, tasks, actions."""
