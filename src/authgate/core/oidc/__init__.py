"""Signing in with an identity provider (OpenID Connect): one more login method.

``provider_client`` talks to the provider (metadata, keys, the code
exchange), ``id_token`` verifies what it answers, ``flow`` runs the
authorization-code flow with PKCE, ``state`` and ``nonce``, ``login`` turns a
verified identity into an account for the shared login flow, and ``links``
lists, links and unlinks identities.
"""
