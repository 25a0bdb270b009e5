"""Layer specs, the build (files → validated, joined GeoPackage) and the stores."""
