"""The built-in pages of the gate: login, register, forgot password, account, admin."""
