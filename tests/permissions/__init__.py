"""Access-control tests (tests/permissions) and what other tests need to know about it."""

# What a signed-in request costs before its view runs: the session, the user, and the
# user's and its groups' permissions (read once by djdesk's default permission callback).
SIGN_IN_QUERIES = 4
