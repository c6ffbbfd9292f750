"""djdesk docs: serve a built Sphinx docs bundle offline and build it with one command."""
