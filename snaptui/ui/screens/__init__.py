"""Screens: the browser, and the modal screens it opens."""
