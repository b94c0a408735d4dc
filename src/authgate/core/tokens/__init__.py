"""Tokens: one-time tokens, refresh families, JWT keys and access tokens, and the JWT strategy.

Nothing is re-exported here: ``sessions`` imports ``tokens.one_time`` while
``tokens.service`` imports ``sessions``, so each caller imports the module it
needs (``authgate.core.tokens.service.TokenService``, ...).
"""
