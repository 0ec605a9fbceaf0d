#!/usr/bin/env bash
# The same end-to-end path with no redis-server at the configured address: every service
# works uncached.
source "$(dirname "$0")/end_to_end.sh" no-redis
