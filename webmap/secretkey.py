"""The session key kept on disk when ``PARKMAP_SECRET_KEY`` is unset.

One key in ``<STATE_DIR>/secret_key`` (mode 0600), shared by every worker and kept
across restarts.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path

from webmap.settingtypes import ConfigError

logger = logging.getLogger(__name__)
FILENAME = "secret_key"


def load(path: Path) -> str:
    """The session key kept in ``path``, made on first use (mode 0600).

    The key is written to a private temporary file and hard-linked into place, which
    fails if another worker got there first; then that worker's key is read, so
    processes starting together agree.

    Raises:
        ConfigError: the file cannot be read or written, or holds too short a key.
    """
    try:
        try:
            return _read_secret_key(path)
        except FileNotFoundError:
            _create_secret_key(path)
        return _read_secret_key(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"PARKMAP_STATE_DIR: cannot use the session key {path}: {exc}; "
            "fix the folder's permissions or set PARKMAP_SECRET_KEY"
        ) from None


def _create_secret_key(path: Path) -> None:
    """Write a new random key to ``path`` unless another process just did."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)  # never replaces a key another worker already uses
        logger.info("created the session key %s", path)
    except FileExistsError:
        pass  # another process made it between our read and our link
    finally:
        Path(tmp).unlink(missing_ok=True)


def _read_secret_key(path: Path) -> str:
    """The key in ``path`` (FileNotFoundError if there is none yet)."""
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise ConfigError(
            f"PARKMAP_SECRET_KEY is unset and {path} holds too short a key "
            f"({len(key)} characters, 32 needed): delete the file to make a new one"
        )
    if path.stat().st_mode & 0o077:
        logger.warning("%s is readable by others: chmod 600 it", path)
    return key
