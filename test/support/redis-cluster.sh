#!/usr/bin/env bash
# Starts a local Redis Cluster of three masters on 127.0.0.1:7001-7003 (no persistence, files in a temp dir) for the
# suites run with JOBS_BACKEND=cluster, and waits until it serves every slot. Does nothing if it already does.
set -euo pipefail

PORTS=(7001 7002 7003)
state() { redis-cli -h 127.0.0.1 -p "${PORTS[0]}" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p'; }

if [ "$(state)" = ok ]; then
  echo "redis-cluster: up on ${PORTS[*]}"
  exit 0
fi

dir=$(mktemp -d -t redis-cluster.XXXXXX)
for port in "${PORTS[@]}"; do
  mkdir -p "$dir/$port"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" \
    --cluster-node-timeout 5000 --save "" --appendonly no --dir "$dir/$port" --logfile "$dir/$port/redis.log" --daemonize yes
done
for port in "${PORTS[@]}"; do
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

# Nodes already holding slots (a half-made cluster from an earlier run) are left as they are.
if [ "$(redis-cli -h 127.0.0.1 -p "${PORTS[0]}" cluster info | tr -d '\r' | sed -n 's/^cluster_slots_assigned://p')" = 0 ]; then
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${PORTS[@]}") --cluster-replicas 0 --cluster-yes >/dev/null
fi

for _ in $(seq 1 100); do
  if [ "$(state)" = ok ]; then
    echo "redis-cluster: up on ${PORTS[*]} (files in $dir)"
    exit 0
  fi
  sleep 0.2
done
echo "redis-cluster: no cluster_state:ok on ${PORTS[*]}; logs in $dir" >&2
exit 1
