using System.Globalization;
using System.Runtime.InteropServices;
using HaCluster.Agent.Vrrp;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Net;

/// <summary>
/// Real-time scheduling for the VRRP threads, as keepalived's <c>vrrp_rt_priority</c>, <c>vrrp_rlimit_rttime</c>,
/// <c>vrrp_no_swap</c> and <c>vrrp_cpu_affinity</c> do for its VRRP process: SCHED_RR with RESET_ON_FORK (threads
/// and processes they start are normal ones), RLIMIT_RTTIME as the net under a thread that would never sleep
/// (SIGXCPU, logged, at half; the kernel's kill at all of it), mlockall(CURRENT|FUTURE|ONFAULT), and CPU affinity.
/// Only the threads that entered are real-time (the engine, the receive threads), never the whole process: the
/// runtime's own threads (GC, thread pool, the controller link) stay normal. What the host does not grant is said
/// once, with what to grant, and the agent runs on without it.
/// </summary>
public sealed class RealtimeThreads : IVrrpThreads, IDisposable
{
    private const int CapIpcLock = 14;
    private const int CapSysNice = 23;
    private const int Sigxcpu = 24;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly List<int> _threads = [];
    private readonly HashSet<string> _said = new(StringComparer.Ordinal);
    private RealtimePolicy _policy = RealtimePolicy.None;
    private bool _affinitySet;
    private bool _locked;
    private PosixSignalRegistration? _cpuWarning;

    public RealtimeThreads(ILogger logger) => _logger = logger;

    /// <summary>The SCHED_RR priority the VRRP threads run at now (0: normal scheduling).</summary>
    public int Priority { get; private set; }

    /// <summary>Whether the agent's memory is locked now.</summary>
    public bool MemoryLocked => _locked;

    public void Enter()
    {
        var tid = LibC.GetTid();
        // 1 ns of timer slack (the default is 50 µs) for when this thread is not real-time: its timeouts then end on time.
        _ = LibC.Prctl(LibC.PR_SET_TIMERSLACK, 1, 0, 0, 0);
        lock (_lock)
        {
            _threads.Add(tid);
            Schedule(tid, _policy);
            if (_affinitySet || !_policy.Cpus.IsEmpty)
            {
                Pin(tid, _policy);
            }
        }
    }

    public void Leave()
    {
        var tid = LibC.GetTid();
        lock (_lock)
        {
            _threads.Remove(tid);
        }
    }

    public void Breathe()
    {
        var moment = new LibC.Timespec { Nanoseconds = 20_000 };
        _ = LibC.ClockNanosleep(LibC.CLOCK_MONOTONIC, 0, in moment, 0);
    }

    public void Apply(RealtimePolicy policy)
    {
        lock (_lock)
        {
            if (policy == _policy)
            {
                return;
            }

            _policy = policy;
            if (policy.Realtime)
            {
                Limit(policy);
            }

            foreach (var tid in _threads)
            {
                Schedule(tid, policy);
                if (_affinitySet || !policy.Cpus.IsEmpty)
                {
                    Pin(tid, policy);
                }
            }

            _affinitySet = !policy.Cpus.IsEmpty;
            LockMemory(policy.LockMemory);
            NetLog.Scheduling(_logger, Describe(policy));
        }
    }

    public void Dispose() => _cpuWarning?.Dispose();

    private string Describe(RealtimePolicy policy) =>
        (Priority > 0
            ? $"SCHED_RR priority {Priority} (RLIMIT_RTTIME {policy.LimitMicroseconds} µs){(policy.ByDefault ? ", as instances advertise faster than once a second" : "")}"
            : policy.Realtime ? "normal priority (real-time refused)" : "normal priority")
        + $"; memory {(_locked ? "locked" : "not locked")}; CPUs {(policy.Cpus.IsEmpty ? "any" : string.Join(' ', policy.Cpus))}; {_threads.Count} thread(s)";

    private void Schedule(int tid, RealtimePolicy policy)
    {
        if (!policy.Realtime && Priority == 0)
        {
            return; // normal, and never was otherwise
        }

        var priority = policy.Priority;
        var scheduling = policy.Realtime ? LibC.SCHED_RR | LibC.SCHED_RESET_ON_FORK : LibC.SCHED_OTHER;
        if (LibC.SchedSetScheduler(tid, scheduling, in priority) == 0)
        {
            Priority = priority;
            return;
        }

        var error = Marshal.GetLastPInvokeError();
        Priority = 0;
        if (policy.Realtime && _said.Add("realtime"))
        {
            NetLog.RealtimeRefused(_logger, $"sched_setscheduler(SCHED_RR, {priority}): {LibC.ErrorText(error)}", RealtimeGrant(priority));
        }
    }

