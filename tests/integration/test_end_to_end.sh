#!/usr/bin/env bash
# The end-to-end path with redis-server running as the cache.
source "$(dirname "$0")/end_to_end.sh" redis
