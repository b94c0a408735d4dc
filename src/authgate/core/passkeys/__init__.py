"""Passkeys (WebAuthn): registering them, logging in with them, and the rules around both."""
