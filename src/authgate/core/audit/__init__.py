"""The audit trail: the recorder every change goes through, the log and its export."""
