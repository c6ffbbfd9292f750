"""djdesk inspector: inspect Django projects on disk and run vetted commands against them."""

__version__ = "0.1.0"
