using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Api;

/// <summary>Domain ↔ proto for the gRPC admin API; nothing else converts. The vocabulary's enums are the same on both sides.</summary>
internal static class AdminMapping
{
    public static Group ToProto(VipGroup g)
    {
        var proto = new Group
        {
            Name = g.Name ?? "",
            Vrid = g.Vrid,
            Interface = g.Interface ?? "",
            Version = g.Version,
            AdvertInterval = g.AdvertInterval,
            AuthPassSet = !string.IsNullOrEmpty(g.AuthPass),
            Preempt = g.Preempt,
            PreemptDelay = g.PreemptDelay,
            Auth = g.Auth ?? "",
            Primary = g.Primary ?? "",
            DrillSchedule = g.DrillSchedule ?? "",
        };
        // Optional fields at their default stay unset, as a group that never named them was sent.
        if (g.Linger != VipGroup.DefaultLingerSeconds)
        {
            proto.Linger = g.Linger;
        }

        if (g.DrillLimitMs != VipGroup.DefaultDrillLimitMs)
        {
            proto.DrillLimitMs = g.DrillLimitMs;
        }

        if (Domain.HmacStatus.Of(g.Keyring) is { } hmac)
        {
            proto.Hmac = new Contracts.HmacStatus
            {
                ActiveKey = hmac.ActiveKey,
                KeyCreatedAt = Timestamp.FromDateTimeOffset(hmac.KeyCreatedAt),
                Mode = hmac.Mode,
                Rolling = hmac.Rolling,
                Step = hmac.Step,
            };
        }

        proto.VirtualIps.AddRange(g.VirtualIps.Select(v => new GroupVip { Address = v.Address ?? "", Device = v.Device ?? "", Label = v.Label ?? "" }));
        proto.Members.AddRange(g.Members.Select(m => new GroupMember { Node = m.Node ?? "", Address = m.Address ?? "", Priority = m.Priority }));
        return proto;
    }

    /// <summary>Unset optional fields take the same defaults as a JSON body that leaves them out.</summary>
    public static VipGroup FromProto(Group g) => new(
        g.Name, g.Vrid, g.Interface,
        g.HasVersion ? g.Version : 2,
        g.HasAdvertInterval ? g.AdvertInterval : 1,
        g.ClearAuthPass ? "" : g.AuthPass.Length > 0 ? g.AuthPass : null,
        !g.HasPreempt || g.Preempt,
        g.PreemptDelay,
        [.. g.VirtualIps.Select(v => new Vip(v.Address, Empty(v.Device), Empty(v.Label)))],
        [.. g.Members.Select(m => new Member(m.Node, m.Address, m.Priority))],
        Empty(g.Auth),
        Primary: Empty(g.Primary),
        Linger: g.HasLinger ? g.Linger : VipGroup.DefaultLingerSeconds,
        DrillSchedule: Empty(g.DrillSchedule),
        DrillLimitMs: g.HasDrillLimitMs ? g.DrillLimitMs : VipGroup.DefaultDrillLimitMs);

    public static GroupStatus ToProto(GroupStatusView s)
    {
        var proto = new GroupStatus
        {
            Group = ToProto(s.Group),
            Revision = s.Revision,
            Health = s.Health,
            HealthSince = Time(s.HealthSince),
            MasterNode = s.MasterNode ?? "",
            LastFailoverAt = Time(s.LastFailoverAt),
        };
        proto.Problems.AddRange(s.Problems);
        proto.Members.AddRange(s.Members.Select(m => new MemberStatus
        {
            Node = m.Node,
            Address = m.Address,
            Priority = m.Priority,
            Connected = m.Connected,
            State = m.State,
            EffectivePriority = m.EffectivePriority ?? 0,
            AppliedRevision = m.AppliedRevision ?? 0,
            Drift = m.Drift,
            LastTransitionAt = Time(m.LastTransitionAt),
            LastReason = m.LastReason ?? default,
            LastAdvertAt = Time(m.LastAdvertAt),
            HmacVerified = (ulong)(m.Hmac?.Verified ?? 0),
            HmacRefused = (ulong)(m.Hmac?.Refused ?? 0),
            Maintenance = ToProto(m.Maintenance),
            LastHeardAt = Time(m.LastHeardAt),
            Stale = m.Stale,
        }));
        return proto;
    }

    public static Node ToProto(NodeView n)
    {
        var proto = new Node
        {
            Name = n.Name,
            AgentVersion = n.AgentVersion,
            BootId = n.BootId,
            Connected = n.Connected,
            ConnectedAt = Time(n.ConnectedAt),
            LastSeenAt = Time(n.LastSeenAt),
            AppliedHash = n.AppliedHash ?? "",
            DesiredHash = n.DesiredHash ?? "",
            Maintenance = ToProto(n.Maintenance),
            Stale = n.Stale,
        };
        proto.Addresses.AddRange(n.Addresses);
        proto.Interfaces.AddRange(n.Interfaces);
        return proto;
    }

