using System.Reflection;
using Google.Protobuf.WellKnownTypes;
using HaCluster.Agent.Runtime;
using HaCluster.Agent.Vrrp;
using HaCluster.Contracts;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Agent.Control;

/// <summary>The agent's side of the link's messages: domain → proto, only here.</summary>
internal static class LinkMessages
{
    public static string AgentVersion { get; } =
        typeof(LinkMessages).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static Hello Hello(string node, string bootId, HostFacts facts, DesiredConfig? running)
    {
        var hello = new Hello { Node = node, BootId = bootId, AgentVersion = AgentVersion, Running = Revision(running) };
        hello.Interfaces.AddRange(facts.Interfaces);
        hello.Addresses.AddRange(facts.Addresses);
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

    public static InstanceSnapshot Snapshot(IEnumerable<InstanceRunner> runners, DateTimeOffset now)
    {
        var snapshot = new InstanceSnapshot { At = Timestamp.FromDateTimeOffset(now) };
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
            State = runner.State.State,
            Priority = runner.Settings.Priority,
            BasePriority = runner.BasePriority,
            MasterAddress = runner.State.State == VrrpState.Master
                ? runner.Settings.PrimaryAddress.ToString()
                : runner.State.MasterAddress?.ToString() ?? "",
        };
        if (runner.LastTransition is { } last)
        {
            state.LastTransitionAt = Timestamp.FromDateTimeOffset(last.At);
            state.LastReason = last.Reason;
        }

        if (runner.Counters.LastAdvertAt is { } advert)
        {
            state.LastAdvertAt = Timestamp.FromDateTimeOffset(advert);
        }

        state.Breakdown = Breakdown(runner);
        return state;
    }

    /// <summary>The instance's priority breakdown now (its base priority alone when nothing tracks for it).</summary>
    public static Contracts.PriorityBreakdown Breakdown(InstanceRunner runner)
    {
        var now = runner.Explain?.Invoke() ?? Vrrp.PriorityBreakdown.Untracked(runner.Settings.Priority);
        var proto = new Contracts.PriorityBreakdown
        {
            BasePriority = now.BasePriority,
            EffectivePriority = now.EffectivePriority,
            Maintenance = now.Maintenance,
            Fault = now.Fault,
        };
        proto.Tracks.AddRange(now.Tracks.Select(t => new Contracts.TrackPart
        {
            Kind = t.Kind,
            Name = t.Name,
            Weight = t.Weight,
            Reverse = t.Reverse,
            State = t.State,
            Value = t.Value,
            Delta = t.Delta,
            Faults = t.Faults,
        }));
        return proto;
    }

    public static StateEvent Event(InstanceRunner runner, TransitionRecord transition)
    {
        var @event = new StateEvent
        {
            Instance = runner.Name,
            From = transition.From,
            To = transition.To,
            Reason = transition.Reason,
            Priority = transition.Priority,
            At = Timestamp.FromDateTimeOffset(transition.At),
            Breakdown = Breakdown(runner),
        };
        if (transition.MasterLastHeardAt is { } heard)
        {
            @event.MasterLastHeardAt = Timestamp.FromDateTimeOffset(heard);
        }

        return @event;
    }

    public static CountersReport Counters(IEnumerable<InstanceRunner> runners, DateTimeOffset now)
    {
        var report = new CountersReport { At = Timestamp.FromDateTimeOffset(now) };
        foreach (var runner in runners)
        {
            var c = runner.Counters;
            var counters = new InstanceCounts
            {
                Instance = runner.Name,
                AdvertsReceived = (ulong)c.AdvertsReceived,
                AdvertsSent = (ulong)c.AdvertsSent,
                BecomeMaster = (ulong)c.BecomeMaster,
                ReleaseMaster = (ulong)c.ReleaseMaster,
                PriorityZeroReceived = (ulong)c.PriorityZeroReceived,
                PriorityZeroSent = (ulong)c.PriorityZeroSent,
                Dropped = (ulong)c.Drops.Values.Sum(),
                HmacSigned = (ulong)c.HmacSigned,
                HmacVerified = (ulong)c.HmacVerified,
                HmacRefused = (ulong)c.HmacRefused,
            };
            if (c.LastAdvertAt is { } advert)
            {
                counters.LastAdvertAt = Timestamp.FromDateTimeOffset(advert);
            }

            report.Instances.Add(counters);
        }

        return report;
    }
}
