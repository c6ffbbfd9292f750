"""The built-in notebook builders, one module per template (see ``registry.BUILTIN``)."""