    public static Event ToProto(FleetEvent e)
    {
        var proto = new Event
        {
            Id = e.Id,
            Kind = e.Kind,
            At = Time(e.At),
            ReceivedAt = Time(e.ReceivedAt),
            Node = e.Node ?? "",
            Group = e.Group ?? "",
            Instance = e.Instance ?? "",
            FromState = e.FromState ?? default,
            ToState = e.ToState ?? default,
            Reason = e.Reason ?? default,
            Priority = e.Priority ?? 0,
            FromHealth = e.FromHealth ?? default,
            ToHealth = e.ToHealth ?? default,
            Detail = e.Detail ?? "",
        };
        if (e.Connected is { } connected)
        {
            proto.Connected = connected;
        }

        if (e.Accepted is { } accepted)
        {
            proto.Accepted = accepted;
        }

        if (e.TakeoverMs is { } ms)
        {
            proto.TakeoverMs = ms;
        }

        return proto;
    }

    public static Maintenance? ToProto(NodeMaintenance? m) => m is null ? null : new Maintenance
    {
        Since = Timestamp.FromDateTimeOffset(m.Since),
        Until = Time(m.Until),
        Reason = m.Reason ?? "",
        Strict = m.Strict,
        By = m.By,
    };

    public static SwitchoverReply ToProto(Fleet.SwitchoverResult r)
    {
        var proto = new SwitchoverReply
        {
            Group = r.Group,
            From = r.From ?? "",
            To = r.To,
            Revision = r.Revision,
            Completed = r.Completed,
            RequestedAt = Timestamp.FromDateTimeOffset(r.RequestedAt),
            TakeoverAt = Time(r.TakeoverAt),
            StepDownAt = Time(r.StepDownAt),
            LingerMs = r.LingerMs,
            Detail = r.Detail,
        };
        if (r.TookMs is { } took)
        {
            proto.TookMs = took;
        }

        if (r.HandoffMs is { } handoff)
        {
            proto.HandoffMs = handoff;
        }

        return proto;
    }

    public static Drill ToProto(DrillRecord d)
    {
        var proto = new Drill
        {
            Id = d.Id,
            Group = d.Group,
            StartedAt = Timestamp.FromDateTimeOffset(d.StartedAt),
            FinishedAt = Timestamp.FromDateTimeOffset(d.FinishedAt),
            By = d.By,
            Ok = d.Ok,
            Detail = d.Detail,
        };
        foreach (var step in d.Steps)
        {
            var s = new Contracts.DrillStep { From = step.From ?? "", To = step.To, Completed = step.Completed, Detail = step.Detail };
            if (step.TookMs is { } took)
            {
                s.TookMs = took;
            }

            if (step.HandoffMs is { } handoff)
            {
                s.HandoffMs = handoff;
            }

            proto.Steps.Add(s);
        }

        return proto;
    }

    public static PlannedMove ToProto(Fleet.PlannedMove m) => new() { Group = m.Group, From = m.From, To = m.To ?? "", Why = m.Why ?? "" };

    public static RevisionSummary ToProto(Data.GroupRevision r) =>
        new() { Revision = r.Revision, At = Timestamp.FromDateTimeOffset(r.At), Action = r.Action, Who = r.Who, Role = r.Role, Comment = r.Comment ?? "" };

    public static Contracts.RevisionDiff ToProto(Domain.RevisionDiff d)
    {
        var proto = new Contracts.RevisionDiff { From = d.From, To = d.To, GroupChanged = d.GroupChanged };
        proto.Members.AddRange(d.Members.Select(m => new Contracts.MemberDiff { Node = m.Node, Lines = { m.Lines } }));
        return proto;
    }

    public static RenderedConfig ToProto(MemberConfig c) =>
        new() { Group = c.Group, Node = c.Node, Revision = c.Revision, Text = Secrets.RedactConfig(c.Text), Hash = c.Hash };

    public static DateTimeOffset? FromProto(Timestamp? t) =>
        t is { Seconds: >= -62135596800 and <= 253402300799, Nanos: >= 0 and < 1_000_000_000 } ? t.ToDateTimeOffset() : null;

    /// <summary>INVALID_ARGUMENT with a google.rpc.BadRequest naming each field by its JSON path, as REST's problem details do.</summary>
    public static RpcException Invalid(IEnumerable<GroupError> errors)
    {
        var request = new BadRequest();
        request.FieldViolations.AddRange(errors.Select(e => new BadRequest.Types.FieldViolation { Field = e.Path, Description = e.Message }));
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = string.Join("; ", errors.Select(e => e.ToString())),
            Details = { Any.Pack(request) },
        };
        return status.ToRpcException();
    }

    private static Timestamp? Time(DateTimeOffset? at) => at is { } t ? Timestamp.FromDateTimeOffset(t) : null;

    private static string? Empty(string text) => text.Length == 0 ? null : text;
}
