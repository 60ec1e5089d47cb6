using System.Collections.Concurrent;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Agent.Vrrp;

/// <summary>Per-instance counters, written by the engine and receive threads, read by logs and (later) metrics.</summary>
public sealed class InstanceCounters(TimeProvider time)
{
    private long _advertsSent;
    private long _advertsReceived;
    private long _becomeMaster;
    private long _releaseMaster;
    private long _priorityZeroSent;
    private long _priorityZeroReceived;
    private long _sendErrors;
    private long _lastAdvertTicks;
    private long _hmacSigned;
    private long _hmacVerified;
    private long _hmacUnsignedAccepted;

    public ConcurrentDictionary<DropReason, long> Drops { get; } = new();

    public long AdvertsSent => Interlocked.Read(ref _advertsSent);
    public long AdvertsReceived => Interlocked.Read(ref _advertsReceived);
    public long BecomeMaster => Interlocked.Read(ref _becomeMaster);
    public long ReleaseMaster => Interlocked.Read(ref _releaseMaster);
    public long PriorityZeroSent => Interlocked.Read(ref _priorityZeroSent);
    public long PriorityZeroReceived => Interlocked.Read(ref _priorityZeroReceived);
    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// <summary>auth_hmac: adverts signed (once per advert, whatever the number of peers).</summary>
    public long HmacSigned => Interlocked.Read(ref _hmacSigned);

    /// <summary>auth_hmac: adverts whose trailer verified.</summary>
    public long HmacVerified => Interlocked.Read(ref _hmacVerified);

    /// <summary>auth_hmac permissive or receive-only: adverts accepted without a trailer.</summary>
    public long HmacUnsignedAccepted => Interlocked.Read(ref _hmacUnsignedAccepted);

    /// <summary>auth_hmac: adverts refused for their trailer, every reason together.</summary>
    public long HmacRefused => Drops.Where(d => d.Key is DropReason.HmacMissing or DropReason.HmacMalformed or DropReason.HmacStale
        or DropReason.HmacUnknownKey or DropReason.HmacInvalid or DropReason.HmacReplay).Sum(d => d.Value);

    public void HmacSignedOne() => Interlocked.Increment(ref _hmacSigned);

    public void HmacAccepted(bool unsigned)
    {
        if (unsigned)
        {
            Interlocked.Increment(ref _hmacUnsignedAccepted);
        }
        else
        {
            Interlocked.Increment(ref _hmacVerified);
        }
    }

    /// <summary>When the last advert that passed every check arrived (wall clock, for reports); null before the first.</summary>
    public DateTimeOffset? LastAdvertAt => Interlocked.Read(ref _lastAdvertTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    public void AdvertSent(byte priority)
    {
        Interlocked.Increment(ref _advertsSent);
        if (priority == 0)
        {
            Interlocked.Increment(ref _priorityZeroSent);
        }
    }

    public void AdvertReceived(byte priority)
    {
        Interlocked.Increment(ref _advertsReceived);
        Interlocked.Exchange(ref _lastAdvertTicks, time.GetUtcNow().UtcTicks);
        if (priority == 0)
        {
            Interlocked.Increment(ref _priorityZeroReceived);
        }
    }

    /// <summary>Returns the new count for this reason.</summary>
    public long Dropped(DropReason reason) => Drops.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void SendFailed() => Interlocked.Increment(ref _sendErrors);

    public void Transitioned(VrrpState from, VrrpState to)
    {
        if (to == VrrpState.Master)
        {
            Interlocked.Increment(ref _becomeMaster);
        }
        else if (from == VrrpState.Master)
        {
            Interlocked.Increment(ref _releaseMaster);
        }
    }
}
