"""``python -m djdesk_electron_kit.launch --settings <module> [--data-dir D] [--port 0]``

The entry point the Electron shell and the bundle spawn. The work happens in
:mod:`djdesk_electron_kit.launcher`; exit codes are listed in
:mod:`djdesk_electron_kit.exitcodes` (0 clean, 1 error, 2 usage, 3 migration failed
and database restored, 4 server failure, 5 worker could not start, 6 data dir locked
by another launcher, 7 data dir not writable).
"""

from __future__ import annotations

from djdesk_electron_kit.launcher import main

if __name__ == "__main__":
    raise SystemExit(main())
