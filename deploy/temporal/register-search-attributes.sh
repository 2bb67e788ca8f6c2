#!/bin/sh
# One-shot setup of the Temporal namespace baton uses, run by the `temporal-setup` compose service
# (image temporalio/admin-tools) once the server answers: creates the namespace if it is missing
# and registers baton's custom search attributes (src/domain/search-attributes.ts), so the UI can
# filter runs by kind, model, phase, context percent, tokens used and parent session.
#
# Idempotent: existing namespaces and attributes are left alone.
set -eu

: "${TEMPORAL_ADDRESS:?}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"

# name:type pairs; the compose test checks them against src/domain/search-attributes.ts.
SEARCH_ATTRIBUTES="BatonKind:Keyword BatonModel:Keyword BatonContextPercent:Double BatonTokensUsed:Int BatonParent:Keyword BatonPhase:Keyword"

echo "Waiting for Temporal at $TEMPORAL_ADDRESS…"
tries=0
until health=$(temporal operator cluster health --address "$TEMPORAL_ADDRESS" 2>&1); do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "Temporal did not become healthy in 2 minutes; check the temporal service's logs. Last answer:" >&2
    printf '%s\n' "$health" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" >/dev/null 2>&1; then
  echo "Namespace $NAMESPACE exists"
else
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" --retention 30d
  echo "Created namespace $NAMESPACE"
fi

for pair in $SEARCH_ATTRIBUTES; do
  name="${pair%%:*}"
  type="${pair#*:}"
  tries=0
  # A namespace that was just created takes a moment to accept attributes: retry a few times.
  until temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" | grep -qw "$name" ||
    temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" --name "$name" --type "$type"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 10 ]; then
      echo "Could not register search attribute $name ($type) in namespace $NAMESPACE." >&2
      exit 1
    fi
    sleep 3
  done
  echo "Search attribute $name ($type) registered"
done
