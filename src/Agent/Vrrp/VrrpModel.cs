using System.Collections.Immutable;
using System.Net;
using HaCluster.Shared.Config;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Agent.Vrrp;

/// <summary>Why the instance is in FAULT; it leaves FAULT when none is left.</summary>
[Flags]
public enum FaultCauses
{
    None = 0,
    InterfaceDown = 1,
    VipBindFailed = 2,
    /// <summary>A tracked script, interface or file with weight 0 is failing.</summary>
    Tracking = 4,
    /// <summary>Another member of the instance's sync group is in FAULT.</summary>
    SyncGroup = 8,
}

/// <summary>What the machine needs to know of its instance's configuration, at its current effective priority.</summary>
public sealed record VrrpSettings(int Version, byte Priority, TimeSpan AdvertInterval, IPAddress PrimaryAddress)
{
    public bool Preempt { get; init; } = true;
    public TimeSpan PreemptDelay { get; init; }
    public TimeSpan GarpMasterDelay { get; init; } = TimeSpan.FromSeconds(5);
    public int GarpMasterRepeat { get; init; } = 5;
    public TimeSpan GarpMasterRefresh { get; init; }
    public int GarpMasterRefreshRepeat { get; init; } = 1;

    /// <summary>The member chosen as master (a planned switchover's target), or null.</summary>
    public IPAddress? Preferred { get; init; }

    /// <summary>How long a master stepping down to <see cref="Preferred"/> keeps the VIPs (make-before-break).</summary>
    public TimeSpan Linger { get; init; }

    /// <summary>This node is drained: its priority is 1 (through tracking), and with strict it never takes over.</summary>
    public MaintenanceMode Maintenance { get; init; }

    public bool IsAddressOwner => Priority == 255;

    public VrrpSettings WithHandoff(HandoffConfig handoff) => this with
    {
        Preferred = handoff.Primary,
        Linger = handoff.Primary is null ? TimeSpan.Zero : handoff.Linger,
        Maintenance = handoff.Maintenance,
    };

    /// <summary>This instance is the group's chosen master.</summary>
    public bool IsPreferred => Preferred is not null && Preferred.Equals(PrimaryAddress);
}

/// <summary>The machine's whole state: the RFC state plus its deadlines (monotonic time).</summary>
public sealed record VrrpInstanceState
{
    public static readonly VrrpInstanceState Initial = new();

    public VrrpState State { get; init; } = VrrpState.Init;
    public FaultCauses Faults { get; init; }
    /// <summary>v3: learned from the master's adverts (RFC 5798 §6.4.2); v2: always ours.</summary>
    public TimeSpan? MasterAdverInterval { get; init; }
    public IPAddress? MasterAddress { get; init; }
    public TimeSpan? MasterDownAt { get; init; }
    /// <summary>Why the master-down timer runs: it expired, or a priority-0 advert shortened it.</summary>
    public TransitionReason TakeoverReason { get; init; } = TransitionReason.MasterDownTimer;
    public TimeSpan? AdvertAt { get; init; }
    public TimeSpan? GarpDelayedAt { get; init; }
    public TimeSpan? GarpRefreshAt { get; init; }
    public TimeSpan? PreemptAt { get; init; }
    public TimeSpan? FaultRetryAt { get; init; }
    public TimeSpan? LastReassertAt { get; init; }
    /// <summary>In BACKUP after stepping down to the chosen master: the VIPs are still held until then (the linger).</summary>
    public TimeSpan? ReleaseAt { get; init; }
    /// <summary>In INIT: the instance was started (it enters the election as soon as nothing holds it).</summary>
    public bool Starting { get; init; }
    /// <summary>In INIT: a weight-0 tracked script has no result yet, so the instance may not enter the election.</summary>
    public bool TrackingPending { get; init; }

    /// <summary>The earliest of the deadlines; read by the engine for every instance on every pass, so it allocates nothing.</summary>
    public TimeSpan? NextDeadline => Earlier(Earlier(Earlier(MasterDownAt, AdvertAt), Earlier(GarpDelayedAt, GarpRefreshAt)), Earlier(FaultRetryAt, ReleaseAt));

    private static TimeSpan? Earlier(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}

public abstract record VrrpEvent
{
    public sealed record Startup(bool InterfaceUp) : VrrpEvent;
    /// <summary>An advert that passed every check of the receive path (peer, VRID, auth, TTL...).</summary>
    public sealed record AdvertReceived(IPAddress Source, byte Priority, TimeSpan AdvertInterval) : VrrpEvent;
    public sealed record Tick : VrrpEvent;
    public sealed record InterfaceChanged(bool Up) : VrrpEvent;
    public sealed record VipBindFailed(string Error) : VrrpEvent;
    /// <summary>A probe in FAULT found the VIPs could now be bound (nothing else holds them, the device exists).</summary>
    public sealed record VipsBindable : VrrpEvent;
    public sealed record Shutdown : VrrpEvent;
    /// <summary>
    /// Tracking moved the effective priority or the fault state. The runner puts <paramref name="Priority"/> into the
    /// settings it passes along; the machine reads priorities only from the settings. <paramref name="Pending"/>: a
    /// weight-0 script has no result yet (only before the election: a script once known stays known).
    /// </summary>
    public sealed record TrackingChanged(byte Priority, bool Faulted, bool Pending = false) : VrrpEvent;
    /// <summary>Another member of the sync group changed state; this instance follows (keepalived's vrrp_sync_group).</summary>
    public sealed record SyncGroupChanged(VrrpState Target) : VrrpEvent;
    /// <summary>
    /// A reload changed the chosen master, the linger or maintenance. The runner puts them into the settings it
    /// passes along; a BACKUP that has just become the chosen master takes over at once (a planned switchover).
    /// </summary>
    public sealed record HandoffChanged(HandoffConfig Handoff) : VrrpEvent;

    public static readonly Tick TimerTick = new();
}

public abstract record VrrpAction
{
    public sealed record SendAdvert(byte Priority) : VrrpAction;
    public sealed record AddVirtualIps : VrrpAction;
    public sealed record RemoveVirtualIps : VrrpAction;
    public sealed record SendGratuitousArps(int Count) : VrrpAction;
    /// <summary>Check, without binding, whether the VIPs could be bound now; answered with <see cref="VrrpEvent.VipsBindable"/>.</summary>
    public sealed record ProbeVirtualIps : VrrpAction;
    public sealed record StateChanged(VrrpState From, VrrpState To, TransitionReason Reason, byte Priority) : VrrpAction;

    public static readonly AddVirtualIps AddVips = new();
    public static readonly RemoveVirtualIps RemoveVips = new();
    public static readonly ProbeVirtualIps ProbeVips = new();
}

public sealed record VrrpDecision(VrrpInstanceState State, ImmutableArray<VrrpAction> Actions);
