using System.Globalization;
using System.Text;
using HaCluster.Agent.Tracking;
using HaCluster.Agent.Vrrp;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// Prometheus text exposition with the names users chart from keepalived exporters (keepalived_* → hacluster_*), plus
/// what the exporters lack: effective and base priority, the current master, Master_Down_Interval.
/// </summary>
public static class MetricsText
{
    // keepalived counts an address count that does not fit the length as a packet length error, and an unknown auth
    // type as a type mismatch: the exporter-named counters sum the same way.
    private static readonly (DropReason[] Reasons, string Name)[] ExporterDrops =
    [
        ([DropReason.IpTtl], "hacluster_ip_ttl_errors_total"),
        ([DropReason.PacketLength, DropReason.AddressCount], "hacluster_packet_length_errors_total"),
        ([DropReason.AddressList], "hacluster_address_list_errors_total"),
        ([DropReason.AuthFailure], "hacluster_authentication_failure_total"),
        ([DropReason.AuthTypeMismatch, DropReason.UnknownAuthType], "hacluster_authentication_mismatch_total"),
        ([DropReason.InvalidType], "hacluster_invalid_type_received_total"),
        ([DropReason.AdvertInterval], "hacluster_advertisements_interval_errors_total"),
        ([DropReason.HmacMissing], "hacluster_hmac_missing_total"),
        ([DropReason.HmacMalformed], "hacluster_hmac_malformed_total"),
        ([DropReason.HmacStale], "hacluster_hmac_stale_total"),
        ([DropReason.HmacUnknownKey], "hacluster_hmac_unknown_key_total"),
        ([DropReason.HmacInvalid], "hacluster_hmac_invalid_total"),
        ([DropReason.HmacReplay], "hacluster_hmac_replay_total"),
    ];

    public static string Render(IEnumerable<InstanceRunner> runners, IEnumerable<ScriptTracker> scripts, IReadOnlyDictionary<string, long> receiveErrors)
    {
        var text = new StringBuilder(64 * 1024);
        var all = runners.ToList();
        Gauge(text, "hacluster_vrrp_state", "0 init, 1 backup, 2 master, 3 fault", all, r => StateValue(r.State.State));
        Counter(text, "hacluster_advertisements_received_total", all, r => r.Counters.AdvertsReceived);
        Counter(text, "hacluster_advertisements_sent_total", all, r => r.Counters.AdvertsSent);
        Counter(text, "hacluster_become_master_total", all, r => r.Counters.BecomeMaster);
        Counter(text, "hacluster_release_master_total", all, r => r.Counters.ReleaseMaster);
        Counter(text, "hacluster_priority_zero_received_total", all, r => r.Counters.PriorityZeroReceived);
        Counter(text, "hacluster_priority_zero_sent_total", all, r => r.Counters.PriorityZeroSent);
        Counter(text, "hacluster_advertisement_send_errors_total", all, r => r.Counters.SendErrors);
        Counter(text, "hacluster_hmac_signed_total", all, r => r.Counters.HmacSigned);
        Counter(text, "hacluster_hmac_verified_total", all, r => r.Counters.HmacVerified);
        Counter(text, "hacluster_hmac_unsigned_accepted_total", all, r => r.Counters.HmacUnsignedAccepted);
        foreach (var (reasons, name) in ExporterDrops)
        {
            Counter(text, name, all, r => reasons.Sum(reason => r.Counters.Drops.GetValueOrDefault(reason)));
        }

        text.Append("# TYPE hacluster_dropped_packets_total counter\n");
        foreach (var runner in all)
        {
            foreach (var (reason, count) in runner.Counters.Drops.OrderBy(d => d.Key))
            {
                text.Append(CultureInfo.InvariantCulture, $"hacluster_dropped_packets_total{{{Labels(runner)},reason=\"{reason.MetricName()}\"}} {count}\n");
            }
        }

        Gauge(text, "hacluster_effective_priority", "priority after tracking weights", all, r => r.Settings.Priority);
        Gauge(text, "hacluster_base_priority", "configured priority", all, r => r.BasePriority);
        Gauge(text, "hacluster_master_down_interval_seconds", "3 x Master_Adver_Interval + Skew_Time", all,
            r => VrrpTimers.MasterDownInterval(r.Settings.Version, r.Settings.Priority, r.State.MasterAdverInterval ?? r.Settings.AdvertInterval).TotalSeconds);
        text.Append("# HELP hacluster_master_info the address of the current master as this node sees it\n# TYPE hacluster_master_info gauge\n");
        foreach (var runner in all.Where(r => r.State.MasterAddress is not null))
        {
            text.Append(CultureInfo.InvariantCulture, $"hacluster_master_info{{{Labels(runner)},master=\"{runner.State.MasterAddress}\"}} 1\n");
        }

        text.Append("# HELP hacluster_receive_errors_total VRRP socket receive errors (each logged, the socket opened again)\n# TYPE hacluster_receive_errors_total counter\n");
        foreach (var (name, count) in receiveErrors.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"hacluster_receive_errors_total{{interface=\"{Escape(name)}\"}} {count}\n");
        }

