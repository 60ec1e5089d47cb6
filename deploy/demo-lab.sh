#!/usr/bin/env bash
# The live demo, in one command on a fresh Debian machine (as root): installs what is missing, builds, and starts the
# controller (embedded SQLite, its own CA, its first admin), the dashboard (people sign in; it has no credential of its own),
# three agents in network namespaces,
# each enrolled with a one-time join token, holding one VIP, and a client.
# Prints the dashboard URL and the commands to break things. Ctrl-C stops everything and removes the namespaces.
#   sudo deploy/demo-lab.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root: sudo $0" >&2; exit 2; }
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (dotnet not on PATH): https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2; exit 1; }

need=()
for p in iproute2 iputils-ping socat curl tcpdump; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then
  echo "installing: ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

out=$PWD/artifacts/demo
run=/run/hacluster-demo
web=https://127.0.0.1:5080
grpc=https://127.0.0.1:5081
dashboard=http://127.0.0.1:5090
creds=$out/credentials
socket=$run/controller.sock
hosts=(n1 n2 n3)

pids=()
cleanup() {
  trap - EXIT INT TERM
  echo; echo "stopping the demo and removing its namespaces..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in $(cat "$out"/*.pid 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in demo-n1 demo-n2 demo-n3 demo-client demo-br; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What an earlier demo that was killed may have left.
for ns in demo-n1 demo-n2 demo-n3 demo-client demo-br; do ip netns del "$ns" 2>/dev/null || true; done
for pid in $(cat "$out"/*.pid 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
rm -rf "$out" "$run"
mkdir -p "$out" "$run"

echo "building (dotnet publish: controller, dashboard, agent)..."
for app in Controller Dashboard Agent; do
  dotnet publish "src/$app" -c Release -o "$out/${app,,}" -v quiet -nologo >"$out/build-${app,,}.log" 2>&1 \
    || { cat "$out/build-${app,,}.log" >&2; exit 1; }
done

controller() { Storage__DataDir="$out/data" dotnet "$out/controller/hacluster-controller.dll" "$@"; }
# curl as the demo's admin: the controller's CA verifies the server, the admin certificate is who we are.
api() { curl -fsS --cacert "$creds/ca.crt" --cert "$creds/demo-admin.crt" --key "$creds/demo-admin.key" "$@"; }
wait_for() { # url what
  for _ in $(seq 1 300); do curl -fs --cacert "$creds/ca.crt" "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "$2 did not come up; see $out/*.log" >&2; exit 1
}

# The demo's own credentials, made before the controller starts (its first command also makes its CA, key 0600):
# an admin certificate for curl and a one-time join token per node (valid 15 minutes). People sign in to the dashboard
# as the controller's first admin, whose random password the controller writes (0600) on its first start.
echo "making the demo's credentials (controller CA, admin certificate, join tokens)..."
controller cert create --name demo-admin --role admin --out "$creds" >>"$out/credentials.log" 2>&1 \
  || { cat "$out/credentials.log" >&2; exit 1; }
declare -A token
for h in "${hosts[@]}"; do token[$h]=$(controller token create --node "$h" --ttl 15m 2>>"$out/credentials.log"); done

# TLS everywhere: REST and gRPC on loopback, and the agents' link on a Unix socket the namespaces reach.
Storage__DataDir="$out/data" \
Kestrel__Endpoints__Web__Url=$web \
Kestrel__Endpoints__Grpc__Url=$grpc Kestrel__Endpoints__Grpc__Protocols=Http2 \
Kestrel__Endpoints__Agents__Url="https://unix:$socket" Kestrel__Endpoints__Agents__Protocols=Http2 \
  dotnet "$out/controller/hacluster-controller.dll" >"$out/controller.log" 2>&1 &
pids+=($!)
wait_for "$web/readyz" "the controller"

# The dashboard knows only where the controller is and its CA: every call carries the signed-in person's token.
Controller__Address=$grpc Controller__CaPath="$creds/ca.crt" Auth__KeysDir="$out/dashboard-keys" \
Kestrel__Endpoints__Web__Url=$dashboard \
  dotnet "$out/dashboard/hacluster-dashboard.dll" >"$out/dashboard.log" 2>&1 &
pids+=($!)
wait_for "$dashboard/healthz" "the dashboard"

# One bridge, three hosts and a client, all on 192.0.2.0/24 inside their own namespaces (nothing in this one).
ip netns add demo-br
ip -n demo-br link add br0 type bridge
ip -n demo-br link set br0 up
all=(n1 n2 n3 client)
for i in "${!all[@]}"; do
  h=${all[$i]}; ns=demo-$h
  addr=$([ "$h" = client ] && echo 192.0.2.50 || echo "192.0.2.$((10 + i))")
  ip netns add "$ns"
  ip link add eth0 netns "$ns" type veth peer name "p-$h" netns demo-br
  ip -n demo-br link set "p-$h" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
done

for h in "${hosts[@]}"; do
  # Who answers on the VIP: each host's TCP 8080 says its name.
  ip netns exec "demo-$h" socat "TCP4-LISTEN:8080,fork,reuseaddr" "SYSTEM:echo $h" >/dev/null 2>&1 &
  pids+=($!)
  printf 'global_defs {\n    router_id %s\n}\n' "$h" >"$out/$h.conf"
  # Enrollment: the agent makes its key in its state directory, checks the controller against the CA hash in the
  # token, and stores the certificate it gets for node $h. The key never leaves the host.
  ip netns exec "demo-$h" dotnet "$out/agent/hacluster-agent.dll" enroll --controller "unix:$socket" \
    --token "${token[$h]}" --node "$h" --state-dir "$out/state-$h" >"$out/$h-enroll.log" 2>&1 \
    || { cat "$out/$h-enroll.log" >&2; exit 1; }
  ip netns exec "demo-$h" dotnet "$out/agent/hacluster-agent.dll" --config "$out/$h.conf" \
    --controller "unix:$socket" --node "$h" --state-dir "$out/state-$h" >"$out/$h.log" 2>&1 &
  echo $! >"$out/$h.pid"
done

connected=0
for _ in $(seq 1 150); do
  connected=$(api "$web/api/v1/nodes" 2>/dev/null | grep -o '"connected":true' | wc -l || true)
  [ "$connected" -eq 3 ] && break; sleep 0.2
done
if [ "$connected" -ne 3 ]; then
  echo "only $connected of the 3 agents connected to the controller within 30 s; the agents' last lines:" >&2
  for h in "${hosts[@]}"; do echo "--- $out/$h.log" >&2; tail -n 5 "$out/$h.log" >&2; done
  exit 1
fi

api -X POST "$web/api/v1/groups" -H 'content-type: application/json' -d '{
  "name": "web", "vrid": 27, "interface": "eth0", "version": 2, "advertInterval": 1, "authPass": "demo", "preempt": true,
  "virtualIps": [{"address": "192.0.2.100/32", "device": "eth0", "label": "eth0:0"}],
  "members": [{"node": "n1", "address": "192.0.2.10", "priority": 100},
              {"node": "n2", "address": "192.0.2.11", "priority": 90},
              {"node": "n3", "address": "192.0.2.12", "priority": 80}]}' >/dev/null \
  || { echo "the controller refused group web; see $out/controller.log" >&2; exit 1; }
# The agents elect n1 on their own (the controller only pushed their configs): wait for the VIP to be bound there.
for _ in $(seq 1 100); do ip -n demo-n1 -4 addr show dev eth0 | grep -q '192.0.2.100/' && break; sleep 0.2; done
ip -n demo-n1 -4 addr show dev eth0 | grep -q '192.0.2.100/' \
  || { echo "the VIP 192.0.2.100 is not on n1 after 20 s; see $out/n1.log" >&2; exit 1; }

cat <<TEXT

HaCluster demo running: group "web", VIP 192.0.2.100 on three managed agents (n1 100, n2 90, n3 80).

  dashboard:            $dashboard        (from another machine: ssh -L 5090:127.0.0.1:5090 this-host)
  sign in:              user admin, password: $(cat "$out/data/admin-password" 2>/dev/null || echo "(in $out/data/admin-password)")
                          (add people and API keys on the dashboard's "Users & keys" page; changes are on its Audit page)
  REST API (mTLS):      curl --cacert $creds/ca.crt --cert $creds/demo-admin.crt --key $creds/demo-admin.key \\
                          $web/api/v1/groups/web/status      (OpenAPI: $web/openapi/v1.json)
  credentials:          $creds (the demo's CA certificate and admin certificate; key 0600)
  REST as a person:     the same user and password, e.g.
                          curl --cacert $creds/ca.crt $web/api/v1/session -H 'content-type: application/json' \\
                            -d "{\"user\":\"admin\",\"password\":\"\$(cat $out/data/admin-password)\"}"
                          then: -H "Authorization: Bearer TOKEN"   (API keys: dotnet $out/controller/hacluster-controller.dll apikey create ...)

  who answers the VIP:  ip netns exec demo-client sh -c 'while sleep 0.5; do socat -T1 - TCP:192.0.2.100:8080,connect-timeout=0.3 || echo "(nobody)"; done'
  kill the master:      kill -9 \$(cat $out/n1.pid)      (n2 takes over after Master_Down_Interval, ~3.6 s)
  stop it gracefully:   kill \$(cat $out/n1.pid)         (priority 0: n2 takes over after Skew_Time, ~0.65 s)
  cut n1 off the LAN:   ip -n demo-br link set p-n1 down   (and: ip -n demo-br link set p-n1 up)
  start n1 again:       ip netns exec demo-n1 dotnet $out/agent/hacluster-agent.dll --config $out/n1.conf \\
                          --controller unix:$socket --node n1 --state-dir $out/state-n1 > $out/n1.log 2>&1 & echo \$! > $out/n1.pid
  revoke n2:            Storage__DataDir=$out/data dotnet $out/controller/hacluster-controller.dll node revoke n2
                          (its link is cut at once; a new token and 'hacluster-agent enroll' bring it back)
  logs:                 $out/{controller,dashboard,n1,n2,n3}.log

Ctrl-C stops everything and removes the namespaces.
TEXT

# wait (not a foreground sleep) returns at once on Ctrl-C, so the cleanup runs without delay.
sleep infinity &
pids+=($!)
wait $!
