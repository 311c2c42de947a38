"""The embedded demo backend: a moto server in a child process, seeded like a real team's account.

Nothing here is imported by the app unless demo mode is asked for, and importing this package does
not import moto (it is an optional extra: ``pip install 'snaptui[demo]'``).
"""
