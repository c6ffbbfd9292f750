"""djdesk data lab: notebooks about a workspace, built from its latest snapshot.

Each export is a versioned folder (notebook + the JSON data it reads) written
atomically under ``DJDESK_DATALAB["EXPORT_ROOT"]``, optionally executed in a kernel so
its preview shows real tables. Requires ``djdesk_inspector`` (it reads snapshots).
"""
