"""Tests of webmap.auth: accounts, sessions, sign-in, lockout, roles, CSRF."""
