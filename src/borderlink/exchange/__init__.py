"""The federation exchange: signed envelopes between the two national nodes over mutual TLS."""
