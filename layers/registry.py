"""The set of layer specs found in a data directory, in build order."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from layers.errors import LayerNotFound, SpecError
from layers.spec import LayerSpec, load_spec

logger = logging.getLogger(__name__)

SPEC_DIR = "layers"


class Registry:
    """Layer specs by name; duplicates and unknown names raise."""

    def __init__(self, specs: list[LayerSpec] | None = None):
        self._specs: dict[str, LayerSpec] = {}
        for spec in specs or []:
            self.add(spec)

    @classmethod
    def from_dir(cls, data_dir: Path) -> Registry:
        """Load every ``*.toml`` under ``data_dir/layers``, sorted by file name."""
        spec_dir = data_dir / SPEC_DIR
        if not spec_dir.is_dir():
            raise SpecError("no layer specs directory", path=spec_dir)
        registry = cls()
        for path in sorted(spec_dir.glob("*.toml")):
            registry.add(load_spec(path, data_dir))
        logger.debug("loaded %d layer specs from %s", len(registry), spec_dir)
        return registry

    def add(self, spec: LayerSpec) -> None:
        """Register ``spec``; a second spec with the same name raises SpecError."""
        if spec.name in self._specs:
            other = self._specs[spec.name].spec_path
            raise SpecError(
                f"layer '{spec.name}' is already defined in {other}",
                path=spec.spec_path,
            )
        self._specs[spec.name] = spec

    def get(self, name: str) -> LayerSpec:
        """Return the spec named ``name``; raise LayerNotFound."""
        try:
            return self._specs[name]
        except KeyError:
            raise LayerNotFound(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[LayerSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def check_references(self) -> None:
        """Raise SpecError if a spec names a layer that is not registered.

        The build loads every layer before deriving anything, so references may
        point either way (parcels name their parks; parks take occupancy from parcels).
        """
        for spec in self._specs.values():
            for dep in sorted(spec.depends_on()):
                if dep not in self._specs:
                    raise SpecError(
                        f"refers to unknown layer '{dep}'", path=spec.spec_path
                    )
