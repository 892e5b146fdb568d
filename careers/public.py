"""The careers app's public surface: other apps import this module and nothing else.

Nothing yet: careers sits on top and is imported by no other app.
"""
