"""Tests of layers.store: the core feature store on both backends, its catalogue and backups."""
