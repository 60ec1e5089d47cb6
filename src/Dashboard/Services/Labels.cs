using HaCluster.Contracts;
using HaCluster.Shared.Vocabulary;
using Humanizer;
using MudBlazor;

namespace HaCluster.Dashboard.Services;

/// <summary>How states, health and reasons read and look on every page: one place.</summary>
public static class Labels
{
    /// <summary>What HaCluster knows beyond VRRP: the member's agent is not connected, so its state is not known.</summary>
    public const string Unreachable = "UNREACHABLE";

    /// <summary>Connected, but its agent stopped reporting: what it said last is no longer live.</summary>
    public const string Stale = "STALE";

    /// <summary>A member's state as its chip reads: the VRRP state as keepalived prints it, or UNREACHABLE.</summary>
    public static string State(VrrpState state, bool unreachable = false) => unreachable ? Unreachable : state.Name();

    public static Color StateColor(VrrpState state, bool unreachable = false) => unreachable ? Color.Warning : state switch
    {
        VrrpState.Master => Color.Success,
        VrrpState.Backup => Color.Info,
        VrrpState.Fault => Color.Error,
        _ => Color.Default,
    };

    /// <summary>The group's health in the words operators use (the API's names, with spaces).</summary>
    public static string Health(GroupHealth health) => health.Name().Replace('_', ' ');

    public static Color HealthColor(GroupHealth health) => health switch
    {
        GroupHealth.Ok => Color.Success,
        GroupHealth.Drift or GroupHealth.Unreachable => Color.Warning,
        GroupHealth.NoMaster or GroupHealth.SplitBrain => Color.Error,
        _ => Color.Default,
    };

    /// <summary>Why a transition happened, in words.</summary>
    public static string Reason(TransitionReason reason) => reason switch
    {
        TransitionReason.Unspecified => "",
        TransitionReason.Startup => "started",
        TransitionReason.AddressOwner => "address owner (priority 255)",
        TransitionReason.MasterDownTimer => "master down timer expired",
        TransitionReason.PriorityZeroReceived => "priority 0 received (the master stopped)",
        TransitionReason.HigherPriorityHeard => "higher priority heard",
        TransitionReason.EqualPriorityHigherAddress => "equal priority from a higher address heard",
        TransitionReason.InterfaceDown => "interface down",
        TransitionReason.InterfaceUp => "interface up",
        TransitionReason.InterfaceUnusable => "interface unusable",
        TransitionReason.VipBindFailed => "VIPs could not be bound",
        TransitionReason.FaultRetry => "fault cleared (VIPs bindable again)",
        TransitionReason.TrackingFailed => "tracking failed",
        TransitionReason.TrackingRecovered => "tracking recovered",
        TransitionReason.SyncGroup => "followed its sync group",
        TransitionReason.Shutdown => "stopped (priority 0 sent)",
        TransitionReason.Preempt => "preempted a lower-priority master",
        TransitionReason.Switchover => "planned switchover (make-before-break)",
        _ => reason.Name().Replace('_', ' '),
    };

    /// <summary>What an event says happened: a transition's states, a health change, an agent's link, a config result.</summary>
    public static string Change(Event e) => e.Kind switch
    {
        EventKind.Transition => $"{e.FromState.Name()} → {e.ToState.Name()}",
        EventKind.Health => e.FromHealth == GroupHealth.Unspecified ? Health(e.ToHealth) : $"{Health(e.FromHealth)} → {Health(e.ToHealth)}",
        EventKind.Node => e.Connected ? "connected" : "disconnected",
        EventKind.Config => e.Accepted ? "applied" : "rejected",
        EventKind.Operation => "planned work",
        _ => "",
    };

    /// <summary>"3 minutes ago", from the controller's time.</summary>
    public static string Ago(Google.Protobuf.WellKnownTypes.Timestamp? at, DateTimeOffset now) =>
        at is null ? "never" : at.ToDateTimeOffset().Humanize(now, culture: System.Globalization.CultureInfo.InvariantCulture);

    public static string Time(Google.Protobuf.WellKnownTypes.Timestamp? at) =>
        at is null ? "" : at.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) + "Z";
}
