using Humanizer;
using MudBlazor;

namespace HaCluster.Dashboard.Services;

/// <summary>How states, health and reasons read and look on every page: one place.</summary>
public static class Labels
{
    public const string Unreachable = "UNREACHABLE";

    public static Color StateColor(string state) => state switch
    {
        "MASTER" => Color.Success,
        "BACKUP" => Color.Info,
        "FAULT" => Color.Error,
        Unreachable => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>A member as its chip shows it: its agent's state, or UNREACHABLE when the agent is not connected.</summary>
    public static string MemberState(Contracts.MemberStatus member) => member.Connected ? member.State : Unreachable;

    public static string Health(Contracts.GroupHealth health) => health switch
    {
        Contracts.GroupHealth.Ok => "ok",
        Contracts.GroupHealth.NoMaster => "no master",
        Contracts.GroupHealth.SplitBrain => "split brain",
        Contracts.GroupHealth.Unreachable => "unreachable",
        Contracts.GroupHealth.Drift => "drift",
        _ => "unknown",
    };

    public static Color HealthColor(Contracts.GroupHealth health) => health switch
    {
        Contracts.GroupHealth.Ok => Color.Success,
        Contracts.GroupHealth.Drift or Contracts.GroupHealth.Unreachable => Color.Warning,
        Contracts.GroupHealth.NoMaster or Contracts.GroupHealth.SplitBrain => Color.Error,
        _ => Color.Default,
    };

    /// <summary>Why a transition happened, in words (the agent reports keepalived-like codes).</summary>
    public static string Reason(string reason) => reason switch
    {
        "startup" => "started",
        "address_owner" => "address owner (priority 255)",
        "master_down_timer" => "master down timer expired",
        "priority_zero_received" => "priority 0 received (the master stopped)",
        "higher_priority_heard" => "higher priority heard",
        "equal_priority_higher_address" => "equal priority from a higher address heard",
        "interface_down" => "interface down",
        "interface_up" => "interface up",
        "interface_unusable" => "interface unusable",
        "vip_bind_failed" => "VIPs could not be bound",
        "fault_retry" => "fault cleared (VIPs bindable again)",
        "tracking_failed" => "tracking failed",
        "tracking_recovered" => "tracking recovered",
        "sync_group" => "followed its sync group",
        "shutdown" => "stopped (priority 0 sent)",
        "preempt" => "preempted a lower-priority master",
        "" => "",
        _ => reason.Replace('_', ' '),
    };

    /// <summary>"3 minutes ago", from the controller's time.</summary>
    public static string Ago(Google.Protobuf.WellKnownTypes.Timestamp? at, DateTimeOffset now) =>
        at is null ? "never" : at.ToDateTimeOffset().Humanize(now, culture: System.Globalization.CultureInfo.InvariantCulture);

    public static string Time(Google.Protobuf.WellKnownTypes.Timestamp? at) =>
        at is null ? "" : at.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) + "Z";
}
