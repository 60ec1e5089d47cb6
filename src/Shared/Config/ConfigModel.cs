using System.Net;
using HaCluster.Shared.Collections;

namespace HaCluster.Shared.Config;

/// <summary>Where a setting came from, for file:line diagnostics.</summary>
public readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

public sealed record ConfigDiagnostic(SourceLocation Location, DiagnosticSeverity Severity, string Message)
{
    public override string ToString() =>
        Severity == DiagnosticSeverity.Error ? $"{Location}: {Message}" : $"{Location}: warning: {Message}";
}

/// <summary>A whole keepalived.conf (with its includes), as far as HaCluster understands it.</summary>
public sealed record KeepalivedConfig(GlobalDefs Global, EquatableArray<VrrpInstanceConfig> Instances)
{
    public EquatableArray<VrrpScriptConfig> Scripts { get; init; } = [];
    public EquatableArray<TrackFileConfig> TrackFiles { get; init; } = [];
    public EquatableArray<SyncGroupConfig> SyncGroups { get; init; } = [];
}

public sealed record GlobalDefs
{
    public string? RouterId { get; init; }
    public bool VrrpStrict { get; init; }
    public bool SkipCheckAdvertAddresses { get; init; }
    public int? DefaultVersion { get; init; }
    public TimeSpan GarpInterval { get; init; }
    public TimeSpan GnaInterval { get; init; }
    public TimeSpan GarpMasterDelay { get; init; } = TimeSpan.FromSeconds(5);
    public int GarpMasterRepeat { get; init; } = 5;
    public TimeSpan GarpMasterRefresh { get; init; }
    public int GarpMasterRefreshRepeat { get; init; } = 1;
    public EquatableArray<string> NotificationEmails { get; init; } = [];
    public string? NotificationEmailFrom { get; init; }
    public string? SmtpServer { get; init; }
    public int SmtpPort { get; init; } = 25;
    public TimeSpan SmtpConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary><c>script_user USER [GROUP]</c>: who runs scripts that name no <c>user</c>; null: keepalived's default.</summary>
    public string? ScriptUser { get; init; }
    /// <summary>null: the primary group of <see cref="ScriptUser"/>.</summary>
    public string? ScriptGroup { get; init; }
    /// <summary>Refuse scripts that a non-root user could modify, as keepalived's <c>enable_script_security</c>.</summary>
    public bool EnableScriptSecurity { get; init; }

    /// <summary>
    /// <c>vrrp_rt_priority N</c> (1-99): the VRRP engine runs SCHED_RR at N. null: not set, which means real-time at
    /// <see cref="RealtimeDefaults.Priority"/> when an instance advertises more often than once a second; 0: never.
    /// </summary>
    public int? RealtimePriority { get; init; }

    /// <summary>
    /// <c>vrrp_rlimit_rttime N</c>: microseconds of CPU the real-time engine may use without sleeping (RLIMIT_RTTIME:
    /// a warning at half of it, the process killed at all of it); by default <see cref="RealtimeDefaults.LimitMicroseconds"/>.
    /// </summary>
    public int RealtimeLimitMicroseconds { get; init; } = RealtimeDefaults.LimitMicroseconds;

    /// <summary><c>vrrp_no_swap</c>: the agent's memory locked (mlockall). null: not set, which means locked when an instance advertises more often than once a second.</summary>
    public bool? NoSwap { get; init; }

    /// <summary><c>vrrp_cpu_affinity C [C...]</c>: the CPUs the VRRP engine may run on; empty: any.</summary>
    public EquatableArray<int> CpuAffinity { get; init; } = [];
}

/// <summary>What HaCluster does about scheduling when keepalived.conf does not say.</summary>
public static class RealtimeDefaults
{
    /// <summary>SCHED_RR priority of the engine for sub-second adverts: above ordinary work and IRQ threads' default 50, below watchdogs (99).</summary>
    public const int Priority = 50;

    /// <summary>
    /// 1 s: keepalived's 10 ms is for its C loop; a .NET thread may collect garbage, and the framework-dependent build
    /// compiles code as it first runs it (over 100 ms at start on a busy host, measured here), before it next sleeps,
    /// and must not be killed for that. A thread spinning for ever still is.
    /// </summary>
    public const int LimitMicroseconds = 1_000_000;

    /// <summary>The highest CPU number <c>vrrp_cpu_affinity</c> takes (a 1024-bit mask, as glibc's cpu_set_t).</summary>
    public const int MaxCpu = 1023;
}