    /// <summary>What the host must grant, in its own words for this process.</summary>
    private static string RealtimeGrant(int priority)
    {
        var rtprio = LibC.GetRlimit(LibC.RLIMIT_RTPRIO, out var limit) == 0 ? limit.Current : 0;
        return $"It needs CAP_SYS_NICE ({(EffectiveCapabilities.Has(CapSysNice) ? "held" : "not held")}) or LimitRTPRIO={priority} (RLIMIT_RTPRIO is {Rlimit(rtprio)}), "
            + "a unit without RestrictRealtime=yes (deploy/systemd/hacluster-agent.service grants all of it), and with cgroup v1 a cpu cgroup with rt_runtime_us above 0";
    }

    private void Limit(RealtimePolicy policy)
    {
        // The warning at half the limit: SIGXCPU would otherwise kill the process before the hard limit does.
        _cpuWarning ??= PosixSignalRegistration.Create((PosixSignal)Sigxcpu, context =>
        {
            context.Cancel = true;
            NetLog.RealtimeCpuWarning(_logger, _policy.LimitMicroseconds / 2);
        });
        var wanted = (ulong)policy.LimitMicroseconds;
        _ = LibC.GetRlimit(LibC.RLIMIT_RTTIME, out var current);
        // Raising the hard limit needs CAP_SYS_RESOURCE: a lower one (an earlier reload's) stays, and is said.
        var maximum = Math.Min(wanted, current.Maximum);
        if (maximum < wanted && _said.Add("rttime"))
        {
            NetLog.SchedulingPartRefused(_logger, $"RLIMIT_RTTIME {wanted} µs", $"the hard limit is {maximum} µs", "Raising it needs CAP_SYS_RESOURCE or LimitRTTIME= in the unit");
        }

        var limit = new LibC.RLimit { Current = maximum / 2, Maximum = maximum };
        if (LibC.SetRlimit(LibC.RLIMIT_RTTIME, in limit) != 0 && _said.Add("rttime-set"))
        {
            NetLog.SchedulingPartRefused(_logger, $"RLIMIT_RTTIME {wanted} µs", LibC.ErrorText(Marshal.GetLastPInvokeError()), "The real-time threads run without that net");
        }
    }

    private void Pin(int tid, RealtimePolicy policy)
    {
        Span<ulong> mask = stackalloc ulong[16]; // 1024 CPUs, glibc's cpu_set_t
        if (policy.Cpus.IsEmpty)
        {
            mask.Fill(ulong.MaxValue); // back to every CPU (the kernel keeps only those allowed and online)
        }
        else
        {
            mask.Clear();
            foreach (var cpu in policy.Cpus)
            {
                mask[cpu / 64] |= 1UL << (cpu % 64);
            }
        }

        if (LibC.SchedSetAffinity(tid, (nuint)(mask.Length * sizeof(ulong)), mask) != 0 && _said.Add("affinity"))
        {
            NetLog.SchedulingPartRefused(_logger, $"vrrp_cpu_affinity {string.Join(' ', policy.Cpus)}", LibC.ErrorText(Marshal.GetLastPInvokeError()),
                $"The CPUs this host has online: {Environment.ProcessorCount} (numbered from 0), less any its cpuset withholds");
        }
    }

    private void LockMemory(bool wanted)
    {
        if (wanted == _locked)
        {
            return;
        }

        if (!wanted)
        {
            _locked = LibC.MunlockAll() != 0;
            return;
        }

        // Without CAP_IPC_LOCK every later allocation counts against RLIMIT_MEMLOCK: a heap growing past it would fail.
        var memlock = LibC.GetRlimit(LibC.RLIMIT_MEMLOCK, out var limit) == 0 ? limit.Current : 0;
        if (!EffectiveCapabilities.Has(CapIpcLock) && memlock != LibC.RLIM_INFINITY)
        {
            if (_said.Add("memlock"))
            {
                NetLog.SchedulingPartRefused(_logger, "locking memory (vrrp_no_swap)", $"neither CAP_IPC_LOCK nor an unlimited RLIMIT_MEMLOCK (it is {Rlimit(memlock)})",
                    "It needs LimitMEMLOCK=infinity (deploy/systemd/hacluster-agent.service sets it) or CAP_IPC_LOCK");
            }

            return;
        }

        if (LibC.MlockAll(LibC.MCL_CURRENT | LibC.MCL_FUTURE | LibC.MCL_ONFAULT) == 0)
        {
            _locked = true;
        }
        else if (_said.Add("mlockall"))
        {
            NetLog.SchedulingPartRefused(_logger, "locking memory (vrrp_no_swap)", $"mlockall: {LibC.ErrorText(Marshal.GetLastPInvokeError())}", "It needs LimitMEMLOCK=infinity or CAP_IPC_LOCK");
        }
    }

    private static string Rlimit(ulong value) => value == LibC.RLIM_INFINITY ? "unlimited" : value.ToString(CultureInfo.InvariantCulture);
}
