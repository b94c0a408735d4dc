"""The lockout: one policy (``policy``) and one guard (``guard``) for every check of a secret."""
