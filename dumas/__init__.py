"""Dumas Monitor: follow-up monitoring of public complaints (SOP 305/2012)."""

from __future__ import annotations

__version__ = "0.1.0"
