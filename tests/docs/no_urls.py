"""A URLconf without the docs app: links must not be rewritten to unmountable URLs."""

urlpatterns: list[object] = []
