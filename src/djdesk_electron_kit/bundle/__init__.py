"""``manage.py djdesk_bundle``: a self-contained payload for the Electron shell.

The bundle (see DESIGN.md, "Bundle contract") is built step by step into a hidden
sibling of the output folder and renamed into place only once it launched, so a
failure or an interruption never leaves half a bundle behind. One module per step
or concept; :mod:`.builder` runs them in order.

This package is also imported *inside* a bundle's interpreter (``python -m
djdesk_electron_kit.bundle.collect`` / ``.compiling``), so it imports nothing here.
"""
