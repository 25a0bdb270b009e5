"""``flask --app webmap users add|list|remove|set-password|unlock|disable|enable``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from webmap.auth.accounts import (
    PASSWORD_MIN,
    ROLES,
    AccountError,
    check_password,
    normalize_username,
)
from webmap.auth.database import AccountsUnavailable
from webmap.auth.lockout import split_pair
from webmap.auth.service import get_accounts, get_limiter

users_group = AppGroup("users", help="Accounts of the planner pages.")


def _fail(exc: Exception) -> click.ClickException:
    """A CLI error (exit status 1) with the message of ``exc``."""
    return click.ClickException(str(exc))


def _read_password(from_stdin: bool) -> str:
    """A new password: one line of standard input, or typed twice at a prompt.

    Raises:
        click.ClickException: the password is too short or empty.
    """
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            f"Password (at least {PASSWORD_MIN} characters)",
            hide_input=True,
            confirmation_prompt=True,
        )
    try:
        check_password(password)
    except AccountError as exc:
        raise _fail(exc) from None
    return password


def _name(username: str) -> str:
    """The canonical username, or a CLI error saying what is wrong with it."""
    try:
        return normalize_username(username)
    except AccountError as exc:
        raise _fail(exc) from None


PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)


@users_group.command("add")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(ROLES), required=True, help="What the user may do."
)
@PASSWORD_STDIN
def add_command(username: str, role: str, password_stdin: bool) -> None:
    """Create an account (the password is asked twice unless --password-stdin)."""
    name = _name(username)
    password = _read_password(password_stdin)
    try:
        user = get_accounts().add(name, password, role)
    except (AccountError, AccountsUnavailable) as exc:
        raise _fail(exc) from None
    click.echo(f"added {user.role} {user.username}")


def _lock_notes() -> dict[str, list[str]]:
    """Per account: where it is locked from, and whether it is slowed, just now."""
    limiter = get_limiter()
    notes: dict[str, list[str]] = {}
    for key, left in sorted(limiter.locked_keys("pair").items()):
        account, address = split_pair(key)
        notes.setdefault(account, []).append(f"locked from {address} for {left} s")
    for account, left in limiter.locked_keys("user").items():
        notes.setdefault(account, []).append(f"slowed for {left} s")
    return notes


@users_group.command("list")
def list_command() -> None:
    """Every account: name, role, created, and whether disabled, locked or slowed."""
    try:
        users = get_accounts().all()
        locks = _lock_notes()
    except AccountsUnavailable as exc:
        raise _fail(exc) from None
    if not users:
        click.echo("no users yet: flask --app webmap users add NAME --role admin")
        return
    width = max(len(u.username) for u in users)
    for user in users:
        notes = ["disabled"] if user.disabled else []
        notes += locks.get(user.username, [])
        line = f"{user.username:<{width}}  {user.role:<7}  {user.created_at}"
        click.echo(f"{line}  {', '.join(notes)}".rstrip())


@users_group.command("remove")
@click.argument("username")
@click.confirmation_option(prompt="Remove this account for good?")
def remove_command(username: str) -> None:
    """Delete an account; its sessions end at once."""
    try:
        get_accounts().remove(_name(username))
    except (AccountError, AccountsUnavailable) as exc:
        raise _fail(exc) from None
    click.echo(f"removed {_name(username)}")


@users_group.command("set-password")
@click.argument("username")
@PASSWORD_STDIN
def set_password_command(username: str, password_stdin: bool) -> None:
    """Give an account a new password; its open sessions end."""
    name = _name(username)
    try:
        get_accounts().get(name)  # say "no such user" before asking for a password
        get_accounts().set_password(name, _read_password(password_stdin))
    except (AccountError, AccountsUnavailable) as exc:
        raise _fail(exc) from None
    click.echo(f"changed the password of {name}; their sessions have ended")


@users_group.command("unlock")
@click.argument("username", required=False)
@click.option(
    "--ip", "addresses", multiple=True, help="Also unlock this client address."
)
def unlock_command(username: str | None, addresses: tuple[str, ...]) -> None:
    """Clear the failed sign-ins, locks and slowdown of an account (or addresses).

    An account is unlocked from every address; an address for every account.
    """
    if not username and not addresses:
        raise click.UsageError("name an account, or an address with --ip")
    try:
        keys = [("ip", address.strip()) for address in addresses]
        if username:
            keys.insert(0, ("user", get_accounts().get(username).username))
        for scope, key in keys:
            cleared = get_limiter().reset(scope, key)
            what = "account" if scope == "user" else "address"
            click.echo(
                f"unlocked {what} {key}" if cleared else f"{what} {key} was not locked"
            )
    except (AccountError, AccountsUnavailable) as exc:
        raise _fail(exc) from None


def _set_disabled(username: str, disabled: bool) -> None:
    """Disable or enable an account, as a CLI command."""
    try:
        get_accounts().set_disabled(_name(username), disabled)
    except (AccountError, AccountsUnavailable) as exc:
        raise _fail(exc) from None
    click.echo(f"{'disabled' if disabled else 'enabled'} {_name(username)}")


@users_group.command("disable")
@click.argument("username")
def disable_command(username: str) -> None:
    """Stop an account from signing in; its open sessions end."""
    _set_disabled(username, True)


@users_group.command("enable")
@click.argument("username")
def enable_command(username: str) -> None:
    """Let a disabled account sign in again."""
    _set_disabled(username, False)
