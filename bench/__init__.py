"""Benchmarks: the helpline against a bare python-telegram-bot echo bot (`python -m bench`)."""
