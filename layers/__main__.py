"""``python -m layers build|check|layers add|raster …|backup|restore``.

The layer tools take their settings from the web app's settings module
(``webmap.settings``, the one reader of ``PARKMAP_*``), which ``layers`` does not
import; so this runs the same commands through Flask's command line,
``flask --app webmap …``, in this process's place.
"""

import os
import sys

command = [sys.executable, "-m", "flask", "--app", "webmap", *sys.argv[1:]]
os.execv(sys.executable, command)
