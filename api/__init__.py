"""Pirep's API, worker and the framework-free core the importer shares."""

import zoneinfo

# Time zones come from the tzdata package pinned in uv.lock: a machine's own database may be
# years older (British Columbia kept summer time all year from November 2026, for one).
zoneinfo.reset_tzpath(to=[])
