"""Shared alerts: wanted, missing and victim persons, travel documents and vehicles."""
