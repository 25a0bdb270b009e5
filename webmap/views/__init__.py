"""Blueprints, one per surface."""
