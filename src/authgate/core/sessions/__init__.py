"""Server-side sessions: the policy (lifetimes and validity), the service, the read cache."""
