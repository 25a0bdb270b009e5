"""Where the data and the store are, from ``PARKMAP_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Settings:
    """The build's two locations.

    ``store`` is a GeoPackage path, or a ``postgresql://`` URL (PostGIS).
    """

    data_dir: Path
    store: str

    @classmethod
    def from_mapping(cls, env: Mapping[str, str], prefix: str = "PARKMAP_") -> Settings:
        """Read ``{prefix}DATA_DIR`` and ``{prefix}STORE``.

        Relative paths are taken from the project root, so commands work from any
        directory.
        """
        data_dir = Path(env.get(f"{prefix}DATA_DIR") or "data")
        if not data_dir.is_absolute():
            data_dir = PROJECT_ROOT / data_dir
        store = env.get(f"{prefix}STORE") or str(data_dir / "build" / "parkmap.gpkg")
        if "://" not in store and not Path(store).is_absolute():
            store = str(PROJECT_ROOT / store)
        return cls(data_dir=data_dir, store=store)

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from this process's environment."""
        return cls.from_mapping(os.environ)
