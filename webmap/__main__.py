"""``python -m webmap``: serve on PARKMAP_HOST:PARKMAP_PORT.

With ``PARKMAP_ENV_NAME=production`` it runs gunicorn with the settings in
``deploy/gunicorn.conf.py`` (workers, threads, timeouts, metrics hook); otherwise
Flask's development server.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from webmap import create_app

GUNICORN_CONF = Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py"


def production_command(config: dict[str, Any]) -> list[str] | None:
    """The gunicorn command line for a production config, else None."""
    if config.get("ENV_NAME") != "production":
        return None
    bind = f"{config['HOST']}:{config['PORT']}"
    return [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "-b", bind]


def main() -> None:
    """Serve the app: gunicorn in production, the development server otherwise."""
    app = create_app()
    command = production_command(app.config)
    if command is not None:
        os.execv(sys.executable, [*command, "webmap:create_app()"])
    app.run(host=app.config["HOST"], port=app.config["PORT"])


if __name__ == "__main__":
    main()
