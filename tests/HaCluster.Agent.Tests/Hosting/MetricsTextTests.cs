using System.Net;
using HaCluster.Agent.Hosting;
using HaCluster.Agent.Vrrp;
using HaCluster.Agent.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaCluster.Agent.Tests.Hosting;

public sealed class MetricsTextTests : IDisposable
{
    private readonly VrrpEngine _engine = new(TimeProvider.System);

    public void Dispose() => _engine.Dispose();

    private InstanceRunner Runner(InstanceCounters counters) =>
        new("VI_1", "eth0", 27, new VrrpSettings(2, 100, TimeSpan.FromSeconds(1), IPAddress.Parse("192.0.2.10")), new NoIo(), counters, NullLogger.Instance, _engine);

    [Fact]
    public void Render_EverySeriesOnce_EvenForReasonsThatShareAnExporterCounter()
    {
        var counters = new InstanceCounters(TimeProvider.System);
        foreach (var reason in Enum.GetValues<DropReason>().Where(r => r != DropReason.None))
        {
            counters.Dropped(reason);
        }

        counters.Dropped(DropReason.AddressCount);
        var text = MetricsText.Render([Runner(counters)], [], new Dictionary<string, long>());

        var samples = text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l[..l.LastIndexOf(' ')]).ToList();
        Assert.Equal(samples.Count, samples.Distinct().Count());
        // keepalived counts a bad address count as a packet length error, an unknown auth type as a type mismatch.
        Assert.Contains("hacluster_packet_length_errors_total{instance=\"VI_1\",interface=\"eth0\",vrid=\"27\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("hacluster_authentication_mismatch_total{instance=\"VI_1\",interface=\"eth0\",vrid=\"27\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("reason=\"address_count\"} 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ExporterNames_AllPresent()
    {
        var text = MetricsText.Render([Runner(new InstanceCounters(TimeProvider.System))], [], new Dictionary<string, long>());

        foreach (var name in new[]
                 {
                     "hacluster_vrrp_state", "hacluster_advertisements_received_total", "hacluster_advertisements_sent_total", "hacluster_become_master_total",
                     "hacluster_release_master_total", "hacluster_priority_zero_received_total", "hacluster_priority_zero_sent_total", "hacluster_ip_ttl_errors_total",
                     "hacluster_packet_length_errors_total", "hacluster_address_list_errors_total", "hacluster_authentication_failure_total",
                     "hacluster_authentication_mismatch_total", "hacluster_invalid_type_received_total", "hacluster_advertisements_interval_errors_total",
                     "hacluster_effective_priority", "hacluster_base_priority", "hacluster_master_down_interval_seconds", "hacluster_script_status",
                 })
        {
            Assert.Contains($"# TYPE {name} ", text, StringComparison.Ordinal);
        }
    }

    private sealed class NoIo : IInstanceIo
    {
        public void SendAdvert(byte priority)
        {
        }

        public string? AddVirtualIps() => null;

        public string? CheckVirtualIps() => null;

        public void RemoveVirtualIps()
        {
        }

        public void SendGratuitousArps(int count)
        {
        }

        public void Dispose()
        {
        }
    }
}
