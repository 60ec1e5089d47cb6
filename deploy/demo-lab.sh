#!/usr/bin/env bash
# A live demo: three hacluster-agents in network namespaces (n1 priority 100, n2 90, n3 80) holding one VIP,
# plus a client namespace. Prints the commands to break things and watch the VIP move. Ctrl-C removes everything.
# Run as root from the repository: sudo deploy/demo-lab.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root: sudo $0" >&2; exit 2; }
for tool in ip dotnet; do command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }; done
command -v tcpdump >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tcpdump iputils-ping >/dev/null; }

out=$PWD/artifacts/demo
mkdir -p "$out"
dotnet build src/Agent -c Release -o "$out/agent" -v quiet -nologo >/dev/null
agent="$out/agent/hacluster-agent.dll"

pids=()
cleanup() {
  echo; echo "stopping agents and removing namespaces..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in demo-n1 demo-n2 demo-n3 demo-client demo-br; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add demo-br
ip -n demo-br link add br0 type bridge
ip -n demo-br link set br0 up
hosts=(n1 n2 n3 client)
for i in "${!hosts[@]}"; do
  h=${hosts[$i]}; ns=demo-$h
  addr=$([ "$h" = client ] && echo 192.0.2.50 || echo "192.0.2.$((10 + i))")
  ip netns add "$ns"
  ip link add eth0 netns "$ns" type veth peer name "p-$h" netns demo-br
  ip -n demo-br link set "p-$h" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
done

all=(192.0.2.10 192.0.2.11 192.0.2.12)
for i in 0 1 2; do
  h=n$((i + 1)); self=${all[$i]}
  peers=$(printf '        %s\n' "${all[@]}" | grep -v "$self$")
  cat > "$out/$h.conf" <<CONF
global_defs {
    router_id $h
}
vrrp_instance VI_DEMO {
    state BACKUP
    interface eth0
    virtual_router_id 27
    priority $((100 - 10 * i))
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass demo
    }
    unicast_src_ip $self
    unicast_peer {
$peers
    }
    virtual_ipaddress {
        192.0.2.100/32 dev eth0 label eth0:0
    }
}
CONF
  ip netns exec "demo-$h" dotnet "$agent" --config "$out/$h.conf" > "$out/$h.log" 2>&1 &
  pids+=($!)
  sleep 1.5 # n1 first: the highest priority settles as master without a start-up race
done

cat <<TEXT

HaCluster demo running: VIP 192.0.2.100 on three agents (n1 100, n2 90, n3 80). Logs: $out/n{1,2,3}.log

  watch the VIP:        ip netns exec demo-client ping 192.0.2.100
  who holds it:         for h in n1 n2 n3; do echo \$h; ip -n demo-\$h -4 -o addr show label eth0:0; done
  transitions:          tail -f $out/n*.log | grep transition
  graceful stop of n1:  kill ${pids[0]}            (priority 0: n2 takes over after Skew_Time)
  cut n1's cable:       ip -n demo-br link set p-n1 down      (and 'up' to bring it back; n1 preempts)
  watch the wire:       ip netns exec demo-n2 tcpdump -nn -i eth0 'ip proto 112 or arp'

Ctrl-C stops everything and removes the namespaces.
TEXT
sleep 5
grep -h transition "$out"/n*.log || true
wait
