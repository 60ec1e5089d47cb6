using System.Reflection;
using Google.Protobuf.WellKnownTypes;
using HaCluster.Agent.Net;
using HaCluster.Agent.Vrrp;
using HaCluster.Contracts;
using VrrpStateProto = HaCluster.Contracts.VrrpState;

namespace HaCluster.Agent.Control;

/// <summary>The agent's side of the link's messages: domain → proto, only here.</summary>
internal static class LinkMessages
{
    public static string AgentVersion { get; } =
        typeof(LinkMessages).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static Hello Hello(string node, string bootId, INetworkControl network, IReadOnlyCollection<System.Net.IPAddress> vips, DesiredConfig? running)
    {
        var links = network.GetLinks();
        var hello = new Hello { Node = node, BootId = bootId, AgentVersion = AgentVersion, Running = Revision(running) };
        hello.Interfaces.AddRange(links.Select(l => l.Name).Where(n => n.Length > 0).Order(StringComparer.Ordinal));
        hello.Addresses.AddRange(network.GetAddresses()
            .Where(a => !vips.Contains(a.Address) && !System.Net.IPAddress.IsLoopback(a.Address))
            .Select(a => $"{a.Address}/{a.PrefixLength}"));
        return hello;
    }

    public static ConfigRevision Revision(DesiredConfig? config)
    {
        var revision = new ConfigRevision { Hash = config?.Hash ?? "" };
        if (config is not null)
        {
            revision.Groups.AddRange(config.Groups);
        }

        return revision;
    }

    public static InstanceSnapshot Snapshot(IEnumerable<InstanceRunner> runners)
    {
        var snapshot = new InstanceSnapshot { At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        snapshot.Instances.AddRange(runners.Select(State));
        return snapshot;
    }

    public static InstanceState State(InstanceRunner runner)
    {
        var state = new InstanceState
        {
            Instance = runner.Name,
            Interface = runner.Interface,
            Vrid = runner.VirtualRouterId,
            State = ToProto(runner.State.State),
            Priority = runner.Settings.Priority,
            BasePriority = runner.BasePriority,
            MasterAddress = runner.State.State == Vrrp.VrrpState.Master
                ? runner.Settings.PrimaryAddress.ToString()
                : runner.State.MasterAddress?.ToString() ?? "",
        };
        if (runner.LastTransition is { } last)
        {
            state.LastTransitionAt = Timestamp.FromDateTimeOffset(last.At);
            state.LastReason = last.Reason.ToLogName();
        }

        if (runner.Counters.LastAdvertAt is { } advert)
        {
            state.LastAdvertAt = Timestamp.FromDateTimeOffset(advert);
        }

        return state;
    }

    public static StateEvent Event(InstanceRunner runner, TransitionRecord transition)
    {
        var @event = new StateEvent
        {
            Instance = runner.Name,
            From = ToProto(transition.From),
            To = ToProto(transition.To),
            Reason = transition.Reason.ToLogName(),
            Priority = transition.Priority,
            At = Timestamp.FromDateTimeOffset(transition.At),
        };
        if (transition.MasterLastHeardAt is { } heard)
        {
            @event.MasterLastHeardAt = Timestamp.FromDateTimeOffset(heard);
        }

        return @event;
    }

    public static CountersReport Counters(IEnumerable<InstanceRunner> runners)
    {
        var report = new CountersReport { At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        foreach (var runner in runners)
        {
            var c = runner.Counters;
            var counters = new Contracts.InstanceCounters
            {
                Instance = runner.Name,
                AdvertsReceived = (ulong)c.AdvertsReceived,
                AdvertsSent = (ulong)c.AdvertsSent,
                BecomeMaster = (ulong)c.BecomeMaster,
                ReleaseMaster = (ulong)c.ReleaseMaster,
                PriorityZeroReceived = (ulong)c.PriorityZeroReceived,
                PriorityZeroSent = (ulong)c.PriorityZeroSent,
                Dropped = (ulong)c.Drops.Values.Sum(),
            };
            if (c.LastAdvertAt is { } advert)
            {
                counters.LastAdvertAt = Timestamp.FromDateTimeOffset(advert);
            }

            report.Instances.Add(counters);
        }

        return report;
    }

    public static VrrpStateProto ToProto(Vrrp.VrrpState state) => state switch
    {
        Vrrp.VrrpState.Initialize => VrrpStateProto.Init,
        Vrrp.VrrpState.Backup => VrrpStateProto.Backup,
        Vrrp.VrrpState.Master => VrrpStateProto.Master,
        Vrrp.VrrpState.Fault => VrrpStateProto.Fault,
        _ => VrrpStateProto.Stopped,
    };
}
