#!/bin/sh
# One-shot job: Temporal's visibility index template and index in OpenSearch/Elasticsearch (v7 API),
# from the schema files shipped in temporalio/admin-tools; running it again changes nothing.
set -eu
schema=/etc/temporal/schema/elasticsearch/visibility
until curl -fs "$ES_SERVER" >/dev/null; do echo "waiting for $ES_SERVER"; sleep 2; done
curl -fsS -X PUT "$ES_SERVER/_cluster/settings" -H 'Content-Type: application/json' --data-binary "@$schema/cluster_settings_v7.json"
curl -fsS -X PUT "$ES_SERVER/_template/temporal_visibility_v1_template" -H 'Content-Type: application/json' --data-binary "@$schema/index_template_v7.json"
curl -s -o /dev/null -w '%{http_code}' -I "$ES_SERVER/$ES_VIS_INDEX" | grep -q 200 \
  || curl -fsS -X PUT "$ES_SERVER/$ES_VIS_INDEX"
echo "visibility index $ES_VIS_INDEX ready"