/// <summary>
/// How a group's members hand the master role over. <see cref="Primary"/>: the member chosen as master (a planned
/// switchover's target): that member takes over at once when it becomes the chosen one, and a master stepping down to
/// it keeps the VIPs for <see cref="Linger"/> (make-before-break). <see cref="Maintenance"/>: this node is drained.
/// </summary>
public sealed record HandoffConfig
{
    /// <summary>How long a master keeps answering after the chosen one took over, unless the config says.</summary>
    public static readonly TimeSpan DefaultLinger = TimeSpan.FromMilliseconds(300);

    // After DefaultLinger: static fields are set in the order they are written.
    public static readonly HandoffConfig None = new();

    public IPAddress? Primary { get; init; }
    public TimeSpan Linger { get; init; } = DefaultLinger;
    public MaintenanceMode Maintenance { get; init; }
}

/// <summary>A node in maintenance advertises priority 1 (master only as a last resort), or with strict never takes over.</summary>
public enum MaintenanceMode
{
    None,
    LastResort,
    Strict,
}

public enum InitialState
{
    Backup,
    Master,
}

public enum AuthType
{
    None = 0,
    Pass = 1,
}

/// <summary>
/// How the VRRPv3 checksum is computed and which one is accepted besides the standard one.
/// <see cref="Standard"/> follows RFC 5798 §5.2.8 (pseudo-header with the real destination).
/// keepalived before 1.3.6 put 224.0.0.18 in the pseudo-header even for unicast (its <c>old_unicast_checksum</c>);
/// some vendors omit the pseudo-header altogether, as in v2.
/// </summary>
public enum ChecksumMode
{
    Standard,
    MulticastPseudoHeader,
    NoPseudoHeader,
}

public sealed record UnicastPeer(IPAddress Address, int? MinTtl = null, int? MaxTtl = null)
{
    public SourceLocation Location { get; init; }
}

public sealed record VirtualIp(IPAddress Address, int PrefixLength = 32)
{
    public string? Device { get; init; }
    public string? Label { get; init; }
    /// <summary>rtnetlink scope: 0 global (default), 253 link, 254 host.</summary>
    public byte Scope { get; init; }
    public IPAddress? Broadcast { get; init; }
    public SourceLocation Location { get; init; }

    public override string ToString() => $"{Address}/{PrefixLength}";
}

public sealed record VrrpInstanceConfig(string Name, string Interface, byte VirtualRouterId)
{
    public SourceLocation Location { get; init; }
    public InitialState InitialState { get; init; } = InitialState.Backup;
    public byte Priority { get; init; } = 100;
    public TimeSpan AdvertInterval { get; init; } = TimeSpan.FromSeconds(1);
    public int Version { get; init; } = 2;
    public bool Preempt { get; init; } = true;
    public TimeSpan PreemptDelay { get; init; }
    public AuthType AuthType { get; init; }
    /// <summary>At most 8 bytes; keepalived truncates longer passwords.</summary>
    public string? AuthPass { get; init; }
    /// <summary>keepalived 2.4's HMAC-signed adverts (<c>auth_hmac</c>); exclusive with <see cref="AuthType"/> PASS.</summary>
    public HmacAuthConfig? Hmac { get; init; }
    public IPAddress? UnicastSourceIp { get; init; }
    public EquatableArray<UnicastPeer> UnicastPeers { get; init; } = [];
    public byte UnicastTtl { get; init; } = 255;
    public EquatableArray<VirtualIp> VirtualIps { get; init; } = [];
    public TimeSpan GarpMasterDelay { get; init; } = TimeSpan.FromSeconds(5);
    public int GarpMasterRepeat { get; init; } = 5;
    public TimeSpan GarpMasterRefresh { get; init; }
    public int GarpMasterRefreshRepeat { get; init; } = 1;
    public TimeSpan GarpInterval { get; init; }
    /// <summary>Delay between unsolicited neighbour advertisements (IPv6); defaults to global_defs vrrp_gna_interval.</summary>
    public TimeSpan GnaInterval { get; init; }
    public ChecksumMode ChecksumMode { get; init; } = ChecksumMode.Standard;
    public bool SkipCheckAdvertAddresses { get; init; }

    /// <summary>
    /// HaCluster's planned work, written by the controller (<c>hacluster_primary</c>, <c>hacluster_linger</c>,
    /// <c>hacluster_maintenance</c>); keepalived has no such keywords.
    /// </summary>
    public HandoffConfig Handoff { get; init; } = HandoffConfig.None;

    public EquatableArray<TrackReference> Tracks { get; init; } = [];
    public NotifyConfig Notify { get; init; } = NotifyConfig.None;

    public bool IsUnicast => !UnicastPeers.IsEmpty;
}
