#!/bin/sh
# First start of the PostgreSQL container: one role and database for labourflow, one role and two
# databases (history, visibility) for Temporal.
set -eu
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE labourflow LOGIN PASSWORD '${APP_PASSWORD}';
CREATE DATABASE labourflow OWNER labourflow;
CREATE ROLE temporal LOGIN PASSWORD '${APP_PASSWORD}';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
SQL
