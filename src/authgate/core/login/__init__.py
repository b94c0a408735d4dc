"""Login methods behind one interface, the one login path, and token strategies."""
