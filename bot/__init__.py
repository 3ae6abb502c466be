"""Helpline assistant: vetted support contacts over Telegram, keeping nothing about its users."""

__version__ = "0.1.0"
