"""djdesk electron kit: run a Django project as a secure local desktop backend."""

from djdesk_inspector import __version__

__all__ = ["__version__"]
