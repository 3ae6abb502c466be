"""Telegram handlers: parse an update, ask the core for a screen, render it. No SQL here."""
