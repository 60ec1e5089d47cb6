using System.Collections.Concurrent;

namespace HaCluster.Agent.Vrrp;

/// <summary>
/// One thread runs every instance, as keepalived's scheduler does: due deadlines first (so no queued packet delays
/// an advert), then one queued event, then sleep until the earliest deadline. Deadlines are absolute on the
/// monotonic clock. A thread per instance would cost a stack and a wakeup each.
/// </summary>
public sealed class VrrpEngine : IDisposable
{
    private const int InboxCapacity = 16384;
    private readonly ConcurrentQueue<(InstanceRunner Runner, VrrpEvent Event)> _inbox = new();
    // No spinning before it sleeps (BlockingCollection's semaphore spins and yields on every wait, for each advert).
    private readonly ManualResetEventSlim _posted = new(false, spinCount: 0);
    private readonly Lock _attach = new();
    private int _queued;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Thread _thread;
    private volatile InstanceRunner[] _runners = [];
    private volatile bool _disposed;

    public VrrpEngine(TimeProvider time)
    {
        _time = time;
        _origin = time.GetTimestamp();
        _thread = new Thread(Run) { IsBackground = true, Name = "vrrp-engine", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

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

    private void Enqueue(InstanceRunner runner, VrrpEvent @event)
    {
        _inbox.Enqueue((runner, @event));
        _posted.Set();
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
        _posted.Set();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    private void Run()
    {
        // Until disposed and drained: the release events queued before Dispose are still carried out.
        while (!_disposed || !_inbox.IsEmpty)
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

            if (_inbox.TryDequeue(out var item))
            {
                Interlocked.Decrement(ref _queued);
                item.Runner.Handle(item.Event);
                continue;
            }

            var wait = earliest is { } e ? e - Now : Timeout.InfiniteTimeSpan;
            if (wait != Timeout.InfiniteTimeSpan && wait <= TimeSpan.Zero)
            {
                continue;
            }

            // Reset, then look again: a post between the two sets the event, so the wait returns at once.
            _posted.Reset();
            if (_inbox.IsEmpty && !_disposed)
            {
                _posted.Wait(ToMilliseconds(wait));
            }
        }
    }

    private static int ToMilliseconds(TimeSpan wait) =>
        wait == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Ceiling(wait.TotalMilliseconds);
}
