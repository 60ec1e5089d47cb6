using HaCluster.Shared.Collections;
using HaCluster.Shared.Config;

namespace HaCluster.Agent.Vrrp;

/// <summary>
/// What the VRRP threads ask of the scheduler, from keepalived.conf's <c>global_defs</c>: SCHED_RR at
/// <see cref="Priority"/> (0: normal scheduling), RLIMIT_RTTIME as the safety net, memory locked, CPUs. keepalived
/// asks for none of it unless told; HaCluster asks for real-time scheduling and locked memory by itself when an
/// instance advertises more often than once a second, where a busy host would otherwise make a backup take over.
/// </summary>
public sealed record RealtimePolicy(int Priority, int LimitMicroseconds, bool LockMemory, EquatableArray<int> Cpus)
{
    public static readonly RealtimePolicy None = new(0, RealtimeDefaults.LimitMicroseconds, false, []);

    public bool Realtime => Priority > 0;

    /// <summary>Whether the policy came from the defaults for sub-second adverts rather than from a keyword (for the log).</summary>
    public bool ByDefault { get; init; }

    public static RealtimePolicy Of(KeepalivedConfig config)
    {
        var subSecond = config.Instances.Any(i => i.AdvertInterval < TimeSpan.FromSeconds(1));
        var global = config.Global;
        return new RealtimePolicy(global.RealtimePriority ?? (subSecond ? RealtimeDefaults.Priority : 0), global.RealtimeLimitMicroseconds,
            global.NoSwap ?? subSecond, global.CpuAffinity)
        {
            ByDefault = subSecond && global.RealtimePriority is null,
        };
    }
}

/// <summary>
/// The port for the scheduling of the threads VRRP's deadlines depend on (the engine, the receive threads): each
/// enters when it starts and leaves when it ends; the host applies a <see cref="RealtimePolicy"/> at start and on every
/// reload. The real one (Net) uses sched_setscheduler, RLIMIT_RTTIME, mlockall and sched_setaffinity.
/// </summary>
public interface IVrrpThreads
{
    /// <summary>The calling thread is one of VRRP's from now on: the current policy applies to it.</summary>
    void Enter();

    /// <summary>The calling thread ends.</summary>
    void Leave();

    /// <summary>
    /// The calling thread has worked a while without sleeping (a flood of packets): it sleeps a few microseconds, which
    /// restarts the kernel's RLIMIT_RTTIME count (a thread that never sleeps would have the agent killed) and gives a
    /// core back to the rest of the host.
    /// </summary>
    void Breathe();

    void Apply(RealtimePolicy policy);
}

/// <summary>Nothing asked of the scheduler: the unit tests' edges.</summary>
public sealed class NormalThreads : IVrrpThreads
{
    public static readonly NormalThreads Instance = new();

    public void Enter()
    {
    }

    public void Leave()
    {
    }

    public void Breathe()
    {
    }

    public void Apply(RealtimePolicy policy)
    {
    }
}

/// <summary>
/// The port for the engine's sleep on the system clock: until a relative timeout with sub-millisecond precision, or
/// until another thread's <see cref="Wake"/>. A wake before the sleep is not lost: the sleep then returns at once.
/// </summary>
public interface IPreciseWait : IDisposable
{
    void Wake();

    /// <summary>
    /// Sleeps for <paramref name="timeout"/> (null: until woken) or until woken; returns at once if
    /// <paramref name="ready"/> holds once the sleep is announced (so that no wake between the two is lost).
    /// </summary>
    void Sleep(TimeSpan? timeout, Func<bool> ready);
}
