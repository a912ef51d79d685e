"""Billing Service."""
