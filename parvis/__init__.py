"""Parvis: a self-hosted comment server for news publishers."""

__version__ = "0.1.0"