        Scripts(text, scripts.ToList());
        Process(text);
        return text.ToString();
    }

    /// <summary>The agent's own footprint, so a deployment can watch it next to keepalived's.</summary>
    private static void Process(StringBuilder text)
    {
        var gc = GC.GetGCMemoryInfo();
        text.Append(CultureInfo.InvariantCulture, $"# HELP hacluster_agent_gc_heap_bytes managed heap in use after the last collection\n# TYPE hacluster_agent_gc_heap_bytes gauge\nhacluster_agent_gc_heap_bytes {gc.HeapSizeBytes}\n");
        text.Append(CultureInfo.InvariantCulture, $"# HELP hacluster_agent_gc_committed_bytes memory the managed heap holds from the OS\n# TYPE hacluster_agent_gc_committed_bytes gauge\nhacluster_agent_gc_committed_bytes {gc.TotalCommittedBytes}\n");
        text.Append(CultureInfo.InvariantCulture, $"# HELP hacluster_agent_gc_allocated_bytes_total bytes allocated since start\n# TYPE hacluster_agent_gc_allocated_bytes_total counter\nhacluster_agent_gc_allocated_bytes_total {GC.GetTotalAllocatedBytes()}\n");
        text.Append(CultureInfo.InvariantCulture, $"# TYPE hacluster_agent_gc_collections_total counter\nhacluster_agent_gc_collections_total{{generation=\"0\"}} {GC.CollectionCount(0)}\nhacluster_agent_gc_collections_total{{generation=\"2\"}} {GC.CollectionCount(2)}\n");
    }

    public static int StateValue(VrrpState state) => state switch
    {
        VrrpState.Backup => 1,
        VrrpState.Master => 2,
        VrrpState.Fault => 3,
        _ => 0,
    };

    private static void Scripts(StringBuilder text, List<ScriptTracker> scripts)
    {
        text.Append("# HELP hacluster_script_status 1 ok, 0 failing or no result yet\n# TYPE hacluster_script_status gauge\n");
        foreach (var script in scripts)
        {
            text.Append(CultureInfo.InvariantCulture, $"hacluster_script_status{{name=\"{Escape(script.Name)}\"}} {(script.Ok ? 1 : 0)}\n");
        }

        text.Append("# TYPE hacluster_script_timeouts_total counter\n");
        foreach (var script in scripts)
        {
            text.Append(CultureInfo.InvariantCulture, $"hacluster_script_timeouts_total{{name=\"{Escape(script.Name)}\"}} {script.Timeouts}\n");
        }
    }

    private static void Gauge(StringBuilder text, string name, string help, List<InstanceRunner> runners, Func<InstanceRunner, double> value)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n");
        foreach (var runner in runners)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{{Labels(runner)}}} {value(runner)}\n");
        }
    }

    private static void Counter(StringBuilder text, string name, List<InstanceRunner> runners, Func<InstanceRunner, long> value)
    {
        text.Append(CultureInfo.InvariantCulture, $"# TYPE {name} counter\n");
        foreach (var runner in runners)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{{Labels(runner)}}} {value(runner)}\n");
        }
    }

    // An instance's labels never change: built once, not for each of its thirty-odd series at every scrape.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<InstanceRunner, string> LabelCache = [];

    private static string Labels(InstanceRunner runner) =>
        LabelCache.GetValue(runner, r => $"instance=\"{Escape(r.Name)}\",interface=\"{Escape(r.Interface)}\",vrid=\"{r.VirtualRouterId}\"");

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
