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
    private readonly BlockingCollection<(InstanceRunner Runner, VrrpEvent Event)> _inbox = new(new ConcurrentQueue<(InstanceRunner, VrrpEvent)>(), InboxCapacity);
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
    public bool Post(InstanceRunner runner, VrrpEvent @event) => !_disposed && _inbox.TryAdd((runner, @event));

    /// <summary>Queues an event that must not be lost (start, stop), waiting for room if needed.</summary>
    public void PostReliably(InstanceRunner runner, VrrpEvent @event)
    {
        if (!_disposed)
        {
            _inbox.Add((runner, @event));
        }
    }

    internal void Attach(InstanceRunner runner)
    {
        lock (_inbox)
        {
            _runners = [.. _runners, runner];
        }
    }

    internal void Detach(InstanceRunner runner)
    {
        lock (_inbox)
        {
            _runners = [.. _runners.Where(r => r != runner)];
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _inbox.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    private void Run()
    {
        while (!_inbox.IsCompleted)
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

            var wait = earliest is { } e ? e - Now : Timeout.InfiniteTimeSpan;
            if (wait != Timeout.InfiniteTimeSpan && wait <= TimeSpan.Zero)
            {
                continue;
            }

            try
            {
                if (_inbox.TryTake(out var item, ToMilliseconds(wait)))
                {
                    item.Runner.Handle(item.Event);
                }
            }
            catch (InvalidOperationException)
            {
                return; // completed while waiting
            }
        }
    }

    private static int ToMilliseconds(TimeSpan wait) =>
        wait == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Ceiling(wait.TotalMilliseconds);
}
