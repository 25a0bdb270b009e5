"""The VR360 viewer's web side: settings, scene documents, map camera markers.

``ERRORS`` are the scenes' and uploads' exceptions and their statuses, added to the
app's error table when the VR blueprint is registered.
"""

from __future__ import annotations

from geo.panorama import PanoramaError
from layers.scenes.manifest import ManifestError, SceneNotFound
from layers.scenes.upload import PhotoTooLarge, UploadRejected

ERRORS: dict[type[Exception], int] = {
    SceneNotFound: 404,
    PhotoTooLarge: 413,
    UploadRejected: 400,
    PanoramaError: 400,
    ManifestError: 422,
}
