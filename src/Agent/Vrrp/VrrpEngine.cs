using System.Collections.Concurrent;

namespace HaCluster.Agent.Vrrp;

/// <summary>
/// One thread runs every instance, as keepalived's scheduler does: due deadlines first (so no queued packet delays
/// an advert), then one queued event, then sleep until the earliest deadline. Deadlines are absolute on the
/// monotonic clock of the injected <see cref="TimeProvider"/>. A thread per instance would cost a stack and a wakeup each.
/// </summary>
public sealed class VrrpEngine : IDisposable
{
    private const int InboxCapacity = 16384;
    // Events handled in a row, without sleeping, before a breath of a few µs.
    private const int BreatheEvery = 64;
    private readonly ConcurrentQueue<(InstanceRunner? Runner, VrrpEvent Event)> _inbox = new();
    private readonly Lock _attach = new();
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly DeadlineWait _wait;
    private readonly IVrrpThreads _threads;
    private readonly Thread _thread;
    // Built once: the engine loop allocates nothing per pass.
    private readonly Func<TimeSpan> _now;
    private readonly Func<bool> _pending;
    private int _queued;
    private volatile InstanceRunner[] _runners = [];
    private volatile bool _disposed;

    /// <param name="time">The clock of every deadline.</param>
    /// <param name="precise">The kernel's wait on the system clock (null: whole milliseconds).</param>
    /// <param name="threads">The engine thread's scheduling (null: normal).</param>
    public VrrpEngine(TimeProvider time, IPreciseWait? precise = null, IVrrpThreads? threads = null)
    {
        _time = time;
        _origin = time.GetTimestamp();
        _wait = new DeadlineWait(time, precise);
        _threads = threads ?? NormalThreads.Instance;
        _now = () => Now;
        _pending = () => !_inbox.IsEmpty || _disposed;
        // Thread.Priority does nothing on Linux: real-time scheduling comes from IVrrpThreads.
        _thread = new Thread(Run) { IsBackground = true, Name = "vrrp-engine" };
        _thread.Start();
    }

    /// <summary>The clock every instance on this engine reads (wall time for reports, monotonic time for deadlines).</summary>
    public TimeProvider Time => _time;

    public TimeSpan Now => _time.GetElapsedTime(_origin);

    /// <summary>Queues an event; false when the queue is full (a flood): the caller counts the drop, never blocks.</summary>
    public bool Post(InstanceRunner runner, VrrpEvent @event)
    {
        if (_disposed || Interlocked.Increment(ref _queued) > InboxCapacity)
        {
            Interlocked.Decrement(ref _queued);
            return false;
        }

        Enqueue(runner, @event);
        return true;
    }

    /// <summary>Queues an event that must not be lost (start, stop): beyond the capacity that floods are held to.</summary>
    public void PostReliably(InstanceRunner runner, VrrpEvent @event)
    {
        if (!_disposed)
        {
            Interlocked.Increment(ref _queued);
            Enqueue(runner, @event);
        }
    }

    /// <summary>
    /// Returns once the engine is idle: everything queued before the call handled, every deadline due at the clock's
    /// time then, and what those queued in turn (a sync group's followers). What a test needs after moving a fake
    /// clock or posting an event, instead of sleeping. False if that took longer than <paramref name="timeout"/>.
    /// </summary>
    public bool Flush(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var barrier = new Barrier(new ManualResetEventSlim());
            Interlocked.Increment(ref _queued);
            Enqueue(null, barrier);
            if (!barrier.Done.Wait(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64))))
            {
                return false; // the engine sets it later: left to the collector, not disposed under it
            }

            barrier.Done.Dispose();
            if (barrier.Idle)
            {
                return true;
            }
        }
    }

    private void Enqueue(InstanceRunner? runner, VrrpEvent @event)
    {
        _inbox.Enqueue((runner, @event));
        _wait.Wake();
    }

    internal void Attach(InstanceRunner runner)
    {
        lock (_attach)
        {
            _runners = [.. _runners, runner];
        }
    }

    internal void Detach(InstanceRunner runner)
    {
        lock (_attach)
        {
            _runners = [.. _runners.Where(r => r != runner)];
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _wait.Wake();
        _thread.Join(TimeSpan.FromSeconds(5));
        _wait.Dispose();
    }

    private void Run()
    {
        _threads.Enter();
        try
        {
            // Until disposed and drained: the release events queued before Dispose are still carried out.
            var awake = 0;
            while (!_disposed || !_inbox.IsEmpty)
            {
                var earliest = HandleDeadlines();
                if (_inbox.TryDequeue(out var item))
                {
                    Interlocked.Decrement(ref _queued);
                    Handle(item.Runner, item.Event);
                    if (++awake % BreatheEvery == 0)
                    {
                        _threads.Breathe(); // a flood in the inbox never keeps this (real-time) thread from sleeping
                    }

                    continue;
                }

                awake = 0;
                _wait.Until(earliest, _now, _pending);
            }
        }
        finally
        {
            _threads.Leave();
        }
    }

    /// <summary>Gives every instance whose deadline has come its tick; returns the earliest deadline still ahead.</summary>
    private TimeSpan? HandleDeadlines()
    {
        var now = Now;
        TimeSpan? earliest = null;
        foreach (var runner in _runners)
        {
            if (runner.State.NextDeadline is not { } deadline)
            {
                continue;
            }

            if (deadline <= now)
            {
                runner.Handle(VrrpEvent.TimerTick);
                deadline = runner.State.NextDeadline ?? TimeSpan.MaxValue;
            }

            earliest = deadline < (earliest ?? TimeSpan.MaxValue) ? deadline : earliest;
        }

        return earliest;
    }

    private void Handle(InstanceRunner? runner, VrrpEvent @event)
    {
        if (@event is Barrier barrier)
        {
            barrier.Idle = _inbox.IsEmpty;
            barrier.Done.Set();
            return;
        }

        runner!.Handle(@event);
    }

    /// <summary>A marker in the inbox: set once everything before it was handled; <see cref="Idle"/> if nothing came after.</summary>
    private sealed record Barrier(ManualResetEventSlim Done) : VrrpEvent
    {
        public volatile bool Idle;
    }
}
