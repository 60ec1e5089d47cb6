using System.Net;
using HaCluster.Agent.Net;
using HaCluster.Agent.Vrrp;
using HaCluster.Shared.Config;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>Composition of the running agent: one runner per vrrp_instance over netlink, raw sockets and ARP.</summary>
public sealed partial class AgentService(KeepalivedConfig config, ILoggerFactory loggers, TimeProvider time) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger("HaCluster.Agent");
    private readonly List<InstanceRunner> _runners = [];
    private readonly List<VrrpInstanceConfig> _waiting = [];
    private readonly Lock _lock = new();
    private RtNetlink? _network;
    private GarpSender? _garp;
    private LinkMonitor? _links;

    public IReadOnlyList<InstanceRunner> Runners => _runners;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _network = new RtNetlink();
        _garp = new GarpSender();
        RemoveStaleVirtualIps(_network);
        foreach (var instance in config.Instances)
        {
            StartInstance(instance, _network, _garp);
        }

        _links = new LinkMonitor(OnLinkChanged);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _links?.Dispose();
        lock (_lock)
        {
            Parallel.ForEach(_runners, runner => runner.Dispose());
            _runners.Clear();
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _links?.Dispose();
        _garp?.Dispose();
        _network?.Dispose();
    }

    private void StartInstance(VrrpInstanceConfig instance, RtNetlink network, GarpSender garp)
    {
        var link = network.GetLink(instance.Interface);
        var source = instance.UnicastSourceIp ?? PrimaryAddress(network, link, instance);
        if (link is null || source is null)
        {
            // FAULT until the interface shows up: the link monitor starts the instance then.
            LogInstanceFault(instance.Name, link is null ? $"interface {instance.Interface} not found" : $"no IPv4 address on {instance.Interface}");
            _waiting.Add(instance);
            return;
        }

        var counters = new InstanceCounters();
        InstanceIo io;
        try
        {
            io = new InstanceIo(instance, source, link, network, garp, counters, loggers.CreateLogger("HaCluster.Agent.Vrrp"));
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException)
        {
            // Retried on the interface's next link event (e.g. once its address is configured).
            LogInstanceFault(instance.Name, $"cannot open its VRRP socket on {instance.Interface} from {source}: {e.Message}");
            _waiting.Add(instance);
            return;
        }

        var settings = SettingsFor(instance, source);
        Warmup.Run(settings, AdvertPolicy.From(instance, source));
        var runner = new InstanceRunner(instance.Name, instance.Interface, settings, io, counters, loggers.CreateLogger("HaCluster.Agent.Vrrp"), time);
        _runners.Add(runner);
        io.StartReceiving(runner.Post);
        runner.Start(link.IsUp);
    }

    public static VrrpSettings SettingsFor(VrrpInstanceConfig instance, IPAddress source) =>
        new(instance.Version, instance.Priority, instance.AdvertInterval, source)
        {
            Preempt = instance.Preempt,
            PreemptDelay = instance.PreemptDelay,
            GarpMasterDelay = instance.GarpMasterDelay,
            GarpMasterRepeat = instance.GarpMasterRepeat,
            GarpMasterRefresh = instance.GarpMasterRefresh,
            GarpMasterRefreshRepeat = instance.GarpMasterRefreshRepeat,
        };

    private void OnLinkChanged(LinkInfo link, bool up)
    {
        lock (_lock)
        {
            foreach (var runner in _runners.Where(r => r.Interface == link.Name))
            {
                runner.Post(new VrrpEvent.InterfaceChanged(up));
            }

            foreach (var instance in _waiting.Where(i => i.Interface == link.Name).ToList())
            {
                _waiting.Remove(instance);
                StartInstance(instance, _network!, _garp!);
            }
        }
    }

    private static IPAddress? PrimaryAddress(RtNetlink network, LinkInfo? link, VrrpInstanceConfig instance) =>
        link is null ? null : network.GetAddresses()
            .Where(a => a.InterfaceIndex == link.Index && !instance.VirtualIps.Any(v => v.Address.Equals(a.Address)))
            .Select(a => a.Address).FirstOrDefault();

    /// <summary>
    /// VIPs of our instances found on an interface at start were left by a crashed (SIGKILLed) run:
    /// keepalived leaves them and two hosts answer for the VIP; we remove them before the election.
    /// </summary>
    private void RemoveStaleVirtualIps(RtNetlink network)
    {
        var present = network.GetAddresses();
        foreach (var instance in config.Instances.Where(i => i.Priority != 255))
        {
            foreach (var vip in instance.VirtualIps)
            {
                // Only where we would have put it: the same address elsewhere is somebody else's (and a bind error later).
                var device = network.GetLink(vip.Device ?? instance.Interface);
                var stale = present.FirstOrDefault(a => a.Address.Equals(vip.Address) && a.InterfaceIndex == device?.Index);
                if (stale is not null && network.DeleteAddress(stale.InterfaceIndex, stale.Address, stale.PrefixLength) == 0)
                {
                    LogStaleRemoved(instance.Name, vip.ToString());
                }
            }
        }
    }

    [LoggerMessage(EventId = 32, Level = LogLevel.Error, Message = "VRRP transition instance={Instance} from=INIT to=FAULT reason=interface_unusable priority=0 error=\"{Error}\"")]
    private partial void LogInstanceFault(string instance, string error);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "VRRP instance={Instance} removed stale virtual address {Vip} left by an earlier run")]
    private partial void LogStaleRemoved(string instance, string vip);
}
