#!/bin/sh
# One-shot job once the Temporal server is up: the `default` namespace (30-day retention of closed
# cases' histories) and labourflow's search attributes (business ids only, no personal data).
set -eu
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-temporal-frontend:7233}"
until temporal operator cluster health >/dev/null 2>&1; do echo "waiting for $TEMPORAL_ADDRESS"; sleep 2; done
temporal operator namespace describe --namespace default >/dev/null 2>&1 \
  || temporal operator namespace create --namespace default --retention 30d
for name in CaseNo Stage Channel Category Region; do
  temporal operator search-attribute create --namespace default --name "$name" --type Keyword 2>/dev/null || true
done
echo "temporal namespace and search attributes ready"
