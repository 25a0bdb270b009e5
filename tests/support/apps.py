"""Apps in tests: their files under tmp_path, cheap password hashes, closing the store."""

from __future__ import annotations

from pathlib import Path

FAST_SCRYPT = "scrypt:1024:8:1"  # tests only; the app's default is werkzeug's scrypt


def isolated(tmp_path: Path) -> dict[str, str]:
    """Imagery, panorama and account directories under ``tmp_path``, not the tree's.

    Passwords are hashed with cheap scrypt parameters so sign-in tests stay fast.
    """
    return {
        "RASTER_DIR": str(tmp_path / "rasters"),
        "PANORAMA_DIR": str(tmp_path / "panoramas"),
        "PANORAMA_SOURCE_DIR": str(tmp_path / "panorama-photos"),
        "STATE_DIR": str(tmp_path / "state"),
        "PASSWORD_HASH_METHOD": FAST_SCRYPT,
    }


def close_store(app) -> None:
    """Close the store ``app`` opened, if it opened one (its pool, on PostGIS)."""
    store = app.extensions.get("parkmap.store")
    if store is not None:
        store.close()
