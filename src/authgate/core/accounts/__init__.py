"""Accounts: registration and imports, reading and administering, password changes."""
